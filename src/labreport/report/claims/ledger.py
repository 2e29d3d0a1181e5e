"""The claims ledger: every claim of the claims file, judged against the measurement in its order.

The claims are data (claims.toml, read by `claimsfile`); numeric ones are judged by `judge` through
their measure, yes/no ones by the check they name (`checks.FACTS`), text ones by exact match
(`readings`).
"""

from __future__ import annotations

from ...contract.schema import Measurements
from . import claimsfile
from .checks import FACTS, Fact
from .judge import Claim, judge
from .readings import Text, judge_text


def ledger(data: Measurements, claims: claimsfile.Claims | None = None) -> list[Claim]:
    """Every claim of the report, judged against the measurement."""
    chosen = claims or claimsfile.current()
    return [_judged(data, entry, chosen) for entry in chosen.entries]


def _judged(data: Measurements, entry: claimsfile.Entry, claims: claimsfile.Claims) -> Claim:
    if isinstance(entry, Fact):
        return FACTS[entry.check](data, entry)
    if isinstance(entry, Text):
        return judge_text(data, entry)
    return judge(data, entry, claims.reported_bases)


def numeric_keys() -> set[str]:
    """The keys of the claims file's numeric claims."""
    return {entry.key for entry in claimsfile.current().entries if not isinstance(entry, Fact | Text)}


def claimed_value(key: str) -> float | tuple[float, float]:
    """The number the report printed for a numeric claim, for the figures to mark beside the bars."""
    for entry in claimsfile.current().entries:
        if entry.key == key and not isinstance(entry, Fact | Text):
            return entry.claimed
    raise KeyError(f"no numeric claim {key!r} in {claimsfile.claims_path()}")
