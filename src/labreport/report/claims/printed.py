"""Reading a value as the report printed it ("29.8 MB", "~15 MB", "20-30%", "45 s", "40x", "300")
and a tolerance ("10%", "1 pp"): the number, and the formatter the ledger shows it with."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..units import count, human_size, percent, ratio, seconds

_VALUE = re.compile(
    r"~?\s*(?P<low>\d+(?:\.\d+)?)\s*(?:[-\u2013]\s*(?P<high>\d+(?:\.\d+)?))?\s*(?P<unit>[A-Za-z%\u00d7]*)"
)

#: Unit as printed -> (what it measures, the factor to the base unit). Sizes are decimal, as
#: `docker images` prints them; the binary units are read too, since reports mix them.
UNITS: dict[str, tuple[str, Decimal]] = {
    "B": ("bytes", Decimal(1)),
    "kB": ("bytes", Decimal(10) ** 3),
    "KB": ("bytes", Decimal(10) ** 3),
    "MB": ("bytes", Decimal(10) ** 6),
    "GB": ("bytes", Decimal(10) ** 9),
    "KiB": ("bytes", Decimal(2) ** 10),
    "MiB": ("bytes", Decimal(2) ** 20),
    "GiB": ("bytes", Decimal(2) ** 30),
    "%": ("percent", Decimal(1)),
    "ms": ("seconds", Decimal("0.001")),
    "s": ("seconds", Decimal(1)),
    "sec": ("seconds", Decimal(1)),
    "second": ("seconds", Decimal(1)),
    "seconds": ("seconds", Decimal(1)),
    "x": ("ratio", Decimal(1)),
    "\u00d7": ("ratio", Decimal(1)),
    "": ("count", Decimal(1)),
}

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
    match = _VALUE.fullmatch(text.strip())
    if match is None:
        raise UnreadableValue(f"{text!r} is not a number with a unit, such as '29.8 MB', '20-30%' or '45 s'")
    unit = match["unit"]
    if unit not in UNITS:
        known = ", ".join(repr(name) for name in UNITS if name)
        raise UnreadableValue(f"unknown unit {unit!r} in {text!r}; known: {known} or none (a count)")
    quantity, factor = UNITS[unit]
    low = float(Decimal(match["low"]) * factor)
    if match["high"] is None:
        return Printed(low, quantity, SHOW[quantity])
    high = float(Decimal(match["high"]) * factor)
    if high <= low:
        raise UnreadableValue(f"the range {text!r} does not rise")
    return Printed((low, high), quantity, SHOW[quantity])


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
