"""Build logs of both builders: BuildKit's plain progress and tty display and the legacy builder,
recorded here from builds of a small two-stage Dockerfile (tests/data/reports/README.md), and a
tty log with the remarks people add, typed."""

from __future__ import annotations

from pathlib import Path

from labreport.drafting.buildlogs import BuildLog, build_kind, builder_of, parse_build
from labreport.drafting.markdown import Line

DATA = Path(__file__).parent / "data" / "reports"


def _log(name: str) -> BuildLog:
    _, *output = (DATA / name).read_text(encoding="utf-8").split("\n")
    log = parse_build([Line(number=n, text=t, raw=t) for n, t in enumerate(output, start=2)])
    assert log is not None
    return log


def _steps(log: BuildLog) -> list[tuple[str, int, int, str, str | None, bool, int]]:
    return [
        (
            s.stage,
            s.index,
            s.count,
            s.instruction,
            s.seconds.text if s.seconds else None,
            s.cached,
            s.line.number,
        )
        for s in log.steps
    ]


def test_a_tty_log_with_remarks_after_the_times() -> None:
    log = _log("tty-annotated-typed.txt")
    assert log.builder == "buildkit-tty"
    assert (log.total.text if log.total else None, log.total_line.number if log.total_line else None) == (
        "31.4s",
        2,
    )
    assert _steps(log) == [
        ("build", 1, 5, "FROM golang:1.24-alpine", "~9s", False, 3),
        ("build", 2, 5, "WORKDIR /src", "0.1s", False, 4),
        ("build", 3, 5, "COPY go.mod go.sum ./", "0.1s", False, 5),
        ("build", 4, 5, "RUN go mod download", "3.8s", False, 6),
        ("build", 5, 5, "RUN go build -o /out/server .", "~17s", False, 7),
        ("stage-1", 1, 3, "FROM alpine:3.20", None, True, 8),
        ("stage-1", 2, 3, "RUN apk add --no-cache ca-certificates", "1.2s", False, 9),
        ("stage-1", 3, 3, "COPY --from=build /out/server /server", "0.1s", False, 10),
    ]
    assert {stage: (count, line.number) for stage, (count, line) in log.stage_counts.items()} == {
        "build": (5, 3),
        "stage-1": (3, 8),
    }
    assert log.consumed == frozenset(range(2, 12))


def test_the_kind_of_a_build_from_its_headings_or_its_cached_steps() -> None:
    log = _log("tty-annotated-typed.txt")
    assert build_kind(log, "") == "code_change"  # one CACHED step among run ones
    assert build_kind(log, "First build (cold cache)") == "cold"
    assert build_kind(log, "Rebuild, no code changes") == "cached"
    assert build_kind(log, "Rebuild after a one-line change") == "code_change"


def test_lines_that_are_no_build_log() -> None:
    lines = [
        Line(number=1, text="Step one: install Docker", raw=""),
        Line(number=2, text="#1 is best", raw=""),
    ]
    assert builder_of(lines) is None and parse_build(lines) is None
