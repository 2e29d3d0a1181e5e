"""How the report prints quantities."""

from __future__ import annotations

import pytest

from labreport.report import units


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1_000, "1 kB"),
        (524_288, "524 kB"),
        (29_800_000, "29.8 MB"),
        (807_000_000, "807 MB"),
        (7_900_000_000, "7.9 GB"),
        (79_000_000_000, "79 GB"),
    ],
)
def test_human_size_is_decimal_like_docker(size: int, expected: str) -> None:
    assert units.human_size(size) == expected


def test_other_units() -> None:
    assert units.mebibytes(2 * 1024**2) == "2.00 MiB"
    assert units.seconds(0.25) == "250 ms" and units.seconds(45.3) == "45.3 s"
    # A range breaks only at its dash: no line between a number and its unit.
    assert units.seconds_range(0.25, 12.9) == "250\u00a0ms \u2013 12.9\u00a0s"
    assert units.percent(96.25) == "96.2 %" and units.signed_percent(-3.0) == "-3.0 %"
    assert units.ratio(39.96) == "40.0x"
