"""Build logs of both builders as people paste them: BuildKit's tty display (`[+] Building 42.1s
(17/17) FINISHED`, `=> [builder 4/6] RUN go mod download   2.3s`, `=> CACHED [...]`), BuildKit's
plain progress (`#5 [builder 2/6] WORKDIR /src`, `#5 CACHED`, `#5 DONE 0.6s`, read by the
measurement's own reader) and the legacy builder (`Step 4/13 : RUN ...`, ` ---> Using cache`),
with a shell's `time` (`real 0m5.2s`) as the total where the builder prints none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..measure.buildlog import parse_plain_progress
from .instructions import tidy
from .markdown import Line
from .units import Value, parse_value

Builder = Literal["buildkit-tty", "buildkit-plain", "legacy"]

_TTY_TOTAL = re.compile(
    r"^\s*\[\+\]\s+Building\s+(?P<total>\d+(?:\.\d+)?s)(?:\s+\((?P<done>\d+)/(?P<all>\d+)\))?(?P<rest>.*)$"
)
_TTY_LINE = re.compile(r"^\s*=>\s")
_TTY_STEP = re.compile(
    r"^\s*=>\s+(?P<cached>CACHED\s+)?(?:ERROR\s+)?\[(?:(?P<stage>[^\]\s]+)\s+)?(?P<k>\d+)/(?P<n>\d+)\]\s+"
    r"(?P<rest>.*)$"
)
_TRAILING_TIME = re.compile(
    r"^(?P<instruction>.*?)\s+(?P<time>~?\s?\d+(?:\.\d+)?s)(?:\s+\([^)]*\))?\s*(?:(?:←|<-).*)?$"
)
_REMARK = re.compile(r"\s*(?:←|<-).*$")
_PLAIN = re.compile(r"^#(?P<vertex>\d+) (?P<rest>.*)$")
_PLAIN_LABEL = re.compile(r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<k>\d+)/(?P<n>\d+)\] (?P<instruction>.*)$")
_LEGACY_STEP = re.compile(r"^\s*Step (?P<k>\d+)/(?P<n>\d+) : (?P<instruction>.*)$")
_LEGACY_OTHER = re.compile(
    r"^\s*(?:--->|Successfully (?:built|tagged)|Sending build context|Removing interm)"
)
_REAL = re.compile(r"^\s*real\s+(?P<total>\S+)\s*$")


@dataclass(frozen=True, kw_only=True)
class StepRow:
    stage: str  # "builder", "stage-1"; "" for a single-stage label or the legacy builder
    index: int  # k of k/n
    count: int  # n: the steps of the stage (of the whole build, legacy)
    instruction: str
    seconds: Value | None  # None when the log shows no time for it
    cached: bool
    line: Line


@dataclass(frozen=True, kw_only=True)
class BuildLog:
    builder: Builder
    total: Value | None
    total_line: Line | None
    steps: tuple[StepRow, ...]
    consumed: frozenset[int]  # the line numbers the log's own lines took

    @property
    def stage_counts(self) -> dict[str, tuple[int, Line]]:
        """Each stage's step count as its labels print it, with the first line that says so."""
        counts: dict[str, tuple[int, Line]] = {}
        for step in self.steps:
            counts.setdefault(step.stage, (step.count, step.line))
        return counts

    @property
    def cached_steps(self) -> int:
        return sum(step.cached for step in self.steps)


def builder_of(lines: Sequence[Line]) -> Builder | None:
    texts = [line.text for line in lines]
    if any(_TTY_TOTAL.match(text) or _TTY_STEP.match(text) for text in texts):
        return "buildkit-tty"
    if any((match := _PLAIN.match(text)) and _PLAIN_LABEL.match(match.group("rest")) for text in texts):
        return "buildkit-plain"
    if any(_LEGACY_STEP.match(text) for text in texts):
        return "legacy"
    return None


def _real_time(lines: Sequence[Line]) -> tuple[Value | None, Line | None]:
    for line in lines:
        match = _REAL.match(line.text)
        if match:
            return parse_value(match.group("total")), line
    return None, None


