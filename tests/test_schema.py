"""Unit tests of schema: save and load, errors naming the file and field, atomic writes."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from labreport.contract import schema
from labreport.contract.schema import DataError, Measurements
from records import fake_measurements


def _one_line(text: str) -> bool:
    return "\n" not in text.strip()


def test_save_then_load_round_trip(tmp_path: Path) -> None:
    original = fake_measurements()
    path = tmp_path / "nested" / "measurements.json"
    schema.save(original, path)
    assert path.read_text(encoding="utf-8").endswith("}\n")
    assert schema.load(path) == original
    assert json.loads(path.read_text(encoding="utf-8"))["provenance"]["inputs_hash"] == (
        original.provenance.inputs_hash
    )


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(DataError) as raised:
        schema.load(path)
    assert str(path) in str(raised.value)
    assert "missing" in str(raised.value)
    assert _one_line(str(raised.value))


@pytest.mark.parametrize("text", ["", "{", '{"schema_version": 1,}', "not json"])
def test_load_invalid_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "measurements.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        schema.load(path)
    assert str(path) in str(raised.value)
    assert _one_line(str(raised.value))


def _dumped() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fake_measurements().model_dump_json())
    return loaded


def _drop_inputs_hash(raw: dict[str, Any]) -> None:
    del raw["provenance"]["inputs_hash"]


def _bad_median(raw: dict[str, Any]) -> None:
    raw["builds"][0]["total"]["median"] = "fast"


def _extra_field(raw: dict[str, Any]) -> None:
    raw["surprise"] = 1


def _bad_source(raw: dict[str, Any]) -> None:
    raw["provenance"]["bases"][0]["source"] = "downloaded"


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        pytest.param(_drop_inputs_hash, "provenance.inputs_hash", id="missing"),
        pytest.param(_bad_median, "builds.0.total.median", id="wrong-type"),
        pytest.param(_extra_field, "surprise", id="unknown-field"),
        pytest.param(_bad_source, "provenance.bases.0.source", id="not-a-choice"),
    ],
)
def test_load_names_the_file_and_the_field(
    tmp_path: Path, damage: Callable[[dict[str, Any]], None], field: str
) -> None:
    raw = _dumped()
    damage(raw)
    path = tmp_path / "measurements.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        schema.load(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"field {field}:" in message
    assert _one_line(message)


def test_first_problem_names_the_first_refused_field_and_counts_them_all() -> None:
    raw = _dumped()
    raw["provenance"]["cpu_count"] = "many"
    del raw["provenance"]["inputs_hash"]
    with pytest.raises(ValidationError) as raised:
        Measurements.model_validate(raw)
    # Two problems, as the damage made them; the first in the model's field order.
    assert schema.first_problem(raised.value) == (
        "field provenance.cpu_count: Input should be a valid integer, unable to parse string as an "
        "integer (2 problem(s))"
    )
    with pytest.raises(ValidationError) as top:
        Measurements.model_validate([])
    assert schema.first_problem(top.value).startswith("field (top level): ")


def test_load_non_utf8_file_raises_data_error(tmp_path: Path) -> None:
    path = tmp_path / "measurements.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(DataError, match=re.escape(str(path))):
        schema.load(path)


def test_write_atomically_writes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("old\n")
    schema.write_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert sorted(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()], ids=["oserror", "ctrl-c"])
def test_write_atomically_keeps_the_original_when_replace_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    path = tmp_path / "data.json"
    path.write_text("original\n")

    def failing_replace(source: Any, destination: Any) -> None:
        raise error

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(type(error)):
        schema.write_atomically(path, "replacement\n")
    assert path.read_text() == "original\n"
    assert sorted(tmp_path.iterdir()) == [path]


def test_write_atomically_keeps_the_original_when_writing_fails_midway(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("original\n")
    with pytest.raises(UnicodeEncodeError):
        schema.write_atomically(path, "x" * 100_000 + "\ud800")  # a lone surrogate cannot be encoded
    assert path.read_text() == "original\n"
    assert sorted(tmp_path.iterdir()) == [path]


def test_save_failure_keeps_the_previous_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "measurements.json"
    schema.save(fake_measurements(), path)
    before = path.read_bytes()

    def failing_replace(source: Any, destination: Any) -> None:
        raise OSError("interrupted")

    monkeypatch.setattr(os, "replace", failing_replace)
    changed = fake_measurements().model_copy(update={"cold_build_log": []})
    with pytest.raises(OSError):
        schema.save(changed, path)
    assert path.read_bytes() == before
    assert schema.load(path) == fake_measurements()


def test_write_atomically_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("old\n")
    path.chmod(0o644)
    schema.write_atomically(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_json_schema_text_matches_the_committed_schema() -> None:
    if not schema.SCHEMA_FILE.exists():
        pytest.skip(
            f"{schema.SCHEMA_FILE.relative_to(schema.SCHEMA_FILE.parents[1])} is not committed yet "
            "(another engineer is adding it)"
        )
    assert schema.json_schema_text() == schema.SCHEMA_FILE.read_text(encoding="utf-8")


def test_json_schema_text_is_deterministic_json_describingfake_measurements() -> None:
    text = schema.json_schema_text()
    assert text == schema.json_schema_text()
    assert text.endswith("}\n")
    described = json.loads(text)
    # Fields added later carry a default, so older data files stay valid; the rest are required.
    required = {name for name, field in Measurements.model_fields.items() if field.is_required()}
    assert set(described["required"]) == required
    assert required >= {"provenance", "images", "builds", "failures"}
