"""`docker history` as Docker prints it (`IMAGE CREATED CREATED BY SIZE COMMENT`, with or without
`--no-trunc`), and the trimmed tables people paste (`IMAGE SIZE COMMENT` with the instruction in
the last column, a remark after an arrow): each layer's size and the instruction that made it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .instructions import tidy
from .markdown import Line
from .units import Value, find_values

_HEADER = re.compile(r"^\s*IMAGE\s+(?:CREATED\s+)?(?:CREATED BY\s+)?SIZE\b")
_COMMAND = re.compile(r"\bdocker\s+(?:image\s+)?history\b(?:\s+--?\S+)*\s+(?P<ref>[^\s-]\S*)")
_IMAGE = re.compile(r"^\s*(?P<image><missing>|<[\w-]+>|sha256:[0-9a-f]{6,64}|[0-9a-f]{12,64})\s+")
_CREATED = re.compile(
    r"^(?:(?:About\s+)?(?:an?|\d+)\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago"
    r"|Less than a second ago"
    r"|\d{4}-\d{2}-\d{2}T\S+|N/A)\s+"
)
_REMARK = re.compile(r"\s*(?:←|<-|<==|#\s(?!buildkit)).*$")
_COMMENTS = ("buildkit.dockerfile.v0", "Imported from -")


@dataclass(frozen=True, kw_only=True)
class LayerRow:
    instruction: str  # in Dockerfile form ("RUN apk add ca-certificates", "COPY ... .")
    size: Value
    line: Line


def is_history_output(lines: Sequence[Line], command: str) -> bool:
    return bool(_COMMAND.search(command)) or any(_HEADER.match(line.text) for line in lines)


def history_ref(command: str) -> str | None:
    """The image a `docker history` command lists."""
    match = _COMMAND.search(command)
    return match.group("ref") if match else None


def _split_size(rest: str) -> tuple[str, Value] | None:
    """The instruction and the layer's size, whichever side of the instruction the size stands."""
    sizes = [found for found in find_values(rest) if found.value.kind == "bytes"]
    if not sizes:
        return None
    first = sizes[0]
    if first.start == 0:  # "24kB  RUN chown ...": a trimmed table with the size first
        after = rest[first.end :].strip()
        return ("" if after.startswith(_COMMENTS) else after), first.value
    last = sizes[-1]  # Docker's order: CREATED BY, then SIZE, then COMMENT
    tail = rest[last.end :].strip()
    if tail and tail not in _COMMENTS and not tail.startswith(_COMMENTS):
        return None
    return rest[: last.start], last.value


def parse_history(lines: Sequence[Line]) -> list[LayerRow]:
    """Every layer row, top (newest) first, as printed."""
    rows: list[LayerRow] = []
    for line in lines:
        if _HEADER.match(line.text):
            continue
        image = _IMAGE.match(line.text)
        if not image:
            continue
        rest = line.text[image.end() :]
        created = _CREATED.match(rest)
        if created:
            rest = rest[created.end() :]
        split = _split_size(rest.rstrip())
        if split is None:
            continue
        instruction, size = split
        instruction = tidy(_REMARK.sub("", instruction).strip())
        if instruction:
            rows.append(LayerRow(instruction=instruction, size=size, line=line))
    return rows
