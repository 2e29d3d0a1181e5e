"""`labreport serve`: serves at once, re-measures in the background, reloads, stops cleanly.

The fast tests cover the port check, the switch and the lock; the real-engine tests start the
whole thing (mkdocs serve + a background measurement of the primary variant) on a copy of the data.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from labreport.cli.serve import options_from, port_in_use
from labreport.contract.inputs import inputs_hash
from labreport.contract.schema import DATA_FILE
from labreport.contract.status import STATUS_FILE, read_status
from labreport.measure.lock import LockHeld, lock_path, measurement_lock

REPO = Path(__file__).resolve().parents[1]
SMALL_RUN = "--only alpine --no-publish --repeat 1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _labreport(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labreport", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )  # type: ignore[call-overload]


# -- fast ------------------------------------------------------------------------------------


def test_a_port_in_use_is_one_line_and_exit_1() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert port_in_use(port)
        result = _labreport("serve", "--port", str(port), env={**os.environ, "SERVE_MEASURE": "0"})
    assert result.returncode == 1
    assert f"port {port} is in use" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_measure_0_turns_the_background_measurement_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVE_MEASURE", "0")
    assert not options_from(8000, []).measure
    monkeypatch.setenv("SERVE_MEASURE", "1")
    assert options_from(8000, []).measure


def test_a_data_file_elsewhere_keeps_its_status_beside_it(tmp_path: Path) -> None:
    assert options_from(8000, []).status == STATUS_FILE
    elsewhere = options_from(8000, [], tmp_path / "m.json")
    assert elsewhere.status == tmp_path / STATUS_FILE.name
    assert elsewhere.data == tmp_path / "m.json"


def test_the_lock_admits_one_holder_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "engine.lock"
    with measurement_lock(path), pytest.raises(LockHeld, match=f"pid {os.getpid()}"), measurement_lock(path):
        pass
    with measurement_lock(path):  # released: free again
        pass


def test_a_second_measurement_exits_5_and_says_who_holds_the_lock(tmp_path: Path) -> None:
    """Two concurrent measurements on one engine: the second stops before touching anything. The
    engine's address is a private one, so a real measurement running elsewhere does not interfere."""
    address = f"unix://{tmp_path}/docker.sock"
    output = tmp_path / "m.json"
    with measurement_lock(lock_path(address)):
        result = _labreport("measure", "--force", "--output", str(output), "--only", "alpine",
                            env={**os.environ, "DOCKER_HOST": address})  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert f"pid {os.getpid()}" in result.stderr
    assert not output.exists()


def test_a_dead_holder_frees_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "engine.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom labreport.measure.lock import measurement_lock\n"
            f"with measurement_lock(__import__('pathlib').Path({str(path)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld), measurement_lock(path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with measurement_lock(path):
        pass


# -- through the real engine -----------------------------------------------------------------


@pytest.fixture
def stale_copy(tmp_path: Path) -> Path:
    """The committed data with another inputs hash: to serve, it is data whose inputs changed."""
    recorded = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    recorded["provenance"]["inputs_hash"] = "0" * 16
    copy = tmp_path / "data" / "measurements.json"
    copy.parent.mkdir()
    copy.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")
    return copy


@pytest.fixture
def serving(stale_copy: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "labreport", "serve", "--port", str(port), "--data", str(stale_copy),
             "--measure-args", SMALL_RUN],
            cwd=REPO, env={**os.environ, "SERVE_MEASURE": "1"}, stdout=output,
            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=180)
        print(log.read_text())  # shown by pytest when the test failed


def _page(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/testing/", timeout=5) as response:
        return str(response.read().decode())


def _wait_for(check: object, seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()  # type: ignore[operator]
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"{what} within {seconds:.0f} s")


def _labelled_containers() -> list[str]:
    listed = subprocess.run(
        ["docker", "ps", "-aq", "--filter", "label=org.labreport.managed"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


@pytest.mark.docker
def test_serve_answers_at_once_shows_progress_and_reloads_with_new_figures(
    serving: tuple[subprocess.Popen[str], int], stale_copy: Path
) -> None:
    process, port = serving
    started = time.monotonic()
    _wait_for(lambda: _page(port), 10, "the first page answered")
    assert time.monotonic() - started < 10
    _wait_for(lambda: "Re-measuring" in _page(port), 60, "the banner reported the measurement's progress")
    current = inputs_hash()
    _wait_for(
        lambda: json.loads(stale_copy.read_text())["provenance"]["inputs_hash"] == current,
        600,
        "the measurement replaced the data file",
    )
    _wait_for(
        lambda: current in _page(port) and "Re-measuring" not in _page(port),
        60,
        "the page showed the new figures",
    )
    status = read_status(stale_copy.with_name(STATUS_FILE.name))
    assert status is not None and status.state in ("done", "failed")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert _labelled_containers() == []


@pytest.mark.docker
def test_ctrl_c_mid_measure_leaves_nothing_and_keeps_the_data(
    serving: tuple[subprocess.Popen[str], int], stale_copy: Path
) -> None:
    process, _ = serving
    before = hashlib.sha256(stale_copy.read_bytes()).hexdigest()
    status_file = stale_copy.with_name(STATUS_FILE.name)

    def building() -> bool:
        status = read_status(status_file)
        return status is not None and status.state == "running" and status.phase.startswith("build")

    _wait_for(building, 300, "the background measurement reached its builds")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=180) == 0
    assert hashlib.sha256(stale_copy.read_bytes()).hexdigest() == before
    assert _labelled_containers() == []
    status = read_status(status_file)
    assert status is not None and status.state == "interrupted"
