"""Markdown pieces the macros build their output from: table cells, code spans, tables, fences.

Every string read from the data goes through `text` or `code` (from `escape`) before it is put
into a table or a sentence; `table` itself trusts its cells, which mix such text with the report's
own markup (badges, code spans, links).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .claims.judge import VERDICTS
from .derive import BUILDER
from .escape import code, fence_for, text

__all__ = ["code", "text"]

#: What a page shows where the data has no value for a figure.
NOT_MEASURED = "*not measured*"
VERDICT_BADGES = {
    verdict: f'<span class="verdict verdict-{verdict.split()[0]}">{verdict}</span>' for verdict in VERDICTS
}
#: Put after a value measured on (or through) a base image that was built locally: the value is the
#: stand-in's, and the real image may differ.
STANDIN_MARK = (
    '<span class="standin-mark" title="measured on a locally built stand-in for a base image">stand-in</span>'
)


def cell(value: object) -> str:
    """A table cell on one line (a newline would end the row)."""
    return " ".join(str(value).splitlines())


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    rule = [("---:" if align[i : i + 1] == "r" else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fenced(content: str, language: str = "text", indent: str = "") -> str:
    """A fenced code block: its content is shown verbatim, so it needs no escaping, only a fence
    longer than any run of backticks in it."""
    fence = fence_for(content)
    lines = [f"{fence}{language}", *content.splitlines(), fence]
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def marked(value: str, on_standin: bool) -> str:
    """`value`, followed by the stand-in mark when it rests on a stand-in base."""
    return f"{value} {STANDIN_MARK}" if on_standin else value


def clip(value: str, length: int) -> str:
    """At most `length` characters, the last an ellipsis when something was cut."""
    return value if len(value) <= length else value[: length - 1] + "…"


def or_missing(value: object | None, show: Callable[[Any], str]) -> str:
    return NOT_MEASURED if value is None else show(value)


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def surface_name(variant: str) -> str:
    """How a scanned image is named on the page: its variant, or the builder stage's reference."""
    return f"builder stage `{BUILDER}`" if variant == "builder" else code(variant)
