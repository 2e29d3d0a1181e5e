"""How the report prints a quantity: bytes, seconds, percentages and ratios, one function each."""

from __future__ import annotations


def human_size(size: float) -> str:
    """Bytes the way `docker images` prints them: decimal units, three significant digits."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(value) < 1000 or unit == "GB":
            break
        value /= 1000
    if unit == "B":
        return f"{int(value)} B"
    return f"{value:.3g} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"


def mebibytes(size: float) -> str:
    return f"{size / 1024**2:.2f} MiB"


def seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def seconds_range(low: float, high: float) -> str:
    """The range from `low` to `high`, each value held to its unit by a no-break space: a narrow
    table cell then breaks the range at the dash, never between a number and its "s"."""
    low_text, high_text = (seconds(value).replace(" ", "\u00a0") for value in (low, high))
    return f"{low_text} \u2013 {high_text}"


def percent(value: float) -> str:
    return f"{value:.1f} %"


def signed_percent(value: float) -> str:
    return f"{value:+.1f} %"


def ratio(value: float) -> str:
    return f"{value:.1f}x" if value < 100 else f"{value:.0f}x"


def count(value: float) -> str:
    return f"{value:.0f}"
