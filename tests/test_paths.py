"""Where the project file is: `--project` read from the command line before anything loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from labreport.contract import paths


def test_choose_from_argv_takes_a_file_or_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # choose_from_argv writes os.environ itself: setenv first, so the teardown removes what it wrote
    # (a delenv of an unset name restores nothing, and later tests' subprocesses met other.toml).
    monkeypatch.setenv(paths.PROJECT_ENV, "unset by the teardown")
    monkeypatch.delenv(paths.PROJECT_ENV)
    assert paths.choose_from_argv(["measure", "--repeat", "1"]) is None
    assert paths.choose_from_argv(["measure", "--project", str(tmp_path)]) == tmp_path / "labreport.toml"
    other = tmp_path / "other.toml"
    assert paths.choose_from_argv([f"--project={other}"]) == other
    assert paths.project_path() == other


def test_the_data_file_follows_the_project_named_on_the_command_line(tmp_path: Path) -> None:
    """`python -m labreport measure --project DIR` writes DIR/data/measurements.json, not this
    repository's (the default --output, as its help prints it)."""
    import os
    import shutil
    import subprocess
    import sys

    from records_example import EXAMPLE

    folder = tmp_path / "quote-service"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("data", "site"))
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "measure", "--project", str(folder), "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(paths.__file__).parents[2]), "COLUMNS": "400"},
    )
    assert result.returncode == 0, result.stderr
    assert str(folder / "data" / "measurements.json") in " ".join(result.stdout.split())
