"""Unit tests of buildlog: the legacy builder's JSON stream and BuildKit's plain progress read into
timed steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labreport.measure.buildlog import (
    TAIL_LINES,
    BuildStep,
    PlainProgress,
    failing_step_output,
    parse_build_stream,
    parse_plain_progress,
    stage_images,
    stage_names,
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


# --- BuildKit's plain progress, recorded from `DOCKER_BUILDKIT=1 docker build --progress=plain` of
# the primary Dockerfile on this machine's Engine 20.10 (tests/data/buildkit/).

BUILDKIT = Path(__file__).parent / "data" / "buildkit"
STAGES = ("builder", "stage-1")


def _plain(name: str) -> PlainProgress:
    lines = (BUILDKIT / name).read_text(encoding="utf-8").splitlines()
    return parse_plain_progress(lines, STAGES)


def test_plain_progress_steps_in_dockerfile_order_with_buildkits_labels() -> None:
    steps = _plain("cold.log").steps
    assert [step.number for step in steps] == list(range(1, 12))
    assert [step.instruction for step in steps][:4] == [
        "[builder 1/6] FROM docker.io/library/golang:1.25-alpine",
        "[builder 2/6] WORKDIR /src",
        "[builder 3/6] COPY app/go.mod ./",
        "[builder 4/6] RUN go mod download",
    ]
    assert steps[6].instruction == "[stage-1 1/5] FROM docker.io/library/alpine:3.19"
    assert steps[-1].instruction.startswith("[stage-1 5/5] COPY --from=builder /out/devops-info-service")


def test_plain_progress_seconds_are_buildkits_done_figures_even_for_an_interrupted_step() -> None:
    steps = {step.instruction.split("]")[0] + "]": step for step in _plain("cold.log").steps}
    assert steps["[builder 6/6]"].seconds == 27.9
    assert steps["[builder 4/6]"].seconds == 0.3
    # "#6 ..." twice before its DONE: the step ran while the builder stage's steps were printed.
    assert steps["[stage-1 2/5]"].seconds == 0.7
    assert not any(step.cached for step in steps.values())


def test_plain_progress_image_id_from_the_export() -> None:
    assert _plain("cold.log").image_id == (
        "sha256:d3daa154820164d2b8a831832455d0b4d861faa305584274219e18ec900b9b12"
    )
    assert _plain("cold.log").error is None


def test_plain_progress_cached_steps_take_no_time_and_keep_dockerfile_order() -> None:
    cached, cold = _plain("cached.log").steps, _plain("cold.log").steps
    assert [step.instruction for step in cached] == [step.instruction for step in cold]
    froms = {step.number for step in cached if "] FROM " in step.instruction}
    assert all(step.cached and step.seconds == 0.0 for step in cached if step.number not in froms)
    assert all(not step.cached for step in cached if step.number in froms)


def test_plain_progress_cache_mount_build_after_a_code_change_compiles_in_under_a_second() -> None:
    steps = _plain("cache-mount-change.log").steps
    compile_step = next(step for step in steps if "go build" in step.instruction)
    assert not compile_step.cached and compile_step.seconds == 0.4
    assert "--mount=type=cache,target=/root/.cache/go-build" in compile_step.instruction
    copy = next(step for step in steps if "COPY app/ ./" in step.instruction)
    assert not copy.cached


def test_plain_progress_failure_names_the_error_and_keeps_the_compilers_output() -> None:
    failed = _plain("failed.log")
    assert failed.image_id == ""
    assert failed.error is not None and failed.error.startswith("executor failed running")
    assert failed.error.endswith("exit code: 1")
    assert failed.error_output == ("# devops-info-service", "./main.go:22:17: undefined: undefined_thing")


def test_stage_names_follow_buildkits_naming() -> None:
    dockerfile = "ARG X=1\nFROM ${X} AS builder\nRUN true\nFROM --platform=linux/amd64 alpine\nFROM scratch\n"
    assert stage_names(dockerfile) == ("builder", "stage-1", "stage-2")


def test_plain_progress_ignores_lines_that_are_not_vertices() -> None:
    parsed = parse_plain_progress(["", "------", " > [builder 6/6] RUN x:", "#1 DONE 0.1s"], STAGES)
    assert parsed.steps == () and parsed.error is None
