"""Build logs of both builders as people paste them: BuildKit's tty display (`[+] Building 31.6s
(17/17) FINISHED`, `=> [builder 4/6] RUN go mod download   1.7s`, `=> CACHED [...]`), BuildKit's
plain progress (`#5 [builder 2/6] WORKDIR /src`, `#5 CACHED`, `#5 DONE 0.6s`, read by the
measurement's own reader) and the legacy builder (`Step 4/13 : RUN ...`, ` ---> Using cache`),
with a shell's `time` (`real 0m5.2s`) as the total where the builder prints none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
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
_CPU_TIME = re.compile(r"^\s*(?:user|sys)\s+\d+m[\d.]+s\s*$")  # `time`'s other lines: CPU, not the wall


@dataclass(frozen=True, kw_only=True)
class StepRow:
    stage: str  # "builder", "stage-1"; "" for a single-stage label or the legacy builder
    index: int  # k of k/n
    count: int  # n: the steps of the stage (of the whole build, legacy)
    instruction: str
    seconds: Value | None  # None when the log shows no time for it
    cached: bool
    line: Line  # where its time stands (plain progress: its DONE line)
    label: Line  # where its `[stage k/n]` or `Step k/n` stands


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
            counts.setdefault(step.stage, (step.count, step.label))
        return counts


def builder_of(lines: Sequence[Line]) -> Builder | None:
    texts = [line.text for line in lines]
    if any(_TTY_TOTAL.match(text) or _TTY_STEP.match(text) for text in texts):
        return "buildkit-tty"
    if any((match := _PLAIN.match(text)) and _PLAIN_LABEL.match(match.group("rest")) for text in texts):
        return "buildkit-plain"
    if any(_LEGACY_STEP.match(text) for text in texts):
        return "legacy"
    return None


def _shell_time_lines(lines: Sequence[Line]) -> set[int]:
    return {line.number for line in lines if _REAL.match(line.text) or _CPU_TIME.match(line.text)}


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
                    label=line,
                )
            )
        elif not _TTY_LINE.match(line.text):
            continue
        consumed.add(line.number)
    if total is None:
        total, total_line = _real_time(lines)
    consumed |= _shell_time_lines(lines)
    return BuildLog(
        builder="buildkit-tty",
        total=total,
        total_line=total_line,
        steps=tuple(steps),
        consumed=frozenset(consumed),
    )


def _plain(lines: Sequence[Line]) -> BuildLog:
    """Steps as the measurement's own reader orders them; each timed step's line is its `DONE`
    line, where the figure stands, and its instruction is the label's."""
    labels: dict[str, int] = {}  # label text -> vertex
    label_lines: dict[int, Line] = {}
    done: dict[int, tuple[Line, str]] = {}
    stages: list[str] = []
    for line in lines:
        match = _PLAIN.match(line.text.rstrip())
        if not match:
            continue
        vertex, rest = int(match.group("vertex")), match.group("rest")
        label = _PLAIN_LABEL.match(rest)
        if label:
            labels.setdefault(rest, vertex)
            label_lines.setdefault(vertex, line)
            if (label.group("stage") or "") not in stages:
                stages.append(label.group("stage") or "")
        elif rest.startswith("DONE "):
            done[vertex] = (line, rest.removeprefix("DONE ").strip())
    progress = parse_plain_progress([line.text for line in lines], tuple(stages))
    steps: list[StepRow] = []
    for step in progress.steps:
        label = _PLAIN_LABEL.match(step.instruction)
        at = labels.get(step.instruction)
        if label is None or at is None:
            continue
        timed = None if step.cached else done.get(at)
        steps.append(
            StepRow(
                stage=label.group("stage") or "",
                index=int(label.group("k")),
                count=int(label.group("n")),
                instruction=tidy(label.group("instruction")),
                seconds=parse_value(timed[1]) if timed else None,
                cached=step.cached,
                line=timed[0] if timed else label_lines[at],
                label=label_lines[at],
            )
        )
    total, total_line = _real_time(lines)
    consumed = {line.number for line in lines if _PLAIN.match(line.text)}
    return BuildLog(
        builder="buildkit-plain",
        total=total,
        total_line=total_line,
        steps=tuple(steps),
        consumed=frozenset(consumed | _shell_time_lines(lines)),
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
                    label=line,
                )
            )
        elif line.text.strip() == "---> Using cache" and steps:
            steps[-1] = replace(steps[-1], cached=True)
        elif not _LEGACY_OTHER.match(line.text):
            continue
        consumed.add(line.number)
    total, total_line = _real_time(lines)
    consumed |= _shell_time_lines(lines)
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
    itself (every step but the FROMs CACHED: cached; some: code_change; none: cold)."""
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
    # A FROM is resolved, not run: builders print it CACHED or not as their version pleases.
    run = [step for step in log.steps if not step.instruction.upper().startswith("FROM ")]
    cached = sum(step.cached for step in run)
    if run and cached == len(run):
        return "cached"
    return "code_change" if cached else "cold"
