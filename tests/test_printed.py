"""Reading a value as a report prints it, and a tolerance, each against figures worked out by hand."""

from __future__ import annotations

import pytest

from labreport.report.claims.printed import UnreadableValue, read_tolerance, read_value


@pytest.mark.parametrize(
    ("text", "value", "quantity", "shown"),
    [
        ("29.8 MB", 29_800_000, "bytes", "29.8 MB"),
        ("~15 MB", 15_000_000, "bytes", "15 MB"),
        ("524 kB", 524_000, "bytes", "524 kB"),
        ("524 KB", 524_000, "bytes", "524 kB"),
        ("2 MiB", 2_097_152, "bytes", "2.1 MB"),
        ("7.9 GB", 7_900_000_000, "bytes", "7.9 GB"),
        ("96.3%", 96.3, "percent", "96.3 %"),
        ("20-30%", (20.0, 30.0), "percent", None),
        ("20\u201330 %", (20.0, 30.0), "percent", None),
        ("45 s", 45.0, "seconds", "45.0 s"),
        ("~18 seconds", 18.0, "seconds", "18.0 s"),
        ("200 ms", 0.2, "seconds", "200 ms"),
        ("40x", 40.0, "ratio", "40.0x"),
        ("~300", 300.0, "count", "300"),
        # "about" as the drafter reads it (the example project once had to write "~95%").
        ("about 95%", 95.0, "percent", "95.0 %"),
        ("about 1 s", 1.0, "seconds", "1.0 s"),
        ("about 2 minutes", 120.0, "seconds", "120 s"),
        ("1,200 MB", 1_200_000_000, "bytes", "1.2 GB"),
    ],
)
def test_a_printed_value_reads_as_its_number(
    text: str, value: float | tuple[float, float], quantity: str, shown: str | None
) -> None:
    printed = read_value(text)
    assert printed.value == value and printed.quantity == quantity
    if shown is not None:
        assert not isinstance(printed.value, tuple)
        assert printed.show(printed.value) == shown


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("29.8 MQ", "unknown unit 'MQ'"),
        ("about thirty", "not a number with a unit"),
        ("about", "not a number with a unit"),
        ("30-20%", "does not rise"),
        ("", "not a number"),
    ],
)
def test_an_unreadable_value_says_why(text: str, reason: str) -> None:
    with pytest.raises(UnreadableValue, match=reason):
        read_value(text)


def test_tolerances() -> None:
    assert read_tolerance("10%", "bytes") == (pytest.approx(0.10), False)
    assert read_tolerance("20 %", "count") == (pytest.approx(0.20), False)
    assert read_tolerance("1 pp", "percent") == (1.0, True)
    with pytest.raises(UnreadableValue, match="only a percentage"):
        read_tolerance("1 pp", "seconds")
    with pytest.raises(UnreadableValue, match="not a tolerance"):
        read_tolerance("ten", "bytes")
