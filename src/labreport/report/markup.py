"""Markdown pieces the macros build their output from: table cells, code spans, tables, fences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .claims import VERDICTS
from .derive import BUILDER

#: What a page shows where the data has no value for a figure.
NOT_MEASURED = "*not measured*"
VERDICT_BADGES = {
    verdict: f'<span class="verdict verdict-{verdict.split()[0]}">{verdict}</span>' for verdict in VERDICTS
}


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def code(value: object) -> str:
    text = cell(value)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    rule = [("---:" if align[i : i + 1] == "r" else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fenced(text: str, language: str = "text") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text}\n{fence}\n"


def or_missing(value: object | None, show: Callable[[Any], str]) -> str:
    return NOT_MEASURED if value is None else show(value)


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def surface_name(variant: str) -> str:
    """How a scanned image is named on the page: its variant, or the builder stage's reference."""
    return f"builder stage `{BUILDER}`" if variant == "builder" else f"`{variant}`"
