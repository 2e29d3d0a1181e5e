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
    assert build_kind(log, "") == "cold"  # its one CACHED step is a FROM, which is resolved, not run
    assert build_kind(log, "First build (cold cache)") == "cold"
    assert build_kind(log, "Rebuild, no code changes") == "cached"
    assert build_kind(log, "Rebuild after a one-line change") == "code_change"


def test_lines_that_are_no_build_log() -> None:
    lines = [
        Line(number=1, text="Step one: install Docker", raw=""),
        Line(number=2, text="#1 is best", raw=""),
    ]
    assert builder_of(lines) is None and parse_build(lines) is None


def _kinds(name: str) -> tuple[str, str]:
    """The kind read from the log alone, and with the command that ran it."""
    command = (DATA / name).read_text(encoding="utf-8").split("\n", 1)[0]
    log = _log(name)
    return build_kind(log, ""), build_kind(log, command)


PLAIN_COLD = [
    ("builder", 1, 6, "FROM docker.io/drafting-rec/base:1.0", "0.0s", False, 18),
    ("builder", 2, 6, "WORKDIR /src", "0.0s", False, 27),
    ("builder", 3, 6, "COPY deps.txt ./", "0.0s", False, 31),
    ("builder", 4, 6, "RUN sleep 1 && cat deps.txt > /dev/null", "1.3s", False, 47),
    ("builder", 5, 6, "COPY main.txt ./", "0.0s", False, 51),
    (
        "builder",
        6,
        6,
        "RUN sleep 2 && dd if=/dev/urandom of=/src/payload bs=1000 count=1500 2>/dev/null",
        "2.4s",
        False,
        55,
    ),
    (
        "stage-1",
        2,
        5,
        'RUN echo "appuser:x:1000:1000::/app:/bin/sh" >> /etc/passwd && echo "appuser:x:1000:" >> /etc/group',
        "0.3s",
        False,
        35,
    ),
    ("stage-1", 3, 5, "WORKDIR /app", "0.0s", False, 43),
    ("stage-1", 4, 5, "COPY --from=builder /src/payload ./payload", "0.1s", False, 59),
    ("stage-1", 5, 5, "RUN chown -R 1000:1000 /app", "0.3s", False, 63),
]


def test_plain_progress_cold_recorded_here() -> None:
    log = _log("buildkit-plain-cold.txt")
    assert (log.builder, log.total) == ("buildkit-plain", None)  # plain progress prints no total
    # each step in Dockerfile order, timed at its DONE line; the runtime's FROM is shared with the builder's
    assert _steps(log) == PLAIN_COLD
    assert {stage: (count, line.number) for stage, (count, line) in log.stage_counts.items()} == {
        "builder": (6, 16),
        "stage-1": (5, 33),
    }
    assert _kinds("buildkit-plain-cold.txt") == ("cold", "cold")


def test_plain_progress_cached_and_after_a_change_recorded_here() -> None:
    cached = _log("buildkit-plain-cached.txt")
    assert [(s.stage, s.index, s.cached) for s in cached.steps if s.cached] == [
        ("stage-1", 2, True),
        ("stage-1", 3, True),
        ("stage-1", 4, True),
        ("stage-1", 5, True),
        ("builder", 2, True),
        ("builder", 3, True),
        ("builder", 4, True),
        ("builder", 5, True),
        ("builder", 6, True),
    ]
    assert _kinds("buildkit-plain-cached.txt") == ("cached", "cached")
    changed = _log("buildkit-plain-change.txt")
    assert [(s.index, s.seconds.text if s.seconds else None) for s in changed.steps if not s.cached] == [
        (1, "0.0s"),
        (5, "0.0s"),
        (6, "2.4s"),
        (4, "0.0s"),
        (5, "0.3s"),
    ]
    assert _kinds("buildkit-plain-change.txt") == ("code_change", "code_change")


def test_tty_display_recorded_here() -> None:
    cold, cached, changed = (_log(f"buildkit-tty-{kind}.txt") for kind in ("cold", "cached", "change"))
    assert [(log.total.text if log.total else None) for log in (cold, cached, changed)] == [
        "4.2s",
        "0.2s",
        "2.9s",
    ]
    assert [step.seconds.text if step.seconds else None for step in cold.steps if not step.cached] == [
        "0.3s",
        "0.0s",
        "1.3s",
        "0.0s",
        "0.0s",
        "2.4s",
        "0.0s",
        "0.3s",
    ]
    # the display cuts a long instruction at the terminal's width
    assert (
        cold.steps[2].instruction
        == 'RUN echo "appuser:x:1000:1000::/app:/bin/sh" >> /etc/passwd && echo "appuse'
    )
    # this engine's BuildKit prints the first two steps of a --no-cache build CACHED: the command decides
    assert _kinds("buildkit-tty-cold.txt") == ("code_change", "cold")
    assert _kinds("buildkit-tty-cached.txt") == ("cached", "cached")
    assert _kinds("buildkit-tty-change.txt") == ("code_change", "code_change")
    assert cold.consumed == frozenset(range(2, 24))


def test_legacy_builder_recorded_here_timed_by_the_shell() -> None:
    cold, cached = _log("legacy-cold.txt"), _log("legacy-cached.txt")
    assert (cold.builder, cold.total.text if cold.total else None) == ("legacy", "0m6.505s")
    assert cold.total is not None and cold.total.low == 6.505
    assert cached.total is not None and cached.total.low == 0.089
    assert [(s.index, s.count, s.instruction) for s in cold.steps][::4] == [
        (1, 13, "FROM drafting-rec/base:1.0 AS builder"),
        (5, 13, "COPY main.txt ./"),
        (9, 13, "WORKDIR /app"),
        (13, 13, 'CMD ["cat", "/app/payload"]'),
    ]
    assert {stage: count for stage, (count, _) in cold.stage_counts.items()} == {"": 13}
    assert [s.index for s in cached.steps if not s.cached] == [1, 7]  # the two FROMs
    assert (_kinds("legacy-cold.txt"), _kinds("legacy-cached.txt")) == (
        ("cold", "cold"),
        ("cached", "cached"),
    )
    assert {49, 50, 51} <= cold.consumed  # real, user and sys
