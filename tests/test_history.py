"""The history contract: a record from a measurement, merging without loss or duplicates, errors
that name the file and the field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from labreport.contract import history
from labreport.contract.history import History, HistoryError, HistoryRecord
from records import MB, fake_measurements


def at(record: HistoryRecord, hours: int, **changes: object) -> HistoryRecord:
    """The same record measured `hours` later, with its own run id."""
    when = record.measured_at + timedelta(hours=hours)
    return record.model_copy(
        update={"measured_at": when, "run_id": history.run_id(when, record.inputs_hash), **changes}
    )


def test_a_record_holds_the_headline_figures_and_the_testbed() -> None:
    data = fake_measurements()
    record = history.record(data, {"reproduced": 3})
    final = next(image for image in data.images if image.variant == "alpine")
    pushed = next(item for item in data.publish if item.variant == "alpine")
    assert record.final_image_bytes == final.size
    assert (record.download_bytes, record.download_from) == (pushed.compressed_size, "manifest")
    assert record.builder_stage_bytes == next(i.size for i in data.images if i.role == "builder")
    assert record.testbed.builders == ["legacy"]  # no per-build builder in the data: the legacy one
    assert record.testbed.cores == data.provenance.cpu_count
    assert record.run_id.endswith(data.provenance.inputs_hash[:12])
    assert record.verdicts == {"reproduced": 3}
    assert {base.ref for base in record.bases} == {b.requested for b in data.provenance.bases}


def test_without_a_push_the_download_is_the_gzip_estimate_and_says_so() -> None:
    data = fake_measurements(publish=[])
    record = history.record(data, None)
    final = next(image for image in data.images if image.variant == "alpine")
    assert (record.download_bytes, record.download_from) == (final.compressed_size, "gzip-estimate")
    assert record.final_image_bytes is not None and record.final_image_bytes > MB


def test_merge_keeps_every_record_once_oldest_first() -> None:
    first = history.record(fake_measurements(), None)
    second, third = at(first, 1), at(first, 2)
    merged = history.merge(History(records=[third, first]), History(records=[second, first, third]))
    assert [item.run_id for item in merged.records] == [first.run_id, second.run_id, third.run_id]


def test_a_missing_file_is_an_empty_history_and_save_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    assert history.load(path).records == []
    saved = History(records=[history.record(fake_measurements(), None)])
    history.save(saved, path)
    assert history.load(path) == saved


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<html>", "not JSON"),
        ('{"schema_version": 1, "records": [{"run_id": 3}]}', "field records.0.run_id"),
        ('{"schema_version": 2}', "field schema_version"),
    ],
)
def test_a_malformed_history_names_the_file_and_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "history.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HistoryError, match=expected) as raised:
        history.load(path)
    assert str(raised.value).startswith(str(path)) and "\n" not in str(raised.value)


def test_the_fingerprint_changes_with_the_testbed() -> None:
    record = history.record(fake_measurements(), None)
    other = record.testbed.model_copy(update={"cpu_model": "Another CPU"})
    assert other.fingerprint() != record.testbed.fingerprint()
    assert "Another CPU" in other.label()
