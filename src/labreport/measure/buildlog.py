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


def tidy_instruction(created_by: str) -> str:
    text = created_by.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ")
    return " ".join(text.split())
