"""Unit tests of progress: phases, steps, plain and live output, and the status file."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

from labreport.contract.status import MeasureStatus, read_status
from labreport.measure.progress import Progress

STAMP = r"\[\s*\d+\.\ds\] "


def test_progress_phase_prints_start_and_done() -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with progress.phase("builds"):
        pass
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(STAMP + r"builds \.\.\.", lines[0])
    assert re.fullmatch(STAMP + r"builds: done in \d+\.\ds", lines[1])
    assert "\r" not in stream.getvalue()


@pytest.mark.parametrize("error", [ValueError("bad"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_progress_phase_reports_failure_and_reraises(error: BaseException) -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with pytest.raises(type(error)), progress.phase("probe alpine"):
        raise error
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(STAMP + r"probe alpine: failed after \d+\.\ds", lines[1])
    assert "done in" not in stream.getvalue()


def test_progress_live_mode_says_messages_above_the_bar() -> None:
    stream = io.StringIO()
    progress = Progress(live=True, stream=stream)
    progress.say("hello")
    with progress.phase("builds", total=3) as step:
        progress.say("inside")
        step()
    text = stream.getvalue()
    assert re.search(STAMP + "hello", text)
    assert re.search(STAMP + "inside", text)
    assert re.search(STAMP + r"builds: done in \d+\.\ds", text)


def test_progress_phases_can_nest() -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with progress.phase("outer"), progress.phase("inner"):
        pass
    lines = stream.getvalue().splitlines()
    names = [re.sub(STAMP, "", line).split(":")[0].split(" ...")[0] for line in lines]
    assert names == ["outer", "inner", "inner", "outer"]


def test_progress_plain_mode_prints_each_step_with_its_count() -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with progress.phase("builds", total=7) as step:
        step()
        step()
    lines = [re.sub(STAMP, "", line) for line in stream.getvalue().splitlines()]
    assert lines[1:3] == ["builds 1/7", "builds 2/7"]


def test_progress_live_mode_draws_the_phase_and_its_count() -> None:
    stream = io.StringIO()
    progress = Progress(live=True, stream=stream)
    with progress.phase("builds", total=7) as step:
        for _ in range(3):
            step()
        assert progress._bar is not None
        progress._bar.refresh()  # draw now, not on the next tick
    assert "builds" in stream.getvalue() and "3/7" in stream.getvalue()


def _status(path: Path) -> MeasureStatus:
    return MeasureStatus.model_validate(json.loads(path.read_text()))


def _counts(path: Path) -> tuple[str, str, int | None, int | None]:
    status = _status(path)
    return status.state, status.phase, status.done, status.total


def test_progress_writes_the_status_on_each_phase_and_step(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    progress = Progress(live=False, stream=io.StringIO(), status_path=path)
    with progress.phase("builds", total=2) as step:
        assert _counts(path) == ("running", "builds", 0, 2)
        step()
        assert _counts(path) == ("running", "builds", 1, 2)
    status = _status(path)
    assert status.pid == os.getpid() and status.elapsed_seconds >= 0
    assert sorted(tmp_path.iterdir()) == [path], "written atomically: no temporary file left"


def test_progress_status_of_an_uncounted_phase_has_no_count(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    progress = Progress(live=False, stream=io.StringIO(), status_path=path)
    with progress.phase("outer", total=3):
        with progress.phase("probe alpine"):
            assert _counts(path) == ("running", "probe alpine", None, None)
        assert _counts(path) == ("running", "outer", 0, 3), "the outer phase is current again"


@pytest.mark.parametrize(
    ("error", "state", "message"),
    [
        (None, "done", None),
        (RuntimeError("engine\ngone"), "failed", "engine gone"),
        (KeyboardInterrupt(), "interrupted", "stopped by Ctrl-C or SIGTERM"),
    ],
    ids=["done", "failed", "interrupted"],
)
def test_progress_recording_ends_the_status_with_the_outcome(
    tmp_path: Path, error: BaseException | None, state: str, message: str | None
) -> None:
    path = tmp_path / "status.json"
    progress = Progress(live=False, stream=io.StringIO(), status_path=path)
    with contextlib.suppress(RuntimeError, KeyboardInterrupt), progress.recording():
        with progress.phase("builds"):
            pass
        if error is not None:
            raise error
    status = read_status(path)
    assert status is not None
    assert (status.state, status.message, status.phase) == (state, message, "builds")


def test_progress_finish_keeps_an_explicit_outcome(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    progress = Progress(live=False, stream=io.StringIO(), status_path=path)
    with progress.recording():
        with progress.phase("builds"):
            pass
        progress.finish("failed", "no variant could be measured")
    assert (_status(path).state, _status(path).message) == ("failed", "no variant could be measured")


def test_progress_leaves_the_status_alone_when_no_phase_ran(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    path.write_text("previous\n")
    progress = Progress(live=False, stream=io.StringIO(), status_path=path)
    with progress.recording():
        progress.say("data is current")
    assert path.read_text() == "previous\n"


def test_progress_without_a_status_path_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    progress = Progress(live=False, stream=io.StringIO())
    with progress.recording(), progress.phase("builds", total=1) as step:
        step()
    assert list(tmp_path.iterdir()) == []


def test_progress_a_status_that_cannot_be_written_does_not_stop_the_run(tmp_path: Path) -> None:
    path = tmp_path / "not-a-directory" / "status.json"
    path.parent.write_text("a file where the directory should be")
    progress = Progress(live=False, stream=io.StringIO(), status_path=path)
    with progress.recording(), progress.phase("builds", total=1) as step:
        step()
    assert not path.exists()


def test_progress_defaults_to_plain_when_not_a_terminal() -> None:
    assert Progress(stream=io.StringIO()).live is False
