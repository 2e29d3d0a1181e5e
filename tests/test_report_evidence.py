"""report/evidence.py, fast: the pointers and formulas the pages' figures carry (contract/evidence.py,
what `labreport explain` prints, is tests/test_evidence.py).

The witness is the fake run's data dumped to JSON and walked here with a pointer resolver of this
file's own, and each derived figure recomputed here: a measure that names a wrong input (the
builder's size for the final image's), a wrong formula (a ratio for a reduction) or swaps its inputs
turns `test_every_numeric_claim_points_at_what_it_measured` red.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labreport.contract.schema import Measurements
from labreport.report import evidence, popover
from labreport.report.claims.judge import Claim
from labreport.report.claims.ledger import ledger
from labreport.report.claims.measures import MEASURES
from labreport.report.site import build as sitebuild
from records import fake_measurements, write_data


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Measurements]:
    """A site build's state for the evidence: the fake run on disk and its ledger; no figures."""
    measured = fake_measurements()
    path = write_data(measured, tmp_path / "measurements.json")
    site = sitebuild.SiteData(path=path, data=measured, current_inputs_hash=None, stale=None)
    build = sitebuild.Build(site=site, status=None, figures=None)  # type: ignore[arg-type]
    with sitebuild.using(build):
        yield measured


def resolve(document: Any, text: str) -> Any:
    value = document
    for token in text.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


def attribute(markup: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', markup)
    assert found is not None, f"no {name} in {markup[:200]}"
    return html.unescape(found[1])


def recompute(formula: str, values: list[float], factor: int) -> float:
    first, *rest = values
    second = rest[0] if rest else 0.0
    return {
        "reduction": lambda: (1 - second / first) * 100,
        "ratio": lambda: first / second,
        "saving": lambda: (first - second) * factor,
    }[formula]()


def test_where_names_the_pointer_of_the_record_the_macro_holds(data: Measurements) -> None:
    dumped = data.model_dump(mode="json")
    image = data.images[-1]
    at = evidence.where(image, "size")
    assert at == f"/images/{len(data.images) - 1}/size"
    assert resolve(dumped, at) == image.size
    with pytest.raises(LookupError, match="not a record of the site's data file"):
        evidence.where(image.model_copy(), "size")  # a copy is not the data's own record


def test_shown_carries_the_pointer_and_its_raw_value(data: Measurements) -> None:
    image = data.images[0]
    markup = evidence.shown("9.16 MB", evidence.where(image, "size"))
    assert attribute(markup, "data-evidence") == evidence.where(image, "size")
    said = popover.POPOVERS[attribute(markup, "aria-describedby")]
    assert f"{image.size} bytes" in said


def test_a_derived_figure_names_its_inputs_and_rejects_an_unknown_formula(data: Measurements) -> None:
    one, other = (evidence.where(image, "size") for image in data.images[:2])
    markup = evidence.derived("50 %", "reduction", [one, other], 50.0)
    assert json.loads(attribute(markup, "data-inputs")) == [one, other]
    assert attribute(markup, "data-formula") == "reduction"
    with pytest.raises(KeyError):
        evidence.derived("50 %", "halving", [one, other], 50.0)


def _numeric(claims: list[Claim]) -> list[Claim]:
    return [claim for claim in claims if claim.value is not None]


def test_every_numeric_claim_points_at_what_it_measured(data: Measurements) -> None:
    """Each measured value, recomputed here from the values its pointers name, is the claim's."""
    dumped, claims = data.model_dump(mode="json"), _numeric(ledger(data))
    assert len(claims) >= 10
    for claim in claims:
        assert claim.evidence is not None, claim.key
        pointers = [evidence.where(record, *fields) for record, fields in claim.evidence.inputs]
        values = [resolve(dumped, at) for at in pointers]
        values = [float(len(v)) if isinstance(v, list) else float(v) for v in values]
        formula = claim.evidence.formula
        value = recompute(formula, values, claim.evidence.factor) if formula else values[0]
        assert value == pytest.approx(claim.value), claim.key


def test_every_measure_names_where_its_inputs_lie() -> None:
    assert all(callable(kind.point) for kind in MEASURES.values())


def test_the_ledger_marks_the_reports_value_and_its_difference(data: Measurements) -> None:
    claim = next(c for c in _numeric(ledger(data)) if not c.weighed and c.difference is not None)
    said = evidence.claimed(claim)
    assert attribute(said, "data-claim") == claim.key
    assert attribute(said, "data-claim-field") == "claimed"
    assert "data-evidence" not in said  # the report's value is no measurement
    assert "report line" in popover.POPOVERS[attribute(said, "aria-describedby")]
    off = evidence.difference(claim)
    assert attribute(off, "data-claim-field") == "difference"
    assert claim.evidence is not None
    pointers = [evidence.where(record, *fields) for record, fields in claim.evidence.inputs]
    assert json.loads(attribute(off, "data-inputs")) == pointers
