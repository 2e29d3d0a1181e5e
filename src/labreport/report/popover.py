"""The element a figure is shown in and its popover, for figures the page's data file does not
hold: the project's own words and limits (budgets), the code's constants, the history's changes.
`evidence` builds on it for the figures of measurements.json.

Each `_popover` is a `<button>` a reader can point at, focus or tap, described by a popover that
waits in `POPOVERS` until the plugin puts it at the end of the page (`popovers`). This module reads no
site build, so the history's macros can use it (the build imports them through the figures).
"""

from __future__ import annotations

import html
import itertools
import json
import re

#: Where the site publishes the budgets file whose words and limits the conclusion shows.
BUDGETS_PATH = "data/budgets.toml"
#: Where the site publishes the history its history page is made of.
HISTORY_PATH = "data/history.json"

_ids = itertools.count(1)
#: Each figure's popover, by its id, from the macros' calls until the page is rendered.
POPOVERS: dict[str, str] = {}
_CALLED = re.compile(r'aria-describedby="(evidence-[0-9]+)"')


def inert(said: str) -> str:
    """Text as HTML, braces too: the popovers join the page after Markdown and the macros ran, but a
    `{{.Size}}` should never look like a template to anything that reads the page again."""
    return html.escape(said).replace("{", "&#123;").replace("}", "&#125;")


def _spans(said: str) -> str:
    """Text whose `backticked` parts are code, as `contract.evidence` writes commands in prose."""
    parts = said.split("`")
    return "".join(
        f"<code>{inert(part)}</code>" if odd else inert(part) for odd, part in enumerate(parts) if part
    )


def line(label: str, said: str, *, code: bool = False) -> str:
    body = f'<code class="evidence-command">{inert(said)}</code>' if code else _spans(said)
    return f'<span class="evidence-line"><b>{inert(label)}:</b> {body}</span>'


def popover(attributes: dict[str, str], showing: str, lines: list[str]) -> str:
    """The button a page shows; its popover waits in `POPOVERS` for `popovers`, which the plugin puts
    at the end of the page: Markdown then parses one tag and a figure, not every popover's text."""
    ident = f"evidence-{next(_ids)}"
    attrs = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attributes.items())
    POPOVERS[ident] = (
        f'<span class="evidence-pop" id="{ident}" role="tooltip" popover="manual" tabindex="0"'
        f" data-search-exclude>{''.join(lines)}</span>"
    )
    return (
        f'<button type="button" class="evidence-value"{attrs} aria-describedby="{ident}">{showing}</button>'
    )


def popovers(page_html: str) -> str:
    """The popovers of every figure on a rendered page, for the end of its content."""
    found = [POPOVERS[ident] for ident in _CALLED.findall(page_html) if ident in POPOVERS]
    return f'\n<div class="evidence-pops">{"".join(found)}</div>\n' if found else ""


def history_change(showing: str, field: str, at: int, after: int, before: int) -> str:
    """`showing`, how history field `field` changed from run `at - 1` to run `at` (`after` and
    `before` its values): `data-history` points into the published history.json, as `data-evidence`
    into measurements.json; the runs' own data files are gone, only their history record remains."""
    now, then = f"/records/{at}/{field}", f"/records/{at - 1}/{field}"
    lines = [
        line("derived", f"{after:,} \u2212 {before:,} = {after - before:+,} bytes"),
        line(f"input {now}", f"{after} bytes"),
        line(f"input {then}", f"{before} bytes"),
        line("in history.json", f"{HISTORY_PATH} at {now} and {then}", code=True),
    ]
    attributes = {"data-history": now, "data-formula": "change", "data-inputs": json.dumps([now, then])}
    return popover(attributes, showing, lines)


def budgeted(showing: str, number: int, field: str) -> str:
    """`showing`, field `field` (its `name`, or the `max` or `min` limit) of the budgets file's
    `[[budget]]` #`number`: the project's own words and limits, no measurement; `data-budget` and
    `data-budget-field` say where in the published budgets file it stands."""
    lines = [line("budgets file", f"{BUDGETS_PATH}, [[budget]] #{number}, field {field}", code=True)]
    return popover({"data-budget": str(number), "data-budget-field": field}, showing, lines)


def constant(showing: str, module: str, name: str, value: float, scale: float = 1) -> str:
    """`showing`, the code's own constant `module.name` (`value`, shown times `scale`): a policy of
    the report's, not a measurement; `data-constant` names it for the reader (and the test) to read."""
    lines = [
        line("set in the code", f"{module}.{name} = {value!r}", code=True),
        line("shown as", f"{value!r} \u00d7 {scale:g}"),
    ]
    attributes = {"data-constant": f"{module}.{name}", "data-scale": f"{scale:g}"}
    return popover(attributes, showing, lines)
