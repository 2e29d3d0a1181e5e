"""`docker images` as Docker prints it: the classic `REPOSITORY TAG IMAGE ID CREATED SIZE` table,
the newer one with `DISK USAGE` and `CONTENT SIZE` columns (one row per image, platforms and
extra tags beneath it), and `--format` output such as `{{.Repository}}:{{.Tag}} {{.Size}}`.

Columns are found by what they hold, not by their offsets: people re-align pasted tables and
append remarks after the size, and `CREATED` ("2 weeks ago") never holds a size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .markdown import Line
from .units import Value, find_values

_CLASSIC = re.compile(r"^\s*REPOSITORY\s+TAG\b")
_TREE = re.compile(r"^\s*IMAGE\s+ID\s+DISK USAGE\s+CONTENT SIZE")
_COMMAND = re.compile(r"\bdocker\s+(?:images|image\s+ls|image\s+list)\b")
_BRANCH = ("└─", "├─", "│")


@dataclass(frozen=True, kw_only=True)
class ImageRow:
    ref: str  # repository:tag, as `normal_ref` writes it
    size: Value  # SIZE, or DISK USAGE in the newer table
    content_size: Value | None  # CONTENT SIZE: the compressed content, newer table only
    line: Line


def normal_ref(ref: str) -> str:
    """`docker.io/library/golang:1.25` and `golang:1.25` alike; a missing tag is `latest`."""
    ref = ref.strip().strip("`'\"").split("@", 1)[0]
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/", "library/"):
        if ref.startswith(prefix):
            ref = ref.removeprefix(prefix)
            break
    if ref == "scratch":
        return ref
    last = ref.rpartition("/")[2]
    return ref if ":" in last else f"{ref}:latest"


def is_images_output(lines: Sequence[Line], command: str) -> bool:
    if _COMMAND.search(command):
        return True
    return any(_CLASSIC.match(line.text) or _TREE.match(line.text) for line in lines)


def _after_tokens(text: str, count: int) -> int:
    """Where the first `count` whitespace-separated tokens of `text` end."""
    match = re.match(r"\s*" + r"\S+\s+" * (count - 1) + r"\S+", text)
    return match.end() if match else len(text)


def _sizes(text: str) -> list[Value]:
    return [found.value for found in find_values(text) if found.value.kind == "bytes"]


def parse_images(lines: Sequence[Line], command: str = "") -> list[ImageRow]:
    """Every image row with its size; `<none>` and untagged rows are left out."""
    rows: list[ImageRow] = []
    shape = "format"
    pending: list[Line] = []  # newer table: a tag row with no figures shares the next row's
    for line in lines:
        text = line.text
        if _CLASSIC.match(text):
            shape = "classic"
            continue
        if _TREE.match(text):
            shape = "tree"
            continue
        tokens = text.split()
        if not tokens or tokens[0] in _BRANCH or tokens[0].startswith(_BRANCH):
            continue
        if shape == "classic" or (shape == "format" and len(tokens) > 1 and ":" not in tokens[0]):
            if len(tokens) < 3:
                continue
            repository, tag = tokens[0], tokens[1]
            rest = text[_after_tokens(text, 2) :]
            ref = f"{repository}:{tag}"
        else:
            repository, tag, ref = tokens[0], "", tokens[0]
            rest = text[_after_tokens(text, 1) :]
        sizes = _sizes(rest)
        if shape == "tree" and not sizes:
            if ":" in ref and not ref.startswith("<"):
                pending.append(line)
            continue
        if not sizes or "<none>" in (repository, tag) or ref.startswith("<"):
            pending = []
            continue
        content = sizes[1] if shape == "tree" and len(sizes) > 1 else None
        for alias in pending:
            rows.append(
                ImageRow(
                    ref=normal_ref(alias.text.split()[0]), size=sizes[0], content_size=content, line=alias
                )
            )
        pending = []
        rows.append(ImageRow(ref=normal_ref(ref), size=sizes[0], content_size=content, line=line))
    return rows
