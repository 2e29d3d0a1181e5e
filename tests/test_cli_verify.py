"""`labreport verify`'s lines and exit codes: one line per figure, the differences named on stderr,
2 for a bad data file and 3, in one line, when no engine answers. The real engine, after a fresh
measurement: tests/test_docker.py."""

from __future__ import annotations

import functools
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_docker_cli import FakeDockerCLI, recorded_image
from labreport import cli
from labreport.contract.schema import Measurements
from labreport.measure import witness
from records import write_data
from test_witness import recorded_data


@pytest.fixture(autouse=True)
def _restore_stop_signals() -> Iterator[None]:
    """cli.main installs SIGTERM and SIGINT handlers for the process; put pytest's back after each test."""
    handlers = {each: signal.getsignal(each) for each in (signal.SIGTERM, signal.SIGINT)}
    yield
    for each, handler in handlers.items():
        signal.signal(each, handler)


@pytest.fixture
def recorded_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's witness answers from the recorded CLI output, not from an engine."""
    fake = functools.partial(witness.witness, docker=FakeDockerCLI())
    monkeypatch.setattr("labreport.cli.verify.witness", fake)


def verify(tmp_path: Path, data: Measurements) -> int:
    return cli.main(["verify", "--data", str(write_data(data, tmp_path / "m.json"))])


@pytest.mark.usefixtures("recorded_engine")
def test_every_figure_gets_a_line_and_the_summary_counts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(tmp_path, recorded_data()) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""
    assert (
        lines[0].startswith(f"{tmp_path / 'm.json'}: measured ") and "this engine: 20.10.24+dfsg1" in lines[0]
    )
    assert "  agrees   /images/0/size  9163713 bytes" in lines
    assert "  agrees   /images/0/layers  20 layers" in lines
    assert "  agrees   /images/0/layers/14/size  6434964 bytes" in lines
    figures = [line for line in lines if line.startswith("  agrees ")]
    assert len(figures) == 2 + 20 + 3 + 1 + 10
    assert lines[-1] == f"{len(figures)} figure(s) checked: {len(figures)} agree, 0 differ"
    assert "  $ docker image inspect --format '{{.Size}}' " + recorded_image().image_id in lines


@pytest.mark.usefixtures("recorded_engine")
def test_a_byte_more_and_a_layer_less_exit_1_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = recorded_image()
    changed = image.model_copy(
        update={"size": image.size + 1, "layers": image.layers[:11] + image.layers[12:]}
    )
    assert verify(tmp_path, recorded_data(images=[changed])) == 1
    out, err = capsys.readouterr()
    assert "  DIFFERS  /images/0/size  recorded 9163714 bytes; on this engine 9163713 bytes" in out
    assert "  DIFFERS  /images/0/layers  recorded 19 layers; on this engine 20 layers" in out
    assert "  DIFFERS  /images/0/layers  recorded no such layer; on this engine layer 11, " in out
    assert out.splitlines()[-1] == "36 figure(s) checked: 33 agree, 3 differ"
    assert err == "labreport: 3 figure(s) differ from this engine: /images/0/size, /images/0/layers\n"


@pytest.mark.usefixtures("recorded_engine")
def test_data_measured_elsewhere_is_exit_0_and_says_nothing_could_be_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = recorded_image().model_copy(update={"image_id": "sha256:" + "ab" * 32})
    data = recorded_data(images=[elsewhere], rebuild=None)
    base = data.provenance.bases[0].model_copy(update={"image_id": "sha256:" + "cd" * 32})
    data = data.model_copy(update={"provenance": data.provenance.model_copy(update={"bases": [base]})})
    assert verify(tmp_path, data) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("0 figure(s) checked: 0 agree, 0 differ; 2 image(s) not on this engine. ")
    assert "measured elsewhere" in last and "`make measure`, then `labreport verify`" in last


def test_no_engine_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    assert verify(tmp_path, recorded_data()) == 3
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith("labreport: no Docker engine answers the docker CLI (") and "DOCKER_HOST" in err


def test_no_docker_cli_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LABREPORT_DOCKER_CLI", str(tmp_path / "no-such-docker"))
    assert verify(tmp_path, recorded_data()) == 3
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "docker CLI cannot be run" in err and "no-such-docker" in err


def test_a_missing_data_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["verify", "--data", str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert err == f"labreport: {tmp_path / 'none.json'}: missing; run `make measure` to create it\n"
