"""Reading a value as the report printed it ("12.5 MB", "~17 MB", "about 95%", "20-30%", "55 s", "35x",
"250") and a tolerance ("10%", "1 pp"): the number, and the formatter the ledger shows it with.

The figure itself is read by the drafter's unit reader, so a claims file accepts every figure the
drafter finds in a report and writes into one; this module adds only the claims file's own rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ...drafting.units import UnitError, parse_value
from ..units import count, human_size, percent, ratio, seconds

SHOW: dict[str, Callable[[float], str]] = {
    "bytes": human_size,
    "percent": percent,
    "seconds": seconds,
    "ratio": ratio,
    "count": count,
}


class UnreadableValue(ValueError):
    """The text is not a number with a known unit; the message says what was expected."""


@dataclass(frozen=True)
class Printed:
    value: float | tuple[float, float]
    #: What the unit measures: bytes, percent, seconds, ratio or count.
    quantity: str
    show: Callable[[float], str]


def read_value(text: str) -> Printed:
    try:
        figure = parse_value(text)
    except UnitError as error:
        raise UnreadableValue(str(error)) from None
    if not figure.is_range:
        return Printed(figure.low, figure.kind, SHOW[figure.kind])
    if figure.high <= figure.low:
        raise UnreadableValue(f"the range {text!r} does not rise")
    return Printed((figure.low, figure.high), figure.kind, SHOW[figure.kind])


_TOLERANCE = re.compile(r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>%|pp)")


def read_tolerance(text: str, quantity: str) -> tuple[float, bool]:
    """A relative tolerance ("10%": 0.10) or one in percentage points ("1 pp", only for a percentage)."""
    match = _TOLERANCE.fullmatch(text.strip())
    if match is None:
        raise UnreadableValue(f"{text!r} is not a tolerance such as '10%' or '1 pp'")
    if match["unit"] == "pp":
        if quantity != "percent":
            raise UnreadableValue(f"{text!r}: percentage points fit only a percentage, not {quantity}")
        return float(Decimal(match["amount"])), True
    return float(Decimal(match["amount"]) / 100), False
