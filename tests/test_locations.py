"""A project's measured files lie in its own data/ folder, as this repository's do."""

from __future__ import annotations

from pathlib import Path

from labreport.contract.history import HISTORY_FILE
from labreport.contract.project import REPO_ROOT
from labreport.contract.schema import DATA_FILE
from labreport.contract.status import STATUS_FILE
from labreport.report.site import locations


def test_this_repositorys_files_are_its_projects_files() -> None:
    assert locations.data_file(REPO_ROOT) == DATA_FILE
    assert locations.status_file(REPO_ROOT) == STATUS_FILE
    assert locations.history_file(REPO_ROOT) == HISTORY_FILE


def test_another_projects_files_are_in_its_folder(tmp_path: Path) -> None:
    assert locations.data_file(tmp_path) == tmp_path / "data" / "measurements.json"
    assert locations.status_file(tmp_path) == tmp_path / "data" / ".measure-status.json"
    assert locations.history_file(tmp_path) == tmp_path / "data" / "history.json"
