"""`labreport check REPO`: the steps before the engine is asked for anything, and each way a
repository can fail to be checked, as one line and its documented exit code. The whole run, through
the engine, is tests/test_check_docker.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from labreport.cli import check, main
from labreport.cli.outcomes import NO_DOCKERFILE, NOTHING_RECOGNISED, USAGE

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quote-service"


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """The example's service and Dockerfiles and report, with no project or claims file."""
    copied = tmp_path / "quote-service"
    shutil.copytree(EXAMPLE, copied, ignore=shutil.ignore_patterns("labreport.toml", "claims.toml", "data"))
    return copied


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    return err


def test_a_path_that_is_not_a_folder_is_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nowhere")]) == USAGE.code
    assert "not a folder" in _one_line(capsys)


def test_a_folder_with_no_dockerfile_is_exit_7_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "REPORT.md").write_text("# A report\n\nThe image is 7.7 MB.\n")
    assert main(["check", str(tmp_path)]) == NO_DOCKERFILE.code
    assert "no Dockerfile" in _one_line(capsys)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["REPORT.md"]


def test_no_report_is_usage_naming_the_names_looked_for(
    bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bare / "REPORT.md").unlink()
    assert main(["check", str(bare)]) == USAGE.code
    message = _one_line(capsys)
    assert "no report" in message and "--report" in message and all(n in message for n in check.REPORT_NAMES)


def test_a_report_with_nothing_to_parse_is_exit_6_and_no_claims_file(
    bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bare / "REPORT.md").write_text("# Notes\n\nIt builds and it runs; nothing more to say.\n")
    assert main(["check", str(bare)]) == NOTHING_RECOGNISED.code
    assert "no figure" in _one_line(capsys)
    assert not (bare / "claims.toml").exists()
    # What init wrote stays, for the next run to use (and a person to confirm).
    assert tomllib.loads((bare / "labreport.toml").read_text())["service"]["port"] == 9090


def test_the_steps_before_the_engine_write_a_project_and_claims_that_judge_loads(
    bare: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the engine's steps stubbed (the real run: tests/test_check_docker.py), check writes the
    project file and the claims draft, then asks for measure, site and judge, in that order, each
    on the repository's project."""
    asked: list[list[str]] = []

    def step(command: list[str], repo: Path) -> int:
        asked.append([*command, "--project", str(repo)])
        if command[0] == "measure":  # what a run that measured something leaves for the site
            (repo / "data").mkdir(exist_ok=True)
            (repo / "data" / "measurements.json").write_text("{}\n")
        return 0

    monkeypatch.setattr(check, "_step", step)
    assert main(["check", str(bare), "--repeat", "1", "--no-publish"]) == 0
    out = capsys.readouterr().out
    assert "labreport init" in out and "claims draft" in out
    assert [command[0] for command in asked] == ["measure", "site", "claims"]
    assert all(command[-2:] == ["--project", str(bare.resolve())] for command in asked)
    assert asked[0][:3] == ["measure", "--repeat", "1"] and "--no-publish" in asked[0]
    drafted = tomllib.loads((bare / "claims.toml").read_text())["claim"]
    assert len(drafted) >= 30 and all(entry["line"] >= 1 for entry in drafted)
    # The drafted file loads as the project's claims file: the site and judge read this one.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "from labreport.report.claims import claimsfile as c; print(len(c.current().entries))",
        ],
        cwd=bare,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(loaded.stdout) >= 30
    # The report's answers from /quote/1 and /quote/9 are asked too: init's routes had only /quote,
    # and without them the drafted claims on those answers were set aside, never judged.
    written = tomllib.loads((bare / "labreport.toml").read_text())["service"]["endpoints"]
    assert written == ["/", "/health", "/quote", "/quote/1", "/quote/9"]
    assert "check: added the paths the report asks to the endpoints: /quote/1, /quote/9" in out


def test_a_project_file_of_the_persons_own_is_not_amended(
    bare: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check, "_step", lambda command, repo: 0)
    own = (EXAMPLE / "labreport.toml").read_text().replace('"/quote/1", ', "")
    (bare / "labreport.toml").write_text(own)
    assert main(["check", str(bare)]) == 0
    assert (bare / "labreport.toml").read_text() == own
    assert "added the paths" not in capsys.readouterr().out


def test_a_measurement_that_left_no_data_stops_before_the_site(
    bare: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(check, "_step", lambda command, repo: asked.append(command[0]) or 1)
    assert main(["check", str(bare)]) == 1
    assert asked == ["measure"]
    assert "check: nothing could be measured" in capsys.readouterr().err
