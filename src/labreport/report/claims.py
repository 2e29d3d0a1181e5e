"""The claims ledger's machinery: a claim, how a numeric claim is judged, and the tolerances.

A claim of the original report is set against the measurement and given a verdict: reproduced
(within the tolerance), differs, not measurable here (the figure is missing), or stand-in (it rests
on a base image built locally, so it neither reproduces nor refutes the report). The claims
themselves are listed in `ledger`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..schema import Measurements
from .derive import (
    PRIMARY,
    base_provenance,
    build,
    image,
    layer,
    reduction,
    relative_difference,
    savings,
    step,
    surface,
    variant_image,
)

#: A measured value within this relative distance of the claimed one reproduces the claim.
TOLERANCE = 0.10

Verdict = Literal["reproduced", "differs", "not measurable here", "stand-in"]
#: Every verdict, in the order the ledger's summary lists them.
VERDICTS: tuple[Verdict, ...] = ("reproduced", "differs", "stand-in", "not measurable here")

#: The measured value of a claim the data cannot judge.
NO_VALUE = "\u2013"


@dataclass(frozen=True, kw_only=True)
class Claim:
    key: str
    topic: str
    claimed: str
    measured: str
    verdict: Verdict
    difference: float | None  # signed percent, measured against claimed
    note: str
    page: str


@dataclass(frozen=True, kw_only=True)
class Quantity:
    """A numeric claim: value or [low, high] range, unit formatter, how to measure it."""

    key: str
    topic: str
    claimed: float | tuple[float, float]
    show: Callable[[float], str]
    measure: Callable[[Measurements], float | None]
    missing: str
    page: str
    bases: tuple[str, ...] = ()
    tolerance: float = TOLERANCE
    note: str = ""


def judge_number(
    measured: float, claimed: float | tuple[float, float], tolerance: float = TOLERANCE
) -> tuple[Verdict, float]:
    """Reproduced when within `tolerance` (relative) of the claim or of the claimed range's ends."""
    if isinstance(claimed, tuple):
        low, high = claimed
        if low * (1 - tolerance) <= measured <= high * (1 + tolerance):
            return "reproduced", 0.0
        nearest = low if measured < low else high
        return "differs", relative_difference(measured, nearest)
    difference = relative_difference(measured, claimed)
    return ("reproduced" if abs(difference) <= tolerance * 100 else "differs"), difference


def _show_claim(value: float | tuple[float, float], show: Callable[[float], str]) -> str:
    if isinstance(value, tuple):
        return f"{show(value[0])} to {show(value[1])}"
    return show(value)


def _standin_bases(data: Measurements, refs: tuple[str, ...]) -> list[str]:
    found = []
    for ref in refs:
        origin = base_provenance(data, ref)
        if origin is None or origin.source == "standin":
            found.append(ref)
    return found


def judge(data: Measurements, quantity: Quantity) -> Claim:
    claimed = _show_claim(quantity.claimed, quantity.show)
    value = quantity.measure(data)
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
        )
    measured = quantity.show(value)
    verdict, difference = judge_number(value, quantity.claimed, quantity.tolerance)
    note = quantity.note
    replaced = _standin_bases(data, quantity.bases)
    if replaced:
        verdict = "stand-in"
        note = "; ".join(part for part in (f"stand-in for {', '.join(replaced)}", note) if part)
    return Claim(
        key=quantity.key,
        topic=quantity.topic,
        claimed=claimed,
        measured=measured,
        verdict=verdict,
        difference=difference,
        note=note,
        page=quantity.page,
    )


def verdict_counts(claims: list[Claim]) -> dict[Verdict, int]:
    counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
    for claim in claims:
        counts[claim.verdict] += 1
    return counts


# --- measures: how a numeric claim's value is taken from the data ------------------------------


def image_size(ref: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = image(data, ref)
        return None if found is None else found.size

    return measure


def variant_size(name: str, compressed: bool = False) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = variant_image(data, name)
        if found is None:
            return None
        return found.compressed_size if compressed else found.size

    return measure


def layer_size(variant: str, *words: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = layer(variant_image(data, variant), *words)
        return None if found is None else found.size

    return measure


def reduction_against(ref: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        final, other = variant_image(data, PRIMARY), image(data, ref)
        return None if final is None or other is None else reduction(other.size, final.size)

    return measure


def build_total(kind: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = build(data, kind)
        return None if found is None else found.total.median

    return measure


def cold_step(*words: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = step(build(data, "cold"), *words)
        return None if found is None else found.seconds.median

    return measure


def package_count(variant: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = surface(data, variant)
        return None if found is None else float(found.packages)

    return measure


def saving(containers: int) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        value = savings(data, containers)
        return None if value is None else float(value)

    return measure
