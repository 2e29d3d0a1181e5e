"""Evidence on every number a page shows: the one place a macro wraps a formatted figure.

`shown(text, pointer)` wraps a figure read from the data, `derived(text, ...)` one computed from
other figures (a reduction, a ratio, a saving). Either returns an inline element a reader can
point at, focus or tap: a `<button>` carrying `data-evidence`, the JSON Pointer (RFC 6901) of the
figure in the published measurements.json, and described by a popover (the Popover API: it opens
in the top layer, so nothing around it moves; the plugin adds it at the end of the article) saying what
`labreport explain` prints for that pointer (`contract.evidence`, so the terminal and the page say
the same): the raw value and its unit, how it was measured, the command that shows it, when, on
which testbed and at which commit, and the stand-in recipe of each base it rests on.
`docs/assets/evidence.js` opens and places it.

`where(record, field)` finds a record's pointer: the macros hold the data's records, not indices.

The claims ledger's values. The measured one is the data's (`measured`: a claim's `Pointing`, made
by its measure in `claims.measures`). What the report claimed (and the tolerance) is no measurement:
it is the report's, so `claimed` marks it with `data-claim` (the claim's key) and `data-claim-field`,
its popover naming the claims file the site publishes (`CLAIMS_PATH`), the entry and the report line;
the browser test reads it back from that published file. The difference joins both: `difference`
carries the claim and the measured inputs (`data-inputs`, `data-formula`, `data-factor`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..contract.evidence import Evidence, explain, facts
from ..contract.pointer import locations, pointer
from ..contract.schema import Measurements
from .claims import claimsfile
from .claims.judge import Claim, NoteFigure, show_difference
from .markup import NOT_MEASURED
from .popover import POPOVERS, line, popover
from .site import build as sitebuild

#: How a popover names a unit of `contract.evidence`.
UNIT_NAMES = {"s": "seconds", "bytes": "bytes"}

#: Where the site publishes the claims file the claimed values are read from.
CLAIMS_PATH = "data/claims.toml"

#: Derived figures: their arithmetic, written over the raw inputs `{0}`, `{1}` and the factor `{n}`.
#: The browser test recomputes each from the published data on its own, by these names.
FORMULAS = {
    "reduction": "(1 \u2212 {1} / {0}) \u00d7 100",
    "ratio": "{0} / {1}",
    "saving": "({0} \u2212 {1}) \u00d7 {n}",
    "share": "{1} / {0} \u00d7 100",
    "percent": "{0} \u00d7 100",
    "change": "{0} \u2212 {1}",
}


#: The data last indexed: its records' pointers, by the records' identity, and the data as JSON.
_index: tuple[Measurements | None, dict[int, str], Any] = (None, {}, None)


def _data() -> Measurements:
    return sitebuild.current().data


def _indexed(data: Measurements) -> tuple[Measurements | None, dict[int, str], Any]:
    global _index
    if _index[0] is not data:
        _index = (data, locations(data), data.model_dump(mode="json"))
        POPOVERS.clear()  # a new build's data: the previous build's pages are gone
    return _index


def _explain(data: Measurements, at: str) -> Evidence:
    return explain(data, at, _indexed(data)[2])


def where(record: object, *fields: str | int) -> str:
    """The pointer of `record`'s `fields` in the current data: `where(image, "size")` is
    `/images/3/size`. A record that is not the current data's own is an error in the macro."""
    located = _indexed(_data())[1].get(id(record))
    if located is None:
        raise LookupError(f"{type(record).__name__} is not a record of the site's data file")
    return located + pointer(*fields)


def raw(evidence: Evidence) -> str:
    """The value as the data file holds it, with its unit: `9160421 bytes`, `0.6412 seconds`."""
    value = evidence.value
    shown_value = value if isinstance(value, str) else json.dumps(value)
    unit = UNIT_NAMES.get(evidence.unit, evidence.unit)
    return f"{shown_value} {unit}".strip()


def _making(evidence: list[Evidence], data: Measurements) -> list[str]:
    """How, the command, when and where, and the bases, each said once for all `evidence`."""
    said: dict[tuple[str, str], None] = {}
    for each in evidence:
        said |= dict.fromkeys(facts(each, data.provenance))
    return [line(label, value, code=label == "see it yourself") for label, value in said]


def shown(showing: str, at: str) -> str:
    """`showing` (a figure as the page formats it) with the evidence of the figure at pointer `at`."""
    data = _data()
    evidence = _explain(data, at)
    lines = [line("value", raw(evidence)), line("in measurements.json", at, code=True)]
    return popover({"data-evidence": at}, showing, lines + _making([evidence], data))


