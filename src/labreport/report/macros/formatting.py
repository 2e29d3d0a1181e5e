"""Formatting the topic modules share, and no macro: a timing's range, a list folded under a table.

A table with more columns than the content column holds at desktop width is split in two, and a
long list in its cells becomes a count with the list folded below it (`folded`). Everything a
single topic needs stays in its module; what lands here is used by two or more.
"""

from __future__ import annotations

from labreport.contract.schema import Spread
from labreport.report import units
from labreport.report.evidence import shown, where


def seconds_range(spread: Spread) -> str:
    """The range of a timing, each end with its evidence and held to its unit by a no-break space
    (a narrow cell breaks at the dash, never between a number and its "s")."""
    low, high = (
        shown(units.seconds(getattr(spread, each)).replace(" ", "\u00a0"), where(spread, each))
        for each in ("min", "max")
    )
    return f"{low} \u2013 {high}"


def folded(title: str, lines: list[str]) -> str:
    """A collapsed block (pymdownx.details) holding a list: long lists stay out of table cells."""
    body = "".join(f"    - {line}\n" for line in lines) or "    None.\n"
    return f'\n??? note "{title}"\n\n{body}\n'
