"""The history page's data: missing is "no history yet", malformed fails naming the file and field,
and each run's change is put down to its cause."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

import pytest

from labreport.contract import history
from labreport.contract.history import History, HistoryError
from labreport.report.figures import FIGURES
from labreport.report.macros import history as history_macros
from records import fake_measurements

FIRST = history.record(fake_measurements(), None)


def later(hours: int, **changes: object) -> history.HistoryRecord:
    when = FIRST.measured_at + timedelta(hours=hours)
    return FIRST.model_copy(update={"measured_at": when, "run_id": history.run_id(when, "x" * 12), **changes})


@pytest.fixture
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history.json"
    monkeypatch.setenv(history_macros.HISTORY_ENV, str(path))
    return path


def test_no_history_yet(history_file: Path) -> None:
    assert history_macros.history_changes() == history_macros.NO_HISTORY
    assert history_macros.history_count() == "no runs yet"
    payload = FIGURES["history-image"][0](fake_measurements())
    assert payload["runs"] == []


def test_a_malformed_history_names_the_file_and_the_field(history_file: Path) -> None:
    history_file.write_text('{"schema_version": 1, "records": [{}]}', encoding="utf-8")
    with pytest.raises(HistoryError, match=r"history\.json: field records\.0\.run_id"):
        history_macros.site_history()


def test_each_change_is_put_down_to_its_cause(history_file: Path) -> None:
    base = FIRST.bases[0]
    drifted = base.model_copy(update={"image_id": "sha256:" + "e" * 64, "source": "pulled"})
    moved = later(1, bases=[drifted, *FIRST.bases[1:]])
    new_inputs = later(2, bases=moved.bases, inputs_hash="f" * 64, commit="abcdef0" + "0" * 33)
    testbed = later(3, bases=moved.bases, inputs_hash="f" * 64, commit=new_inputs.commit)
    testbed = testbed.model_copy(update={"testbed": FIRST.testbed.model_copy(update={"cpu_model": "Other"})})
    history.save(History(records=[FIRST, moved, new_inputs, testbed]), history_file)
    # As a reader sees it: the cells are made inert with character references (escape.text).
    table = html.unescape(history_macros.history_changes())
    assert f"base {base.ref}" in table and "→" in table
    assert f"commit {FIRST.commit[:7]} → abcdef0" in table
    assert "the testbed (Other" in table
    # One line per testbed in the figures, never one line across both.
    series = FIGURES["history-image"][0](fake_measurements())["panels"]
    assert isinstance(series, list) and len(series[0][1]) == 2


def test_the_same_inputs_bases_and_testbed_is_noise() -> None:
    assert history_macros.causes(FIRST, later(1))[0].startswith("nothing recorded")


def test_the_legend_names_every_testbed_even_one_missing_from_the_first_panel() -> None:
    from labreport.report.site import rendering

    # BuildKit ran on the second testbed only, the legacy builder on both (this repository's history).
    payload = {
        "runs": ["aaaaaaa", "bbbbbbb"],
        "panels": [
            ("code-change rebuild, s (buildkit builder)", [("second testbed", [(1, 11.5)])]),
            (
                "code-change rebuild, s (legacy builder)",
                [("first testbed", [(0, 15.0)]), ("second testbed", [(1, 12.7)])],
            ),
        ],
    }
    svg = rendering.draw("history-rebuild", payload)["light"]
    assert "first testbed" in svg and "second testbed" in svg


def test_a_testbed_label_with_markup_stays_text_in_one_cell(history_file: Path) -> None:
    """A CPU model is the machine's to name: a pipe would split the row, asterisks make emphasis."""
    odd = FIRST.model_copy(update={"testbed": FIRST.testbed.model_copy(update={"cpu_model": "A|B *x* <i>"})})
    history.save(History(records=[odd]), history_file)
    row = history_macros.history_testbeds().splitlines()[2]
    assert row.count("|") == 4 and "*x*" not in row and "<i>" not in row
    assert "A|B *x* <i>" in html.unescape(row)
