"""Unit tests of measure.run: when the recorded data is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labreport import schema
from labreport.measure.run import is_up_to_date
from records import fake_measurements


def test_is_up_to_date_when_the_recorded_hash_matches(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    output.write_text(json.dumps({"provenance": {"inputs_hash": "abc123"}}))
    assert is_up_to_date(output, "abc123") is True
    assert is_up_to_date(output, "abc124") is False


def test_is_up_to_date_with_a_saved_measurement(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    schema.save(fake_measurements(), output)
    assert is_up_to_date(output, fake_measurements().provenance.inputs_hash) is True
    assert is_up_to_date(output, "0" * 16) is False


def test_is_up_to_date_missing_file(tmp_path: Path) -> None:
    assert is_up_to_date(tmp_path / "absent.json", "abc123") is False


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"[]", id="list"),
        pytest.param(b'"abc123"', id="string"),
        pytest.param(b"{}", id="no-provenance"),
        pytest.param(b'{"provenance": ["abc123"]}', id="provenance-list"),
        pytest.param(b'{"provenance": {"inputs": "abc123"}}', id="no-hash"),
        pytest.param(b'{"provenance": {"inputs_hash": null}}', id="null-hash"),
    ],
)
def test_is_up_to_date_corrupt_file(tmp_path: Path, content: bytes) -> None:
    output = tmp_path / "measurements.json"
    output.write_bytes(content)
    assert is_up_to_date(output, "abc123") is False
