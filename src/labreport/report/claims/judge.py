"""The claims ledger's machinery: a claim, how a numeric claim is judged, and the tolerances.

A claim of the original report is set against the measurement and given a verdict: reproduced
(within the tolerance), differs, not measurable here, or stand-in. The claims themselves are data
(claims.toml, read by `claimsfile`); how each is measured is `measures`, the yes/no facts `checks`.

Stand-ins. No registry is reachable here, so base images are built locally. A claim about an image
built on such a base is split into the base's share and the layers this project adds, which are
measured for real. The base's weight is then let range from nothing up to the report's own figure
for that base: if the claim misses its tolerance band for every such weight, it *differs*; if it
lands inside for every weight, it is *reproduced*; only when the base's weight decides it does it
stay *stand-in*. Sizes, reductions and savings are monotonic in every base's weight, so the range
is spanned by evaluating the corners (each weight at 0 or at the report's figure).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ...contract.schema import ImageSize, Measurements
from ..derive import is_standin, relative_difference, resting_on_standin
from ..units import human_size

#: A measured value within this relative distance of the claimed one reproduces the claim.
TOLERANCE = 0.10

Verdict = Literal["reproduced", "differs", "not measurable here", "stand-in"]
#: Every verdict, in the order the ledger's summary lists them.
VERDICTS: tuple[Verdict, ...] = ("reproduced", "differs", "stand-in", "not measurable here")

#: The measured value of a claim the data cannot judge.
NO_VALUE = "\u2013"

#: Base reference -> the weight (bytes) assumed for it in place of the measured one.
Weights = Mapping[str, float]
Measure = Callable[[Measurements, Weights], float | None]


@dataclass(frozen=True, kw_only=True)
class Pointing:
    """Where a measured figure lies in the data: its inputs, each a record and the fields down to
    the value (`evidence.where` makes a JSON Pointer of it), and the formula that joins them
    (`evidence.FORMULAS`; none for one figure shown as the data holds it)."""

    inputs: tuple[tuple[object, tuple[str, ...]], ...]
    formula: str = ""
    factor: int = 1


#: A measure's `Pointing` in the data, or None where the data lacks the figure.
Point = Callable[[Measurements], Pointing | None]


@dataclass(frozen=True, kw_only=True)
class NoteFigure:
    """A figure a claim's note says, in the note's order: its text and where it comes from: the
    claims file's weight for base `base` ("base"), the claim or its tolerance, or the claim's
    measure taken with the base weights `weights` in place of the stand-ins' ("weighed")."""

    text: str
    kind: Literal["base", "claimed", "tolerance", "weighed"]
    base: str = ""
    weights: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Claim:
    key: str
    topic: str
    claimed: str
    measured: str
    verdict: Verdict
    difference: float | None  # signed: percent of the claim, or percentage points when `points`
    note: str
    page: str
    tolerance: str = NO_VALUE
    points: bool = False
    #: The measured value is a stand-in's (or rests on one): pages mark it.
    standin: bool = False
    # The evidence behind the judgment, not part of it (two equal judgments may rest on other records):
    #: the measured value unrounded, and where its inputs lie in the data (numeric claims);
    value: float | None = field(default=None, compare=False)
    evidence: Pointing | None = field(default=None, compare=False)
    #: the difference is that of a stand-in base at an assumed weight, not of `value`;
    weighed: bool = field(default=False, compare=False)
    #: the figures the note says, in its order.
    figures: tuple[NoteFigure, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class Quantity:
    """A numeric claim: value or [low, high] range, unit formatter, how to measure it."""

    key: str
    topic: str
    claimed: float | tuple[float, float]
    show: Callable[[float], str]
    measure: Measure
    missing: str
    page: str
    #: Stand-in bases whose weight ranges from 0 to the report's figure for them.
    vary: tuple[str, ...] = ()
    #: Stand-in bases taken at the report's figure: the claim is the report's arithmetic on it
    #: (a reduction against `golang:1.25` is computed from the report's figure for it).
    held: tuple[str, ...] = ()
    #: Bases that decide the value in a way no weight captures (package counts, pull times).
    rests_on: tuple[str, ...] = ()
    #: What the value is with every varied base at 0 ("the final image's own layers alone").
    alone: str = ""
    tolerance: float = TOLERANCE
    #: Tolerance and difference in the claim's own unit: percentage points for a percentage.
    points: bool = False
    note: str = ""
    #: Where the measured figure lies in the data (`measures.MEASURES`' `point`).
    point: Point | None = None


def band(claimed: float | tuple[float, float], tolerance: float, points: bool) -> tuple[float, float]:
    """The values that reproduce a claim: the claim (or its range) widened by the tolerance."""
    low, high = claimed if isinstance(claimed, tuple) else (claimed, claimed)
    if points:
        return low - tolerance, high + tolerance
    return low * (1 - tolerance), high * (1 + tolerance)


def difference(value: float, claimed: float | tuple[float, float], points: bool) -> float | None:
    """Signed distance from the claim, or from the nearer end of a claimed range (0 inside it);
    None for a value off a claimed 0, which no percentage of the claim measures."""
    if isinstance(claimed, tuple):
        low, high = claimed
        if low <= value <= high:
            return 0.0
        nearest = low if value < low else high
    else:
        nearest = claimed
    if points:
        return value - nearest
    if nearest == 0:
        return 0.0 if value == 0 else None
    return relative_difference(value, nearest)


def judge_number(
    measured: float, claimed: float | tuple[float, float], tolerance: float = TOLERANCE, points: bool = False
) -> tuple[Verdict, float | None]:
    """Reproduced when inside the claim's band (see `band`), else differs; with the signed difference."""
    low, high = band(claimed, tolerance, points)
    verdict: Verdict = "reproduced" if low <= measured <= high else "differs"
    return verdict, difference(measured, claimed, points)


def show_claim(value: float | tuple[float, float], show: Callable[[float], str]) -> str:
    if isinstance(value, tuple):
        return f"{show(value[0])} to {show(value[1])}"
    return show(value)


def show_tolerance(tolerance: float, points: bool) -> str:
    return f"\u00b1{tolerance:g} pp" if points else f"\u00b1{tolerance * 100:g} %"


def _corners(quantity: Quantity, data: Measurements, reported: Weights) -> list[dict[str, float]]:
    varied = [ref for ref in quantity.vary if is_standin(data, ref)]
    held = {ref: reported[ref] for ref in quantity.held if is_standin(data, ref)}
    if not varied and not held:
        return []
    return [
        {**held, **dict(zip(varied, choice, strict=True))}
        for choice in itertools.product(*((0.0, reported[ref]) for ref in varied))
    ]


def _weights_figures(quantity: Quantity, data: Measurements, reported: Weights) -> list[NoteFigure]:
    """The base weights `_weights_phrase` names, in its order."""
    refs = [ref for ref in (*quantity.vary, *quantity.held) if is_standin(data, ref)]
    return [NoteFigure(text=human_size(reported[ref]), kind="base", base=ref) for ref in refs]


def _at(quantity: Quantity, value: float, weights: Mapping[str, float]) -> NoteFigure:
    return NoteFigure(text=quantity.show(value), kind="weighed", weights=tuple(sorted(weights.items())))


def _weights_phrase(quantity: Quantity, data: Measurements, reported: Weights) -> str:
    parts = [
        f"any {ref} base from 0 to {human_size(reported[ref])}"
        for ref in quantity.vary
        if is_standin(data, ref)
    ]
    parts += [
        f"{ref} at the report's {human_size(reported[ref])}" for ref in quantity.held if is_standin(data, ref)
    ]
    return " and ".join(parts)


def judge(data: Measurements, quantity: Quantity, reported: Weights) -> Claim:
    """`reported`: the report's own figure for each base, the most a stand-in's real image may weigh."""
    claimed = show_claim(quantity.claimed, quantity.show)
    tolerance = show_tolerance(quantity.tolerance, quantity.points)
    value = quantity.measure(data, {})
    if value is None:
        return Claim(
            key=quantity.key,
            topic=quantity.topic,
            claimed=claimed,
            measured=NO_VALUE,
            verdict="not measurable here",
            difference=None,
            note=quantity.missing,
            page=quantity.page,
            tolerance=tolerance,
            points=quantity.points,
        )
    verdict, off = judge_number(value, quantity.claimed, quantity.tolerance, quantity.points)
    notes = [quantity.note] if quantity.note else []
    corners = _corners(quantity, data, reported)
    weighed = False
    figures: list[NoteFigure] = []
    measured = [(v, w) for v, w in ((quantity.measure(data, w), w) for w in corners) if v is not None]
    values = [v for v, _ in measured]
    if values:
        low, high = min(values), max(values)
        at_low, at_high = (next(w for v, w in measured if v == end) for end in (low, high))
        figures = [*_weights_figures(quantity, data, reported), _at(quantity, low, at_low)]
        figures.append(_at(quantity, high, at_high))
        within_low, within_high = band(quantity.claimed, quantity.tolerance, quantity.points)
        if high < within_low or low > within_high:
            verdict = "differs"
            off = difference(high if high < within_low else low, quantity.claimed, quantity.points)
            weighed = True
            reason = f"with {_weights_phrase(quantity, data, reported)} it would be "
            reason += f"{quantity.show(low)} to {quantity.show(high)}, not {claimed}"
            figures.append(NoteFigure(text=claimed, kind="claimed"))
        elif within_low <= low and high <= within_high:
            verdict = "reproduced"
            # The worst case over every admissible weight, which still lies within the tolerance.
            ends = [difference(v, quantity.claimed, quantity.points) for v in (low, high)]
            off = max((end for end in ends if end is not None), key=abs, default=None)
            weighed = True
            reason = f"with {_weights_phrase(quantity, data, reported)} it is "
            reason += f"{quantity.show(low)} to {quantity.show(high)}, within {claimed} {tolerance}"
            figures += [
                NoteFigure(text=claimed, kind="claimed"),
                NoteFigure(text=tolerance, kind="tolerance"),
            ]
        else:
            verdict = "stand-in"
            reason = f"with {_weights_phrase(quantity, data, reported)} it could be "
            reason += f"{quantity.show(low)} to {quantity.show(high)}: the base's real weight decides"
        nothing = dict.fromkeys(quantity.vary, 0.0)
        zero = quantity.measure(data, nothing)
        if zero == 0 and verdict == "stand-in":
            figures = []
            # Nothing of the value is this project's: the stand-in measured only itself.
            reason = "about the base image alone (nothing this project adds): only the real image settles it"
        elif zero is not None and quantity.alone:
            reason = f"{quantity.alone}: {quantity.show(zero)}; {reason}"
            figures.insert(0, _at(quantity, zero, nothing))
        notes.insert(0, reason)
    deciding = [ref for ref in quantity.rests_on if is_standin(data, ref)]
    if deciding:
        verdict = "stand-in"
        notes.insert(0, f"decided by the stand-in for {', '.join(deciding)}")
    evidence = None if quantity.point is None else quantity.point(data)
    # A claim with no stand-in rule (a drafted one, say) is judged on the raw value, but a value that
    # rests on a stand-in base is still marked as such where it is shown.
    unruled = (
        not (quantity.vary or quantity.held or quantity.rests_on)
        and evidence is not None
        and any(
            isinstance(record, ImageSize) and resting_on_standin(data, record)
            for record, _ in evidence.inputs
        )
    )
    return Claim(
        key=quantity.key,
        topic=quantity.topic,
        claimed=claimed,
        measured=quantity.show(value),
        verdict=verdict,
        difference=off,
        note="; ".join(notes),
        page=quantity.page,
        tolerance=tolerance,
        points=quantity.points,
        standin=bool(corners or deciding or unruled),
        value=value,
        evidence=evidence,
        weighed=weighed,
        figures=tuple(figures),
    )


def show_difference(claim: Claim) -> str:
    """The signed difference as the ledger prints it: percent of the claim, or percentage points."""
    if claim.difference is None:
        return NO_VALUE
    return f"{claim.difference:+.1f} pp" if claim.points else f"{claim.difference:+.1f} %"


def verdict_counts(claims: list[Claim]) -> dict[Verdict, int]:
    counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
    for claim in claims:
        counts[claim.verdict] += 1
    return counts
