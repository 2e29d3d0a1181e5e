"""The unit reader: each figure in the shapes people type it, in base units, against values
worked out by hand (decimal kB/MB/GB as Docker prints them, binary only for KiB/MiB/GiB)."""

from __future__ import annotations

import pytest

from labreport.drafting.units import UnitError, find_values, parse_value, size_of


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "approximate"),
    [
        ("21.47 MB", "bytes", 21_470_000, 21_470_000, False),
        ("21.47MB", "bytes", 21_470_000, 21_470_000, False),
        ("524kB", "bytes", 524_000, 524_000, False),
        ("524 KB", "bytes", 524_000, 524_000, False),
        ("1.2GB", "bytes", 1_200_000_000, 1_200_000_000, False),
        ("807 MB", "bytes", 807_000_000, 807_000_000, False),
        ("~15 MB", "bytes", 15_000_000, 15_000_000, True),
        ("5 MiB", "bytes", 5_242_880, 5_242_880, False),
        ("1.5GiB", "bytes", 1_610_612_736, 1_610_612_736, False),
        ("0B", "bytes", 0, 0, False),
        ("1,200 MB", "bytes", 1_200_000_000, 1_200_000_000, False),
        ("20-30%", "percent", 20, 30, False),
        ("20\u201330 %", "percent", 20, 30, False),
        ("96.3%", "percent", 96.3, 96.3, False),
        ("45.3s", "seconds", 45.3, 45.3, False),
        ("2.1 s", "seconds", 2.1, 2.1, False),
        ("~18 seconds", "seconds", 18, 18, True),
        ("about 2 minutes", "seconds", 120, 120, True),
        ("about 95%", "percent", 95, 95, True),
        ("about 1 s", "seconds", 1, 1, True),
        ("350ms", "seconds", 0.35, 0.35, False),
        ("1m2.5s", "seconds", 62.5, 62.5, False),
        ("0m6.123s", "seconds", 6.123, 6.123, False),
        ("40x", "ratio", 40, 40, False),
        ("3 times", "ratio", 3, 3, False),
        ("300", "count", 300, 300, False),
        ("~300", "count", 300, 300, True),
    ],
)
def test_a_figure_reads_in_base_units(
    text: str, kind: str, low: float, high: float, approximate: bool
) -> None:
    value = parse_value(text)
    assert (value.kind, value.approximate) == (kind, approximate)
    assert value.low == pytest.approx(low, rel=1e-12)
    assert value.high == pytest.approx(high, rel=1e-12)
    assert value.text == text


def test_a_range_is_its_ends_and_its_middle() -> None:
    value = parse_value("20-30%")
    assert value.is_range and value.value == 25
    assert not parse_value("96.3%").is_range


@pytest.mark.parametrize("text", ["MB", "fast", "12 parsecs", "1.2.3", "--"])
def test_what_is_not_a_figure_is_refused_naming_it(text: str) -> None:
    with pytest.raises(UnitError, match=repr(text).replace("(", r"\(").replace(".", r"\.")):
        parse_value(text)


def test_an_unknown_unit_is_named() -> None:
    with pytest.raises(UnitError, match="unknown unit 'parsecs' in '12 parsecs'; known: B, kB"):
        parse_value("12 parsecs")


def test_figures_in_a_line_leave_versions_digests_and_labels_alone() -> None:
    line = (
        "Alpine variant: 336 MB vs 807 MB on golang:1.25-alpine go1.25.5 amd64 sha256:3114d80 "
        "(17/17) [builder 4/6] 2.3s, ~15s (compiling), 96.3% smaller, 40x faster"
    )
    assert [found.value.text for found in find_values(line)] == [
        "336 MB",
        "807 MB",
        "2.3s",
        "~15s",
        "96.3%",
        "40x",
    ]


def test_a_found_figure_knows_where_it_stands() -> None:
    line = "image is ~300 MB today"
    (found,) = find_values(line)
    assert line[found.start : found.end] == "~300 MB"


def test_bare_numbers_only_when_asked() -> None:
    assert find_values("~300 packages") == []
    (found,) = find_values("~300 packages", counts=True)
    assert (found.value.kind, found.value.low, found.value.approximate) == ("count", 300, True)


def test_a_size_cell_in_bytes() -> None:
    assert size_of("21.5MB") == 21_500_000
    assert size_of("0B") == 0
    with pytest.raises(UnitError, match="is not a size"):
        size_of("2.1s")
