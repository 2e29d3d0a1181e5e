"""Unit tests of the command line: usage errors, exit codes, no engine needed."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from labreport import cli
from labreport.cli import check_data
from labreport.contract import schema
from labreport.measure.engine import Engine
from records import fake_measurements


@pytest.fixture(autouse=True)
def _restore_stop_signals() -> Iterator[None]:
    """cli.main installs SIGTERM and SIGINT handlers for the process; put pytest's back after each test."""
    handlers = {each: signal.getsignal(each) for each in (signal.SIGTERM, signal.SIGINT)}
    yield
    for each, handler in handlers.items():
        signal.signal(each, handler)


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> str:
    """A DOCKER_HOST that cannot answer, so nothing here reaches a real engine."""
    host = "unix:///nonexistent.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(name, raising=False)
    return host


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_cli_repeat_zero_is_bad_usage(
    no_engine: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["measure", "--repeat", "0", "--output", str(tmp_path / "m.json")]) == 2
    assert "--repeat" in capfd.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_cli_only_without_primary_into_the_site_data_is_bad_usage(
    no_engine: str, capfd: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["measure", "--only", "scratch"]) == 2
    assert "--output" in capfd.readouterr().err


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["--only", "scratch", "--output", "{tmp}/m.json"], id="only-with-output"),
        pytest.param(["--only", "alpine", "--only", "scratch"], id="only-with-primary"),
    ],
)
def test_cli_only_is_allowed_with_output_or_primary(
    no_engine: str, tmp_path: Path, arguments: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    # Past the usage check the run needs an engine; exit 3 shows the check let it through.
    assert cli.main(["measure", *(argument.format(tmp=tmp_path) for argument in arguments)]) == 3
    capfd.readouterr()


def test_cli_measure_without_an_engine_exits_3_with_one_line(
    no_engine: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "m.json"
    assert cli.main(["measure", "--force", "--plain", "--output", str(output)]) == 3
    captured = capfd.readouterr()
    errors = _lines(captured.err)
    assert len(errors) == 1, captured.err
    assert "dockerd" in errors[0] or "DOCKER_HOST" in errors[0]
    assert no_engine in errors[0]
    assert not output.exists()


@pytest.mark.parametrize("command", ["standins", "clean"])
def test_cli_engine_commands_without_an_engine_exit_3(
    no_engine: str, command: str, capfd: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([command]) == 3
    errors = _lines(capfd.readouterr().err)
    assert len(errors) == 1
    assert "DOCKER_HOST" in errors[0]


def _cached_entries(folder: Path) -> Path:
    """Two entries of the analysis cache, as a measurement leaves them, and a half-written one."""
    folder.mkdir(parents=True)
    for digit in "ab":
        (folder / f"sha256-{digit * 64}.json").write_text("{}")
    (folder / f".sha256-{'c' * 64}.json.tmp1").write_text("{")
    return folder


def test_cli_clean_clears_the_analysis_cache_with_the_images(
    analysis_cache: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from fake_engine import FakeEngineClient, FakeImageSpec

    variant = FakeImageSpec(layers=[], config={}, files=[])
    client = FakeEngineClient(bases={"devops-info-service:alpine": variant}, recipes={}, answers={})
    engine = Engine(client)
    monkeypatch.setattr(Engine, "connect", classmethod(lambda cls, base_url=None: engine))
    _cached_entries(analysis_cache)
    assert cli.main(["clean"]) == 0
    assert not analysis_cache.exists()
    assert "devops-info-service:alpine" in client.images.removed
    assert f"removed 2 cached analyses from {analysis_cache}" in _lines(capfd.readouterr().out)


def test_cli_clean_clears_the_analysis_cache_without_an_engine_too(
    no_engine: str, analysis_cache: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _cached_entries(analysis_cache)
    assert cli.main(["clean"]) == 3
    assert not analysis_cache.exists()
    assert _lines(capfd.readouterr().out) == [f"removed 2 cached analyses from {analysis_cache}"]


def test_cli_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    def interrupted(cls: type[Engine], base_url: str | None = None) -> Engine:
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "connect", classmethod(interrupted))
    assert cli.main(["clean"]) == 130
    assert "interrupted" in capfd.readouterr().err


def _point_check_data_at(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """check-data reads the loaded project's data file: point it at `path`."""
    monkeypatch.setattr(check_data, "project_data", lambda: path)


@pytest.mark.parametrize("content", [b"{", b'{"schema_version": 1}'], ids=["not-json", "missing-fields"])
def test_cli_check_data_on_a_corrupt_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "measurements.json"
    path.write_bytes(content)
    _point_check_data_at(monkeypatch, path)
    assert cli.main(["check-data"]) == 1
    captured = capfd.readouterr()
    errors = _lines(captured.err)
    assert len(errors) == 1, captured.err
    assert str(path) in errors[0]
    assert "valid" not in captured.out


def test_cli_check_data_on_a_valid_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "measurements.json"
    schema.save(fake_measurements(), path)
    _point_check_data_at(monkeypatch, path)
    assert cli.main(["check-data"]) == 0
    captured = capfd.readouterr()
    assert _lines(captured.out) == [f"{path}: valid"]
    assert captured.err == ""


def test_cli_help_mentions_every_subcommand(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # argparse would otherwise wrap (and hyphen-split) lines
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    listed = re.search(r"\{([a-z,-]+)\}", text)
    assert listed is not None, text
    commands = listed.group(1).split(",")
    assert {"measure", "standins", "clean", "check-data"} <= set(commands)
    for command in commands:  # each one listed with a description
        assert re.search(rf"^\s+{re.escape(command)}\s+\w", text, re.MULTILINE), command


def test_cli_measure_help_lists_the_options_and_variants(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        cli.main(["measure", "--help"])
    text = capsys.readouterr().out
    for option in ("--only", "--repeat", "--force", "--no-publish", "--output", "--plain"):
        assert option in text
    for variant in ("alpine", "single-stage", "scratch", "distroless", "as-reported", "cgo"):
        assert variant in text


def test_cli_write_schema_writes_the_schema_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "measurements.schema.json"
    monkeypatch.setattr(schema, "SCHEMA_FILE", target)
    assert cli.main(["write-schema"]) == 0
    assert target.read_text(encoding="utf-8") == schema.json_schema_text()
    assert str(target) in capfd.readouterr().out


def test_cli_unknown_variant_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["measure", "--only", "ubuntu"])
    assert exited.value.code == 2


@pytest.mark.parametrize("content", [None, b"{"], ids=["valid", "corrupt"])
def test_cli_check_data_reads_the_project_it_is_pointed_at(tmp_path: Path, content: bytes | None) -> None:
    """`--project DIR` checks DIR's data/measurements.json (run as a user runs it: the flag is read
    before the modules load the project)."""
    import os
    import shutil
    import subprocess
    import sys

    from records import write_data
    from records_example import EXAMPLE, example_measurements

    folder = tmp_path / "quote-service"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("data", "site"))
    data = write_data(example_measurements(), folder / "data" / "measurements.json")
    if content is not None:
        data.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "check-data", "--project", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[2])},
    )
    if content is None:
        assert (result.returncode, result.stdout) == (0, f"{data}: valid\n"), result.stderr
    else:
        assert result.returncode == 1 and len(_lines(result.stderr)) == 1 and str(data) in result.stderr


def test_another_projects_data_goes_beside_its_project_file() -> None:
    """`python -m labreport measure --project DIR` writes DIR/data/measurements.json, never this
    report's data: the flag is read before the module that places the data file is loaded."""
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[1] / "examples" / "quote-service"
    shown = subprocess.run(
        [sys.executable, "-m", "labreport", "measure", "--project", str(example), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(example / "data" / "measurements.json") in "".join(shown.split())
