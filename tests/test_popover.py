"""report/popover.py: the element of a figure the data file does not hold, and its popover."""

from __future__ import annotations

import html
import json
import re

from labreport.report import popover


def attribute(markup: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', markup)
    assert found is not None, f"no {name} in {markup[:200]}"
    return html.unescape(found[1])


def said(markup: str) -> str:
    return popover.POPOVERS[attribute(markup, "aria-describedby")]


def test_a_history_change_points_at_both_runs_and_says_the_arithmetic() -> None:
    markup = popover.history_change("-0.012 MB", "final_image_bytes", 3, 9_000_000, 9_012_000)
    assert attribute(markup, "data-history") == "/records/3/final_image_bytes"
    assert json.loads(attribute(markup, "data-inputs")) == [
        "/records/3/final_image_bytes",
        "/records/2/final_image_bytes",
    ]
    assert attribute(markup, "data-formula") == "change"
    assert "9,000,000 \u2212 9,012,000 = -12,000 bytes" in said(markup)


def test_a_budget_names_its_entry_and_field_and_a_constant_its_name() -> None:
    markup = popover.budgeted("20 MB", 1, "max")
    assert (attribute(markup, "data-budget"), attribute(markup, "data-budget-field")) == ("1", "max")
    assert popover.BUDGETS_PATH in said(markup)
    markup = popover.constant("10.0 %", "labreport.report.claims.judge", "TOLERANCE", 0.1, 100)
    assert attribute(markup, "data-constant") == "labreport.report.claims.judge.TOLERANCE"
    assert attribute(markup, "data-scale") == "100"


def test_only_the_pages_own_popovers_join_it_and_braces_stay_text() -> None:
    one, other = popover.budgeted("a", 1, "name"), popover.budgeted("b", 2, "name")
    joined = popover.popovers(f"<p>{one}</p>")
    assert attribute(one, "aria-describedby") in joined
    assert attribute(other, "aria-describedby") not in joined
    assert popover.inert("{{.Size}}") == "&#123;&#123;.Size&#125;&#125;"
