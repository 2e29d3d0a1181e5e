"""`docker history` as Docker prints it, recorded here with and without `--no-trunc` (BuildKit and
legacy images), and the trimmed table people paste, typed; see tests/data/reports/README.md."""

from __future__ import annotations

from pathlib import Path

from labreport.drafting.history import history_ref, is_history_output, parse_history
from labreport.drafting.markdown import Line

DATA = Path(__file__).parent / "data" / "reports"


def _recorded(name: str) -> tuple[str, list[Line]]:
    command, *output = (DATA / name).read_text(encoding="utf-8").split("\n")
    return command.removeprefix("$ "), [Line(number=n, text=t, raw=t) for n, t in enumerate(output, start=2)]


def _layers(name: str) -> list[tuple[str, float, int]]:
    command, lines = _recorded(name)
    assert is_history_output(lines, command)
    return [(row.instruction, row.size.low, row.line.number) for row in parse_history(lines)]


def test_a_trimmed_table_with_the_size_first_and_a_remark_after() -> None:
    assert _layers("history-trimmed-typed.txt") == [
        ('CMD ["/server"]', 0, 3),
        ("COPY --from=build /out/server /server", 6.2e6, 4),
        ("RUN apk add --no-cache ca-certificates", 210e3, 5),
        ("FROM alpine:3.20", 7.8e6, 6),
    ]


def test_the_image_a_history_command_lists() -> None:
    assert history_ref("docker history --no-trunc shop-api:latest") == "shop-api:latest"
    assert history_ref("docker image history -H=false app") == "app"
    assert history_ref("docker images") is None


BUILDKIT_LAYERS = [
    ('CMD ["cat" "/app/payload"]', 0, 3),
    ("USER appuser", 0, 4),
    ("RUN chown -R 1000:1000 /app", 1.5e6, 5),
    ("COPY /src/payload ./payload", 1.5e6, 6),
    ("WORKDIR /app", 0, 7),
]


def test_buildkit_history_truncated_recorded_here() -> None:
    assert _layers("history.txt") == [
        *BUILDKIT_LAYERS,
        ('RUN echo "appuser:x:1000:1000::/a\u2026', 90, 8),
    ]  # the base's own layer ("Imported from -") names no instruction


def test_buildkit_history_no_trunc_recorded_here() -> None:
    assert _layers("history-no-trunc.txt") == [
        *BUILDKIT_LAYERS,
        (
            'RUN echo "appuser:x:1000:1000::/app:/bin/sh" >> /etc/passwd && echo "appuser:x:1000:" >> '
            "/etc/group",
            90,
            8,
        ),
    ]


def test_legacy_history_recorded_here() -> None:
    assert _layers("history-legacy.txt") == [
        ('CMD ["cat" "/app/payload"]', 0, 3),
        ("USER appuser", 0, 4),
        ("RUN chown -R 1000:1000 /app", 1.5e6, 5),
        ("COPY file:3137f113595aac48\u2026", 1.5e6, 6),
        ("WORKDIR /app", 0, 7),
        ('RUN echo "appuser:x:1000:1000::/app:/\u2026', 90, 8),
    ]
