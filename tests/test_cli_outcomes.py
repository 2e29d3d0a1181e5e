"""The one table of exit codes: `--help` lists it, `main` exits by it, serve speaks by it."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from labreport import cli
from labreport.cli import outcomes
from labreport.cli.serve import MEASURE_OUTCOMES


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def test_help_lists_every_exit_code_once(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    codes = [outcome.code for outcome in outcomes.OUTCOMES]
    assert len(set(codes)) == len(codes)
    for outcome in outcomes.OUTCOMES:
        assert f"{outcome.code} {outcome.meaning}" in shown


def test_a_command_error_exits_with_its_own_code(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # Bad usage is raised deep in the measure command and read by main alone.
    assert cli.main(["measure", "--repeat", "0", "--output", str(tmp_path / "m.json")]) == 2
    error = capfd.readouterr().err
    assert error.startswith("labreport: ") and error.count("\n") == 1


def test_serve_says_what_main_means_by_an_exit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """No engine: main's real exit code is the one serve's table has the no-engine line for."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(name, raising=False)
    code = cli.main(["measure", "--force", "--plain", "--output", str(tmp_path / "m.json")])
    capfd.readouterr()
    assert code == outcomes.NO_ENGINE.code == 3
    assert MEASURE_OUTCOMES[code].startswith("no Docker engine answers")
    assert set(MEASURE_OUTCOMES) == {0, 1, 3, 5, 130}
