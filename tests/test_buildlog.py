"""Unit tests of buildlog: the legacy builder's JSON stream read into timed steps."""

from __future__ import annotations

from typing import Any

import pytest

from labreport.measure.buildlog import (
    TAIL_LINES,
    BuildStep,
    failing_step_output,
    parse_build_stream,
    stage_images,
)

Chunk = tuple[float, dict[str, Any]]
IMAGE_ID = "sha256:" + "3f" * 32


def _legacy_stream() -> list[Chunk]:
    """What the legacy builder streams for a three-step build, with arrival times."""
    return [
        (100.20, {"stream": "Step 1/3 : FROM alpine:3.19\n"}),
        (100.30, {"stream": " ---> 05455a08881e\n"}),
        (100.50, {"stream": "Step 2/3 : RUN apk add curl\n"}),
        (100.55, {"stream": " ---> Using cache\n"}),
        (100.60, {"stream": " ---> 8a1b2c3d4e5f\n"}),
        (101.75, {"stream": "Step 3/3 : RUN make build\n"}),
        (101.80, {"stream": " ---> Running in 0d1e2f3a4b5c\n"}),
        (102.90, {"stream": "\x1b[91msome stderr\n\x1b[0m"}),
        (103.00, {"stream": "\n"}),
        (103.40, {"stream": " ---> Removed intermediate container 0d1e2f3a4b5c\n"}),
        (103.50, {"aux": {"ID": IMAGE_ID}}),
        (103.60, {"stream": "Successfully built 3f3f3f3f3f3f\n"}),
        (104.25, {"stream": "Successfully tagged devops-info-service:alpine\n"}),
    ]


def _parse(chunks: list[Chunk], started: float = 100.0) -> tuple[str, list[BuildStep], list[str], str | None]:
    return parse_build_stream(iter(chunks), started)


def test_build_stream_steps_numbers_and_instructions() -> None:
    _, steps, _, _ = _parse(_legacy_stream())
    assert [(step.number, step.instruction) for step in steps] == [
        (1, "FROM alpine:3.19"),
        (2, "RUN apk add curl"),
        (3, "RUN make build"),
    ]


def test_build_stream_step_seconds_run_until_the_next_step_and_the_last_until_the_final_chunk() -> None:
    chunks = _legacy_stream()
    starts = [when for when, chunk in chunks if str(chunk.get("stream", "")).startswith("Step ")]
    final = chunks[-1][0]
    expected = [starts[1] - starts[0], starts[2] - starts[1], final - starts[2]]
    _, steps, _, _ = _parse(chunks)
    assert [step.seconds for step in steps] == pytest.approx(expected, abs=1e-3)


def test_build_stream_cached_flag_belongs_to_its_own_step() -> None:
    _, steps, _, _ = _parse(_legacy_stream())
    assert [step.cached for step in steps] == [False, True, False]


def test_build_stream_log_strips_ansi_escapes_and_blank_lines() -> None:
    _, _, log, _ = _parse(_legacy_stream())
    assert "some stderr" in log
    assert not any("\x1b" in line for line in log)
    assert all(line.strip() for line in log)
    assert log[0] == "Step 1/3 : FROM alpine:3.19"
    assert log[-1] == "Successfully tagged devops-info-service:alpine"


def test_build_stream_image_id_from_aux_and_no_error_on_success() -> None:
    image_id, _, _, error = _parse(_legacy_stream())
    assert image_id == IMAGE_ID
    assert error is None


def test_build_stream_error_is_captured_logged_and_ends_the_last_step() -> None:
    message = "The command '/bin/sh -c false' returned a non-zero code: 1"
    chunks: list[Chunk] = [
        (10.0, {"stream": "Step 1/2 : FROM alpine:3.19\n"}),
        (10.5, {"stream": "Step 2/2 : RUN false\n"}),
        (11.0, {"stream": " ---> Running in 9f8e7d6c5b4a\n"}),
        (12.5, {"errorDetail": {"code": 1, "message": message}, "error": message + "\n"}),
    ]
    image_id, steps, log, error = _parse(chunks, started=9.0)
    assert error == message
    assert log[-1] == message
    assert image_id == ""
    assert [step.seconds for step in steps] == pytest.approx([0.5, 2.0], abs=1e-3)


