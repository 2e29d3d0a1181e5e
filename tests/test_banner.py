"""The banner on every page: a measurement running in the background, or the one that last failed."""

from __future__ import annotations

import html as html_text
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from labreport.contract.schema import CarriedOver
from labreport.contract.status import MeasureStatus, State, write_status
from records import fake_measurements, write_data
from site_fixtures import build_site

pytestmark = pytest.mark.site

PAGES = ("", "sizes", "ledger")
RUNNING = "Re-measuring in the background"
FAILED = "The last background measurement failed"
HOSTILE = '<script>alert("x")</script> & more'


def _status(state: State, updated_at: datetime, message: str | None = None) -> MeasureStatus:
    return MeasureStatus(
        state=state,
        pid=os.getpid(),  # alive for the whole build: a "running" status stays running
        started_at=updated_at - timedelta(seconds=48),
        updated_at=updated_at,
        phase="builds",
        done=3,
        total=7,
        elapsed_seconds=48.0,
        message=message,
    )


def _pages_with(tmp_path: Path, status: MeasureStatus | None) -> list[str]:
    data = write_data(fake_measurements(), tmp_path / "m.json")
    status_file = tmp_path / "status.json"
    if status is not None:
        write_status(status, status_file)
    result = build_site(data, tmp_path / "site", env={"LABREPORT_STATUS": str(status_file)})
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    return [(site / page / "index.html").read_text(encoding="utf-8") for page in PAGES]


def _measured_at() -> datetime:
    return fake_measurements().provenance.measured_at


def test_a_running_measurement_is_on_every_page(tmp_path: Path) -> None:
    for html in _pages_with(tmp_path, _status("running", datetime.now(UTC))):
        assert f"{RUNNING}: builds 3/7, 48 s" in html
        assert "the recorded ones and reload when it ends" in html
        assert FAILED not in html


@pytest.mark.parametrize("state", ["failed", "interrupted"])
def test_a_later_failure_says_the_figures_are_the_previous_ones(tmp_path: Path, state: State) -> None:
    status = _status(state, _measured_at() + timedelta(hours=1), message=HOSTILE)
    for html in _pages_with(tmp_path, status):
        assert FAILED in html and "the previous ones" in html and RUNNING not in html
        assert f"{state} after 48 s" in html
        assert HOSTILE in html_text.unescape(html)  # shown as text, every character of it
        assert "<script>alert" not in html


@pytest.mark.parametrize(
    "status",
    [
        None,
        _status("done", datetime.now(UTC)),
        _status("failed", datetime(2026, 11, 28, 3, 0, tzinfo=UTC), message="before the data"),
    ],
    ids=["absent", "done", "failed-before-the-data"],
)
def test_no_banner_when_nothing_runs_or_failed_since(tmp_path: Path, status: MeasureStatus | None) -> None:
    if status is not None and status.state == "failed":
        assert status.updated_at < _measured_at()
    for html in _pages_with(tmp_path, status):
        assert RUNNING not in html and FAILED not in html


def test_stale_data_of_another_project_says_the_command_that_measures_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labreport.report.site import banner

    assert banner._refresh() == "`make measure`"  # this repository's own project
    monkeypatch.setattr(banner, "ROOT", tmp_path)
    assert banner._refresh() == f"`labreport measure --project {tmp_path}`"


def _carried(what: str, measured_at: datetime, commit: str) -> CarriedOver:
    return CarriedOver(what=what, inputs_hash="0" * 16, measured_at=measured_at, git_commit=commit,
                       pointers=["/probes/0"])  # fmt: skip


def test_the_carried_over_line_names_each_record_set_with_the_run_that_measured_it() -> None:
    from labreport.report.site.banner import carried_over_line

    first, second = datetime(2026, 11, 27, 9, 5, tzinfo=UTC), datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    line = carried_over_line(
        [_carried("alpine", first, "a" * 40), _carried("timings", second, "b" * 40),
         _carried("scratch", first, "a" * 40)]
    )  # fmt: skip
    assert line == (
        "Carried over unmeasured, their inputs unchanged since: `alpine`, `scratch` from the run of "
        f"2026-11-27 09:05 UTC (commit `{'a' * 12}`); `timings` from the run of 2026-11-28 01:00 UTC "
        f"(commit `{'b' * 12}`)."
    )
    assert carried_over_line([]) == ""


def test_every_page_says_what_was_carried_over_and_from_which_run(tmp_path: Path) -> None:
    measured = fake_measurements()
    earlier = datetime(2026, 11, 27, 9, 5, tzinfo=UTC)
    provenance = measured.provenance.model_copy(
        update={"carried_over": [_carried("scratch", earlier, "c0ffee" + "0" * 34)]}
    )
    data = write_data(measured.model_copy(update={"provenance": provenance}), tmp_path / "m.json")
    result = build_site(data, tmp_path / "site", env={"LABREPORT_STATUS": str(tmp_path / "none.json")})
    assert result.returncode == 0, result.stderr
    for page in PAGES:
        html = (tmp_path / "site" / page / "index.html").read_text(encoding="utf-8")
        shown = " ".join(html_text.unescape(re.sub(r"<[^>]+>", "", html)).split())
        assert (
            "Carried over unmeasured, their inputs unchanged since: scratch from the run of "
            "2026-11-27 09:05 UTC (commit c0ffee000000)." in shown
        )
