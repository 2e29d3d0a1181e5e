"""What the engine hands back about images and builds, and the reader of the legacy builder's stream.

Pure: no Docker here, so unit tests feed it recorded chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


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
