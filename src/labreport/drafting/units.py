"""Figures as people type them: `18.25 MB`, `312kB`, `~17 MB`, `20-30%`, `45.3s`, `1m2.5s`, `35x`.

Sizes are read the way Docker prints them: `docker images` and `docker history` use decimal
prefixes (kB, MB, GB are 1000^n bytes), and only the `i` forms (KiB, MiB, GiB) are 1024^n. People
type `KB`, `Kb` or `mb` for the same decimal units, so case is not a prefix's sign of base.
Every value comes back in base units: bytes, seconds, percent, a ratio, or a plain count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Kind = Literal["bytes", "seconds", "percent", "ratio", "count"]


class UnitError(ValueError):
    """A figure that does not read as a number with a known unit."""


@dataclass(frozen=True, kw_only=True)
class Value:
    kind: Kind
    low: float  # base units; equal to `high` unless the report gave a range
    high: float
    approximate: bool  # "~17 MB", "about 4 s"
    text: str  # as the report printed it

    @property
    def value(self) -> float:
        """The figure itself, or the middle of a range."""
        return (self.low + self.high) / 2

    @property
    def is_range(self) -> bool:
        return self.low != self.high


@dataclass(frozen=True, kw_only=True)
class Found:
    """A figure found in a line, with where it stands (character offsets)."""

    value: Value
    start: int
    end: int


# Decimal factors, so "12.5 MB" is 12,500,000 bytes exactly and "200 ms" is 0.2 s, not a float's neighbour.
_BYTE_SCALE = {prefix: Decimal(10) ** (3 * power) for power, prefix in enumerate(("", "k", "m", "g", "t"))}
_BINARY_SCALE = {prefix: Decimal(1024) ** power for power, prefix in enumerate(("k", "m", "g", "t"), start=1)}
_SECONDS = {"ms": Decimal("0.001")} | dict.fromkeys(("s", "sec", "secs", "second", "seconds"), Decimal(1))
_SECONDS |= dict.fromkeys(("min", "mins", "minute", "minutes"), Decimal(60))
_SECONDS |= dict.fromkeys(("h", "hour", "hours"), Decimal(3600))

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_APPROX = r"~\s*|≈\s*|\b(?:about|around|roughly|approximately|approx\.?|nearly|almost)\s+"
_UNIT = (
    r"[kKmMgGtT]i[bB]|[kKmMgGtT][bB]|B|bytes?"
    r"|ms|seconds?|secs?|minutes?|mins?|min|hours?|h|s"
    r"|%|percent|x|\u00d7|times"
)
_FIGURE = re.compile(
    rf"(?<![\w.])(?P<approx>{_APPROX})?"
    rf"(?:(?P<minutes>\d+)m(?P<mseconds>\d+(?:\.\d+)?)s"  # `time`'s 1m2.5s
    rf"|(?P<low>{_NUMBER})(?:\s?(?P<lowunit>{_UNIT}))?\s*(?:-|\u2013|\u2014|\bto\b)\s*(?P<high>{_NUMBER})"
    rf"|(?P<number>{_NUMBER}))"
    rf"(?:\s?(?P<unit>{_UNIT}))?(?![\w%])"
)


def _scale(unit: str) -> tuple[Kind, Decimal]:
    """The kind of a unit and its factor to base units."""
    lowered = unit.lower()
    if unit in ("B", "byte", "bytes"):
        return "bytes", Decimal(1)
    if len(lowered) == 3 and lowered[1:] == "ib" and lowered[0] in _BINARY_SCALE:
        return "bytes", _BINARY_SCALE[lowered[0]]
    if len(lowered) == 2 and lowered[1] == "b" and lowered[0] in _BYTE_SCALE:
        return "bytes", _BYTE_SCALE[lowered[0]]
    if lowered in _SECONDS:
        return "seconds", _SECONDS[lowered]
    if lowered in ("%", "percent"):
        return "percent", Decimal(1)
    if lowered in ("x", "\u00d7", "times"):
        return "ratio", Decimal(1)
    raise UnitError(f"unknown unit {unit!r}")


def _number(text: str, factor: Decimal = Decimal(1)) -> float:
    return float(Decimal(text.replace(",", "")) * factor)


def _value(match: re.Match[str]) -> Value | None:
    text = match.group(0).strip()
    approximate = match.group("approx") is not None
    if match.group("minutes") is not None:
        seconds = int(match.group("minutes")) * 60 + float(match.group("mseconds"))
        return Value(kind="seconds", low=seconds, high=seconds, approximate=approximate, text=text)
    unit = match.group("unit")
    if unit is None:
        if match.group("low") is not None or match.group("lowunit") is not None:
            return None  # "1-2" with no unit is a step label or a version, not a figure
        number = _number(match.group("number"))
        return Value(kind="count", low=number, high=number, approximate=approximate, text=text)
    kind, factor = _scale(unit)
    if match.group("low") is not None:
        low_unit = match.group("lowunit")
        low_factor = _scale(low_unit)[1] if low_unit and _scale(low_unit)[0] == kind else factor
        if low_unit and _scale(low_unit)[0] != kind:
            return None
        low, high = _number(match.group("low"), low_factor), _number(match.group("high"), factor)
        return Value(kind=kind, low=low, high=high, approximate=approximate, text=text)
    number = _number(match.group("number"), factor)
    return Value(kind=kind, low=number, high=number, approximate=approximate, text=text)


# A number and a word that is not a unit ("12 parsecs"): the message can name the word.
_UNKNOWN_UNIT = re.compile(rf"(?:{_APPROX})?(?:{_NUMBER})\s*(?P<unit>[A-Za-z]+)")
KNOWN_UNITS = "B, kB, MB, GB, KiB, MiB, GiB, ms, s, min, h, %, x"


def parse_value(text: str) -> Value:
    """Reads one figure ("12.5 MB", "~18 seconds", "20-30%", "250"); raises UnitError otherwise."""
    match = _FIGURE.fullmatch(text.strip())
    value = _value(match) if match else None
    unknown = _UNKNOWN_UNIT.fullmatch(text.strip())
    if value is None and unknown:
        unit = unknown["unit"]
        raise UnitError(f"unknown unit {unit!r} in {text!r}; known: {KNOWN_UNITS} or none (a count)")
    if value is None:
        raise UnitError(f"{text!r} is not a number with a unit (e.g. '12.5 MB', '55 s', '20-30%', '35x')")
    return value


def find_values(line: str, *, counts: bool = False) -> list[Found]:
    """Every figure with a unit in a line, left to right; with `counts`, bare numbers too."""
    found: list[Found] = []
    for match in _FIGURE.finditer(line):
        value = _value(match)
        if value is None or (value.kind == "count" and not counts):
            continue
        found.append(Found(value=value, start=match.start(), end=match.end()))
    return found


def size_of(text: str) -> int:
    """A size cell of Docker's tables ("21.5MB", "0B", "312 kB") in bytes; raises UnitError."""
    value = parse_value(text)
    if value.kind != "bytes" or value.is_range:
        raise UnitError(f"{text!r} is not a size")
    return round(value.low)
