"""The stand-in rules a drafted claim carries, so that it is judged as a person would judge it when
its image rests on a stand-in base: the report's own figure for each base (`[reported_bases]`) and,
per claim, which bases vary from 0 to that figure, which are held at it and which decide the value
outright (PROJECT.md, "Stand-in rules"). The rules cost nothing where the bases are real: the judge
applies a rule only to a base that is a stand-in in the data it judges.

The policy, by measure:

- an image's size or download size varies the bases the image rests on (a base's own size varies
  itself), except that an image the report weighs below the report's own figure for its base holds
  that base there: no image weighs less than the base it is built on, by the report's own numbers;
- a size difference varies the bases of both images;
- a reduction or a saving varies the bases of the image it is said of and holds those of the image
  it is measured against, so the report's figures are judged against each other;
- a package count, a pull time or a pull ratio rests on the bases outright: no weight settles them.

A rule names only bases the report gives a figure (`reported_bases`: a `vary` or `held` needs one);
a claim on a base with none keeps no weighing rule and is marked as resting on a stand-in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .claim import DraftedClaim
from .units import UnitError, parse_value

Bases = Mapping[str, tuple[str, ...]]  # a claim's `of` -> the base references that image rests on

_WEIGHED = ("image-size", "download-size")
_OUTRIGHT = ("package-count", "pull-time", "pull-ratio")


def reported_bases(claims: Sequence[DraftedClaim], bases: Bases) -> dict[str, str]:
    """The report's own figure for each base, the most its real image may weigh by the report's
    numbers: the largest size the report gives the base itself, else (a base it never weighs) the
    smallest it gives an image built on it, since no image weighs less than its base."""
    sizes = [
        (claim, value)
        for claim in claims
        if claim.measure == "image-size" and (value := _bytes(claim.claimed))
    ]
    found: dict[str, str] = {}
    for ref in dict.fromkeys(ref for rests in bases.values() for ref in rests):
        own = [(value, claim.claimed) for claim, value in sizes if claim.of == ref]
        built = [(value, claim.claimed) for claim, value in sizes if ref in bases.get(claim.of or "", ())]
        if own:
            found[ref] = max(own)[1]
        elif built:
            found[ref] = min(built)[1]
    return found


def with_rules(
    claims: Sequence[DraftedClaim], bases: Bases, reported: Mapping[str, str]
) -> list[DraftedClaim]:
    """Each claim with its stand-in rule under the policy above (unchanged when none applies)."""
    return [_ruled(claim, bases, reported) for claim in claims]


def _ruled(claim: DraftedClaim, bases: Bases, reported: Mapping[str, str]) -> DraftedClaim:
    of = _rests(claim.of, bases)
    against = [ref for ref in _rests(claim.against, bases) if ref not in of]
    weighed = [ref for ref in of if ref in reported]
    if claim.measure in _WEIGHED:
        value = _bytes(claim.claimed)
        below = [
            ref
            for ref in weighed
            if claim.measure == "image-size"
            and claim.of != ref
            and value is not None
            and value < (_bytes(reported[ref]) or 0.0)
        ]
        return _set(claim, vary=[ref for ref in weighed if ref not in below], held=below)
    if claim.measure == "size-difference":
        return _set(claim, vary=weighed + [ref for ref in against if ref in reported])
    if claim.measure in ("reduction", "saving"):
        return _set(claim, vary=weighed, held=[ref for ref in against if ref in reported])
    if claim.measure in _OUTRIGHT:
        return _set(claim, rests_on=of + against)
    return claim


def _rests(of: str | None, bases: Bases) -> list[str]:
    if of is None:
        return []
    if of in bases:
        return list(bases[of])
    refs = {ref for rests in bases.values() for ref in rests}
    return [of] if of in refs else []


def _set(
    claim: DraftedClaim, *, vary: Sequence[str] = (), held: Sequence[str] = (), rests_on: Sequence[str] = ()
) -> DraftedClaim:
    return replace(claim, vary=tuple(vary), held=tuple(held), rests_on=tuple(rests_on))


def _bytes(claimed: str) -> float | None:
    try:
        return parse_value(claimed).value
    except UnitError:
        return None
