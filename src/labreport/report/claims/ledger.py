"""The claims ledger: every claim of the claims file, judged against the measurement in its order.

The claims are data (claims.toml, read by `claimsfile`); numeric ones are judged by `judge` through
their measure, yes/no ones by the check they name (`checks.FACTS`).
"""

from __future__ import annotations

from ...contract.schema import Measurements
from . import claimsfile
from .checks import FACTS, Fact
from .judge import Claim, judge


def ledger(data: Measurements, claims: claimsfile.Claims | None = None) -> list[Claim]:
    """Every claim of the report, judged against the measurement."""
    chosen = claims or claimsfile.current()
    return [
        FACTS[entry.check](data, entry)
        if isinstance(entry, Fact)
        else judge(data, entry, chosen.reported_bases)
        for entry in chosen.entries
    ]


def claimed_value(key: str) -> float | tuple[float, float]:
    """The number the report printed for a numeric claim, for the figures to mark beside the bars."""
    for entry in claimsfile.current().entries:
        if entry.key == key and not isinstance(entry, Fact):
            return entry.claimed
    raise KeyError(f"no numeric claim {key!r} in {claimsfile.claims_path()}")
