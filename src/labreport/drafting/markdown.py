"""A Markdown report read as lines: its fenced code blocks, split at the shell prompts inside them,
and its prose lines, each with the headings above it and the list item it hangs from.

Line numbers are 1-based into the report as given. A report saved through the wrong encoding
(UTF-8 read as Mac Roman or Windows-1252, which turns an arrow into three odd letters) is read
repaired, since the words around a figure decide what it measures; each line keeps its own text too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_HEADING = re.compile(r"^\s{0,3}(?P<level>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_PROMPT = re.compile(r"^\s*(?:\$|%|\u276f|PS [^>]*>)\s+(?P<command>\S.*)$")
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+")
# Sequences that only appear when UTF-8 was decoded as a single-byte code page.
_MOJIBAKE = re.compile("[\u201a\u221a\u00c3][\u0080-\u00ff\u2018-\u203a\uf8ff]|\u00e2\u20ac")


@dataclass(frozen=True, kw_only=True)
class Line:
    number: int  # 1-based, in the report as given
    text: str  # as read (repaired when the report's encoding was broken)
    raw: str  # the report's own characters


@dataclass(frozen=True, kw_only=True)
class Segment:
    """One command of a code block and what it printed (a block without prompts is one segment)."""

    command: Line | None
    output: tuple[Line, ...]

    @property
    def command_text(self) -> str:
        if self.command is None:
            return ""
        match = _PROMPT.match(self.command.text)
        return match.group("command") if match else self.command.text.strip()


@dataclass(frozen=True, kw_only=True)
class Block:
    info: str  # the fence's language, e.g. "bash", "dockerfile", "json"
    lines: tuple[Line, ...]
    headings: tuple[str, ...]  # the heading chain above it, outermost first
    before: str  # the sentence just above it, over as many lines as it takes ("The same build ... this:")

    @property
    def segments(self) -> tuple[Segment, ...]:
        found: list[Segment] = []
        command: Line | None = None
        output: list[Line] = []
        for line in self.lines:
            if _PROMPT.match(line.text):
                if command is not None or output:
                    found.append(Segment(command=command, output=tuple(output)))
                command, output = line, []
            else:
                output.append(line)
        if command is not None or output:
            found.append(Segment(command=command, output=tuple(output)))
        return tuple(found)


@dataclass(frozen=True, kw_only=True)
class ProseLine:
    line: Line
    headings: tuple[str, ...]
    parent: str  # the list item this one is nested under, or ""


@dataclass(frozen=True, kw_only=True)
class Document:
    lines: tuple[Line, ...]
    blocks: tuple[Block, ...]
    prose: tuple[ProseLine, ...]


def repair_encoding(text: str) -> str:
    """The text as its author wrote it, when UTF-8 was read as Mac Roman or Windows-1252; else as is."""
    if not _MOJIBAKE.search(text):
        return text
    for codec in ("mac_roman", "cp1252"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired.count("\n") == text.count("\n"):
            return repaired
    return text


def _lines(text: str) -> tuple[Line, ...]:
    # split("\n"), not splitlines(): a form feed or U+2028 inside a line must not shift the numbers.
    raw_lines = text.split("\n")
    read_lines = repair_encoding(text).split("\n")
    if len(read_lines) != len(raw_lines):
        read_lines = raw_lines
    return tuple(
        Line(number=index, text=read.rstrip("\r"), raw=raw.rstrip("\r"))
        for index, (read, raw) in enumerate(zip(read_lines, raw_lines, strict=True), start=1)
    )


def read_document(text: str) -> Document:
    lines = _lines(text)
    blocks: list[Block] = []
    prose: list[ProseLine] = []
    headings: list[tuple[int, str]] = []
    items: list[tuple[int, str]] = []  # open list items: (indent, text)
    fence: str | None = None
    info, before = "", ""
    paragraph: list[str] = []  # the last paragraph's prose lines (since a heading or block)
    ended = False  # a blank line closed it: the next prose line starts another
    in_item = False  # the paragraph is a list item's
    inside: list[Line] = []
    for line in lines:
        if fence is not None:
            closing = _FENCE.match(line.text)
            if closing and closing.group("fence").startswith(fence) and not closing.group("info"):
                chain = tuple(title for _, title in headings)
                blocks.append(Block(info=info, lines=tuple(inside), headings=chain, before=before))
                fence = None
            else:
                inside.append(line)
            continue
        opening = _FENCE.match(line.text)
        if opening:
            fence, info, inside, before = (
                opening.group("fence")[0] * 3,
                opening.group("info"),
                [],
                _last(paragraph),
            )
            paragraph = []
            continue
        heading = _HEADING.match(line.text)
        if heading:
            level = len(heading.group("level"))
            headings = [(lvl, title) for lvl, title in headings if lvl < level]
            headings.append((level, heading.group("title")))
            items, paragraph = [], []
            continue
        if not line.text.strip():
            ended = True
            continue
        item = _LIST_ITEM.match(line.text)
        indent = len(line.text) - len(line.text.lstrip())
        items = [(level, text) for level, text in items if level < indent]
        parent = items[-1][1] if items else ""
        if item:
            items.append((len(item.group("indent")), line.text.strip()))
        prose.append(ProseLine(line=line, headings=tuple(title for _, title in headings), parent=parent))
        # A list item, and a line after one that is not indented under it, begin anew.
        if ended or item or (in_item and indent == 0):
            paragraph = []
        paragraph.append(line.text.strip())
        ended, in_item = False, item is not None or (in_item and indent > 0)
    if fence is not None:  # an unclosed fence runs to the end, as Markdown renders it
        chain = tuple(title for _, title in headings)
        blocks.append(Block(info=info, lines=tuple(inside), headings=chain, before=before))
    return Document(lines=lines, blocks=tuple(blocks), prose=tuple(prose))


def _last(paragraph: list[str]) -> str:
    """The paragraph's last sentence: the words that lead into a block."""
    return _SENTENCE.split(" ".join(paragraph))[-1] if paragraph else ""
