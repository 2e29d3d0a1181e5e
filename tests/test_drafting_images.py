"""`docker images` in the shapes Docker prints it: recorded here (classic table, `--format`
output, a `--format 'table ...'`) and typed to the documented newer table (DISK USAGE, CONTENT
SIZE, extra tags and platforms beneath an image); see tests/data/reports/README.md."""

from __future__ import annotations

from pathlib import Path

from labreport.drafting.images import is_images_output, normal_ref, parse_images
from labreport.drafting.markdown import Line

DATA = Path(__file__).parent / "data" / "reports"


def _recorded(name: str) -> tuple[str, list[Line]]:
    command, *output = (DATA / name).read_text(encoding="utf-8").split("\n")
    return command.removeprefix("$ "), [Line(number=n, text=t, raw=t) for n, t in enumerate(output, start=2)]


def _rows(name: str) -> list[tuple[str, float, float | None, int]]:
    command, lines = _recorded(name)
    assert is_images_output(lines, command)
    return [
        (row.ref, row.size.low, row.content_size.low if row.content_size else None, row.line.number)
        for row in parse_images(lines, command)
    ]


def test_the_newer_table_gives_disk_usage_content_size_and_extra_tags() -> None:
    assert _rows("images-tree-typed.txt") == [
        ("shop-api:2.1", 14.2e6, 5.61e6, 3),
        ("shop-api:latest", 14.2e6, 5.61e6, 4),
        ("golang:1.24-alpine", 412e6, 104e6, 10),
    ]


def test_a_trimmed_table_with_remarks_after_the_size() -> None:
    assert _rows("images-trimmed-typed.txt") == [
        ("shop-api:latest", 14.2e6, None, 3),
        ("golang:1.24-alpine", 412e6, None, 4),
    ]


def test_references_are_written_one_way() -> None:
    assert normal_ref("docker.io/library/golang:1.24") == "golang:1.24"
    assert normal_ref("alpine") == "alpine:latest"
    assert normal_ref("127.0.0.1:5000/shop-api") == "127.0.0.1:5000/shop-api:latest"
    assert normal_ref("`golang:1.24@sha256:0123`") == "golang:1.24"
    assert normal_ref("scratch") == "scratch"


def test_other_output_is_not_an_image_table() -> None:
    lines = [Line(number=1, text="total 12 MB", raw="total 12 MB")]
    assert not is_images_output(lines, "ls -l")
    assert is_images_output([], "docker image ls --format '{{.Size}}'")


def test_the_classic_table_recorded_here() -> None:
    assert _rows("images-classic.txt") == [
        ("drafting-rec/app:legacy", 4.98e6, None, 3),
        ("drafting-rec/app:1.0", 4.98e6, None, 4),
        ("drafting-rec/base:1.0", 1.98e6, None, 5),
    ]


def test_format_output_plain_and_as_a_table() -> None:
    assert _rows("images-format.txt") == [
        ("drafting-rec/app:legacy", 4.98e6, None, 2),
        ("drafting-rec/app:1.0", 4.98e6, None, 3),
        ("drafting-rec/base:1.0", 1.98e6, None, 4),
    ]
    assert [row[:2] for row in _rows("images-format-table.txt")] == [
        row[:2] for row in _rows("images-classic.txt")
    ]


def test_docker_images_prints_decimal_units() -> None:
    """The witness: `docker image inspect` gave the same images' sizes in bytes. Read as decimal,
    `docker images`' figures are within their rounding of it; read as binary they are 5 % off."""
    _, lines = _recorded("inspect-sizes.txt")
    app_bytes, _, base_bytes = (int(line.text) for line in lines if line.text)
    sizes = {row[0]: row[1] for row in _rows("images-classic.txt")}
    for ref, exact in (("drafting-rec/app:1.0", app_bytes), ("drafting-rec/base:1.0", base_bytes)):
        assert abs(sizes[ref] - exact) <= 0.005e6  # three significant digits: half a unit of the last
        assert abs(sizes[ref] / 1e6 * 1024**2 - exact) > 0.04 * exact