def _tty(lines: Sequence[Line]) -> BuildLog:
    total: Value | None = None
    total_line: Line | None = None
    steps: list[StepRow] = []
    consumed: set[int] = set()
    for line in lines:
        header = _TTY_TOTAL.match(line.text)
        step = _TTY_STEP.match(line.text)
        if header and total is None:
            total, total_line = parse_value(header.group("total")), line
        elif step:
            timed = _TRAILING_TIME.match(step.group("rest"))
            instruction = timed.group("instruction") if timed else _REMARK.sub("", step.group("rest"))
            steps.append(
                StepRow(
                    stage=step.group("stage") or "",
                    index=int(step.group("k")),
                    count=int(step.group("n")),
                    instruction=tidy(instruction),
                    seconds=parse_value(timed.group("time")) if timed else None,
                    cached=step.group("cached") is not None,
                    line=line,
                )
            )
        elif not _TTY_LINE.match(line.text):
            continue
        consumed.add(line.number)
    if total is None:
        total, total_line = _real_time(lines)
    return BuildLog(
        builder="buildkit-tty",
        total=total,
        total_line=total_line,
        steps=tuple(steps),
        consumed=frozenset(consumed),
    )


def _plain(lines: Sequence[Line]) -> BuildLog:
    texts = [line.text for line in lines]
    first_line: dict[str, Line] = {}
    stages: list[str] = []
    for line in lines:
        match = _PLAIN.match(line.text)
        label = _PLAIN_LABEL.match(match.group("rest")) if match else None
        if match and label:
            first_line.setdefault(match.group("rest"), line)
            if (label.group("stage") or "") not in stages:
                stages.append(label.group("stage") or "")
    progress = parse_plain_progress(texts, tuple(stages))
    steps: list[StepRow] = []
    for step in progress.steps:
        label = _PLAIN_LABEL.match(step.instruction)
        if label is None:
            continue
        seconds = None if step.cached else parse_value(f"{step.seconds}s")
        steps.append(
            StepRow(
                stage=label.group("stage") or "",
                index=int(label.group("k")),
                count=int(label.group("n")),
                instruction=tidy(label.group("instruction")),
                seconds=seconds,
                cached=step.cached,
                line=first_line[step.instruction],
            )
        )
    total, total_line = _real_time(lines)
    consumed = {line.number for line in lines if _PLAIN.match(line.text)}
    return BuildLog(
        builder="buildkit-plain",
        total=total,
        total_line=total_line,
        steps=tuple(steps),
        consumed=frozenset(consumed | ({total_line.number} if total_line else set())),
    )


def _legacy(lines: Sequence[Line]) -> BuildLog:
    steps: list[StepRow] = []
    consumed: set[int] = set()
    for line in lines:
        step = _LEGACY_STEP.match(line.text)
        if step:
            steps.append(
                StepRow(
                    stage="",
                    index=int(step.group("k")),
                    count=int(step.group("n")),
                    instruction=tidy(step.group("instruction")),
                    seconds=None,
                    cached=False,
                    line=line,
                )
            )
        elif line.text.strip() == "---> Using cache" and steps:
            steps[-1] = StepRow(**{**steps[-1].__dict__, "cached": True})
        elif not _LEGACY_OTHER.match(line.text):
            continue
        consumed.add(line.number)
    total, total_line = _real_time(lines)
    if total_line is not None:
        consumed.add(total_line.number)
    return BuildLog(
        builder="legacy", total=total, total_line=total_line, steps=tuple(steps), consumed=frozenset(consumed)
    )


def parse_build(lines: Sequence[Line]) -> BuildLog | None:
    """The build log in these lines, or None when they hold none."""
    builder = builder_of(lines)
    if builder == "buildkit-tty":
        return _tty(lines)
    if builder == "buildkit-plain":
        return _plain(lines)
    if builder == "legacy":
        return _legacy(lines)
    return None


def build_kind(log: BuildLog, words: str) -> str:
    """cold, cached or code_change: the words of the headings above the log first, then the log
    itself (every step CACHED: cached; some: code_change; none: cold)."""
    lowered = " ".join([words, log.total_line.text if log.total_line else ""]).lower()
    if re.search(
        r"\bno (?:code |source )?changes?\b|\ball (?:layers|steps) cached\b|\bwithout changes\b", lowered
    ):
        return "cached"
    if re.search(r"code[\s_-]*chang|after (?:a |one )?(?:one-line |source |code )?(?:edit|change)", lowered):
        return "code_change"
    if re.search(r"\bno[\s-]*cache\b|\bcold\b|\bfirst build\b|\bclean build\b|--no-cache", lowered):
        return "cold"
    if re.search(r"\bcached\b|\bwarm\b|\bsecond build\b|\brebuild\b", lowered):
        return "cached"
    if log.steps and log.cached_steps == len(log.steps):
        return "cached"
    if log.cached_steps:
        return "code_change"
    return "cold"
