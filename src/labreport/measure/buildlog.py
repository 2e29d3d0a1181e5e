"""What the engine hands back about images and builds, and the readers of both builders' output:
the legacy builder's JSON stream and BuildKit's plain progress.

Pure: no Docker here, so unit tests feed it recorded chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


class BuildFailed(RuntimeError):
    """A build or import that failed, on either builder; the message names the image and the error,
    and `output_tail` keeps the last lines the failing step printed: why it failed."""

    def __init__(self, message: str, output_tail: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.output_tail = output_tail


@dataclass(frozen=True, kw_only=True)
class BuildStep:
    number: int
    instruction: str
    seconds: float
    cached: bool


@dataclass(frozen=True, kw_only=True)
class Build:
    image_id: str
    seconds: float
    steps: tuple[BuildStep, ...]
    log: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Layer:
    instruction: str
    size: int


@dataclass(frozen=True, kw_only=True)
class ImageInfo:
    ref: str
    id: str
    size: int
    labels: Mapping[str, str]
    user: str
    command: tuple[str, ...]
    workdir: str
    layers: tuple[Layer, ...]
    diff_ids: tuple[str, ...] = ()  # RootFS.Layers: each layer's content hash, bottom first


_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def parse_build_stream(
    chunks: Iterator[tuple[float, dict[str, Any]]], started: float
) -> tuple[str, list[BuildStep], list[str], str | None]:
    """Turns the legacy builder's JSON stream into (image id, timed steps, log lines, error).

    Each chunk carries the monotonic time it arrived; a step lasts until the next one starts.
    """
    steps: list[BuildStep] = []
    log: list[str] = []
    image_id = ""
    error: str | None = None
    current: tuple[int, str, float] | None = None
    cached = False

    def close(now: float) -> None:
        if current is not None:
            number, instruction, began = current
            steps.append(
                BuildStep(
                    number=number, instruction=instruction, seconds=round(now - began, 3), cached=cached
                )
            )

    now = started
    for now, chunk in chunks:
        if "error" in chunk:
            error = str(chunk["error"]).strip()
            log.append(error)
            continue
        aux = chunk.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            image_id = str(aux["ID"])
        text = chunk.get("stream")
        if not isinstance(text, str):
            continue
        for line in _ANSI.sub("", text).splitlines():
            if not line.strip():
                continue
            log.append(line.rstrip())
            match = _STEP.match(line)
            if match:
                close(now)
                current = (int(match.group(1)), match.group(3), now)
                cached = False
            elif line.strip() == "---> Using cache":
                cached = True
    close(now)
    return image_id, steps, log, error


_IMAGE_LINE = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
_CONTAINER_LINE = re.compile(
    r"^ ---> (Running in|Removed intermediate container) |^Removing intermediate container "
)
TAIL_LINES = 20


def failing_step_output(log: list[str] | tuple[str, ...], error: str | None = None) -> tuple[str, ...]:
    """The last lines the last step printed (a compiler's error), without the builder's own chatter
    or the error line itself, which the failure's message already holds."""
    start = max((index + 1 for index, line in enumerate(log) if _STEP.match(line)), default=0)
    lines = [line for line in log[start:] if not _CONTAINER_LINE.match(line) and line != error]
    return tuple(lines[-TAIL_LINES:])


def stage_images(log: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The (short) IDs of the images that ended each stage but the last: a multi-stage build leaves
    them untagged, so whoever built it removes them unless something else holds them."""
    ended: list[str] = []
    last: str | None = None
    for line in log:
        step = _STEP.match(line)
        if step and step.group(3).split()[0].upper() == "FROM":
            if last is not None:
                ended.append(last)
            last = None
            continue
        image = _IMAGE_LINE.match(line)
        if image:
            last = image.group(1)
    return tuple(ended)


def tidy_instruction(created_by: str) -> str:
    text = created_by.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ")
    return " ".join(text.split())


# --- BuildKit's plain progress (`docker build --progress=plain`) ---------------------------

_VERTEX = re.compile(r"^#(\d+) (.*)$")
_STAGE_STEP = re.compile(r"^\[(?P<stage>[^\]\s]+) (?P<k>\d+)/(?P<n>\d+)\] (?P<instruction>.*)$")
_DONE = re.compile(r"^DONE (\d+(?:\.\d+)?)s$")
_OUTPUT = re.compile(r"^\d+(?:\.\d+)? (.*)$")  # a step's own output: seconds since it began, text
_WRITING = re.compile(r"writing image (sha256:[0-9a-f]{64})")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class PlainProgress:
    steps: tuple[BuildStep, ...]
    image_id: str  # from "writing image ..."; empty when the build failed
    error: str | None
    error_output: tuple[str, ...]  # the failing step's own output lines, last TAIL_LINES


def stage_names(dockerfile: str) -> tuple[str, ...]:
    """The stages of a Dockerfile, in order, by the names BuildKit prints: `AS name`, or
    `stage-<index>` for an unnamed one."""
    names: list[str] = []
    for line in dockerfile.splitlines():
        match = _FROM.match(line)
        if match:
            names.append(match.group(1) or f"stage-{len(names)}")
    return tuple(names)


def parse_plain_progress(lines: Iterable[str], stages: tuple[str, ...]) -> PlainProgress:
    """Reads BuildKit's plain progress into timed steps, in Dockerfile order.

    BuildKit runs independent stages in parallel and prints their vertices interleaved (a step
    interrupted by another's output reappears, `#6 ...`), so steps are keyed by vertex number and
    ordered by (stage, k) from the `[stage k/n]` label, with `stages` from `stage_names`. A step's
    seconds are BuildKit's own `DONE` figure; a `CACHED` step took none. `[internal]` vertices
    (loading the context, metadata) and the export are not Dockerfile steps.
    """
    labelled: dict[int, tuple[str, int, str]] = {}
    seconds: dict[int, float] = {}
    cached: set[int] = set()
    output: dict[int, list[str]] = {}
    image_id, error, failed = "", None, None
    for raw in lines:
        match = _VERTEX.match(raw.rstrip())
        if not match:
            if raw.startswith("error:") and error is None:  # older CLIs end a failure with this line
                error = raw.removeprefix("error:").strip()
            continue
        vertex, rest = int(match.group(1)), match.group(2)
        step = _STAGE_STEP.match(rest)
        done = _DONE.match(rest)
        if step:
            labelled.setdefault(vertex, (step["stage"], int(step["k"]), rest))
        elif rest == "CACHED":
            cached.add(vertex)
        elif done:
            seconds[vertex] = float(done.group(1))
        elif rest.startswith("ERROR:") or rest.startswith("ERROR "):
            error, failed = rest.removeprefix("ERROR").lstrip(": ").strip(), vertex
        elif written := _WRITING.search(rest):
            image_id = written.group(1)
        elif text := _OUTPUT.match(rest):
            output.setdefault(vertex, []).append(text.group(1))
    order = {name: index for index, name in enumerate(stages)}

    def position(vertex: int) -> tuple[int, int]:
        stage, k, _ = labelled[vertex]
        return order.get(stage, len(order)), k

    steps = tuple(
        BuildStep(
            number=number,
            instruction=labelled[vertex][2],  # with its label, as the report's log shows it
            seconds=0.0 if vertex in cached else seconds.get(vertex, 0.0),
            cached=vertex in cached,
        )
        for number, vertex in enumerate(sorted(labelled, key=position), start=1)
    )
    tail = tuple(output.get(failed, [])[-TAIL_LINES:]) if failed is not None else ()
    return PlainProgress(steps=steps, image_id="" if error else image_id, error=error, error_output=tail)