def derived(showing: str, formula: str, inputs: Sequence[str], result: float, factor: int = 1) -> str:
    """`showing`, a figure computed by `formula` (one of `FORMULAS`) from the figures at `inputs`,
    with the inputs, the arithmetic and each input's evidence. `result` is the value the report
    computed (in `derive`), shown unrounded beside the formula."""
    data = _data()
    evidence = [_explain(data, each) for each in inputs]
    values = [f"{each.value:,}" if isinstance(each.value, int) else str(each.value) for each in evidence]
    arithmetic = FORMULAS[formula].format(*values, n=factor)
    exact = f"{int(result):,}" if float(result).is_integer() else f"{result:,.4f}"
    lines = [line("derived", f"{arithmetic} = {exact}")]
    lines += [line(f"input {each.pointer}", raw(each)) for each in evidence]
    attributes = {
        "data-evidence": inputs[0],
        "data-formula": formula,
        "data-inputs": json.dumps(list(inputs)),
        "data-factor": str(factor),
    }
    return popover(attributes, showing, lines + _making(evidence, data))


def field(record: object, name: str, show: Callable[[Any], str]) -> str:
    """Field `name` of `record` formatted by `show`, with its evidence; "*not measured*" for None."""
    value = getattr(record, name)
    return NOT_MEASURED if value is None else shown(show(value), where(record, name))


def _pointers(claim: Claim) -> list[str]:
    found = claim.evidence
    return [] if found is None else [where(record, *fields) for record, fields in found.inputs]


def measured(claim: Claim, showing: str) -> str:
    """A claim's measured value (`showing`, as the ledger formats it) with the evidence of its inputs;
    as it is where the claim has none (a yes/no fact, a value the data lacks)."""
    found, pointers = claim.evidence, _pointers(claim)
    if found is None or not pointers:
        return showing
    if not found.formula:  # one figure, or a text claim's value, as the data holds it
        return shown(showing, pointers[0])
    if claim.value is None:
        return showing
    return derived(showing, found.formula, pointers, claim.value, found.factor)


def _source(key: str) -> list[str]:
    number, report_line = claimsfile.current().located[key]
    return [
        line("claims file", f"{CLAIMS_PATH}, [[claim]] #{number} (key = {key!r})", code=True),
        line("report line", str(report_line)),
    ]


def claimed(claim: Claim, field: str = "claimed") -> str:
    """What the report said for `claim` (its `field`: `claimed` or `tolerance`), marked as the report's."""
    showing = str(getattr(claim, field))
    lines = [line("the report's" if field == "claimed" else "tolerance", showing), *_source(claim.key)]
    return popover({"data-claim": claim.key, "data-claim-field": field}, showing, lines)


def difference(claim: Claim) -> str:
    """The signed difference of `claim`: measured against claimed, with both."""
    showing = show_difference(claim)
    found, pointers = claim.evidence, _pointers(claim)
    if found is None or claim.difference is None or not pointers:
        return showing
    if claim.weighed:  # of a stand-in base at a weight the claims file assumes: the note says which
        lines = [line("derived", f"against the report's {claim.claimed}: {claim.note}"), *_source(claim.key)]
        return popover({"data-claim": claim.key, "data-claim-field": "difference"}, showing, lines)
    data = _data()
    inputs = [_explain(data, each) for each in pointers]
    lines = [
        line("derived", f"measured {claim.measured} against the report's {claim.claimed}"),
        *[line(f"input {each.pointer}", raw(each)) for each in inputs],
        *_source(claim.key),
    ]
    attributes = {
        "data-claim": claim.key,
        "data-claim-field": "difference",
        "data-inputs": json.dumps(pointers),
        "data-formula": found.formula,
        "data-factor": str(found.factor),
    }
    return popover(attributes, showing, lines + _making(inputs, data))


def _figure(claim: Claim, figure: NoteFigure) -> str:
    if figure.kind in ("claimed", "tolerance"):
        return claimed(claim, figure.kind)
    attributes = {"data-claim": claim.key, "data-claim-field": figure.kind}
    if figure.kind == "base":
        attributes["data-base"] = figure.base
        said = [
            line(
                "the report's weight for",
                f"`{figure.base}`: {figure.text} (the claims file's [reported_bases])",
            )
        ]
    else:
        weights = {ref: weight for ref, weight in figure.weights}
        attributes["data-weights"] = json.dumps(weights)
        at = ", ".join(f"`{ref}` at {weight:,.0f} bytes" for ref, weight in figure.weights)
        said = [
            line(
                "measured", f"by the claim's measure with {at or 'no base weighed'} in place of the stand-in"
            )
        ]
        said += [line(f"input {each}", raw(_explain(_data(), each))) for each in _pointers(claim)]
    return popover(attributes, figure.text, said + _source(claim.key))


def note(claim: Claim) -> str:
    """A claim's note with each figure it says (`Claim.figures`, in the note's order) marked."""
    parts, rest = [], claim.note
    for figure in claim.figures:
        before, found, after = rest.partition(figure.text)
        if not found:
            continue
        parts += [before, _figure(claim, figure)]
        rest = after
    return "".join(parts) + rest


def topic(claim: Claim) -> str:
    """A claim's topic, the claims file's words (its figures the report's), marked as the claim's."""
    said = [line("the claims file's words", claim.topic), *_source(claim.key)]
    return popover({"data-claim": claim.key, "data-claim-field": "topic"}, claim.topic, said)