def test_build_stream_several_lines_in_one_chunk() -> None:
    chunks: list[Chunk] = [
        (1.0, {"stream": "Step 1/2 : WORKDIR /src\n ---> Using cache\n ---> 1234\n"}),
        (3.0, {"stream": "Step 2/2 : COPY . .\n ---> 5678\n"}),
        (4.0, {"aux": {"ID": "sha256:abc"}}),
    ]
    _, steps, log, _ = _parse(chunks, started=0.0)
    assert [(step.number, step.cached) for step in steps] == [(1, True), (2, False)]
    assert [step.seconds for step in steps] == pytest.approx([2.0, 1.0], abs=1e-3)
    assert log == [
        "Step 1/2 : WORKDIR /src",
        " ---> Using cache",
        " ---> 1234",
        "Step 2/2 : COPY . .",
        " ---> 5678",
    ]


def test_build_stream_empty() -> None:
    assert _parse([]) == ("", [], [], None)


def test_build_stream_run_output_mentioning_using_cache_is_not_a_cache_hit() -> None:
    chunks: list[Chunk] = [
        (1.0, {"stream": "Step 1/1 : RUN pip install requests\n"}),
        (1.1, {"stream": " ---> Running in 0a0b0c0d0e0f\n"}),
        (1.5, {"stream": "Using cached requests-2.32.3-py3-none-any.whl (64 kB)\n"}),
        (2.0, {"aux": {"ID": "sha256:def"}}),
    ]
    _, steps, _, _ = _parse(chunks, started=0.0)
    assert [step.cached for step in steps] == [False]


def test_failing_step_output_keeps_the_compilers_error_not_the_builders_chatter() -> None:
    """Issue 9: a failed build said only "returned a non-zero code: 1"; the why is the step's output."""
    message = "The command '/bin/sh -c go build -o /out/app .' returned a non-zero code: 1"
    chunks: list[Chunk] = [
        (1.0, {"stream": "Step 1/3 : FROM golang:1.25-alpine\n ---> 0762d095c4c4\n"}),
        (2.0, {"stream": "Step 2/3 : COPY app/ ./\n ---> 1a2b3c4d5e6f\n"}),
        (3.0, {"stream": "Step 3/3 : RUN go build -o /out/app .\n"}),
        (3.1, {"stream": " ---> Running in 9f8e7d6c5b4a\n"}),
        (4.0, {"stream": "\x1b[91membed.go:5:12: pattern secret.txt: no matching files found\n\x1b[0m"}),
        (4.5, {"errorDetail": {"code": 1, "message": message}, "error": message + "\n"}),
    ]
    _, _, log, error = _parse(chunks)
    assert failing_step_output(log, error) == ("embed.go:5:12: pattern secret.txt: no matching files found",)


def test_failing_step_output_keeps_only_the_last_lines() -> None:
    log = ["Step 1/1 : RUN noisy", *(f"line {number}" for number in range(100))]
    tail = failing_step_output(log)
    assert len(tail) == TAIL_LINES and tail[-1] == "line 99"


def test_stage_images_are_the_last_image_of_every_stage_but_the_last() -> None:
    log = [
        "Step 1/6 : ARG DEBIAN_IMAGE",
        "Step 2/6 : FROM ${DEBIAN_IMAGE} AS parts",
        " ---> 49fd1625f491",
        "Step 3/6 : RUN make busybox",
        " ---> Running in 0d1e2f3a4b5c",
        "Removing intermediate container 0d1e2f3a4b5c",
        " ---> 5e6f7a8b9c0d",
        "Step 4/6 : from scratch",
        "Step 5/6 : COPY --from=parts /bin/busybox /bin/busybox",
        " ---> 1111aaaa2222",
        "Step 6/6 : CMD sh",
        " ---> 3333bbbb4444",
    ]
    assert stage_images(log) == ("5e6f7a8b9c0d",)
    assert stage_images(log[7:]) == ()  # a single-stage build leaves nothing untagged
