"""Stopping through the real engine, the way a supervisor stops us: SIGTERM to `labreport measure`
started as serve starts it, and to `labreport serve` started as a shell's `&` job (SIGINT ignored),
each in the middle of a forced re-measurement. Witnesses: /proc for the processes, the docker CLI
for containers and dangling images, the data file's bytes.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labreport.contract.schema import DATA_FILE
from labreport.contract.status import STATUS_FILE, read_status
from labreport.contract.variants import BUILDER_REF

REPO = Path(__file__).resolve().parents[1]
FORCED_RUN = ("--force", "--only", "alpine", "--no-publish", "--repeat", "1")
#: Issue 23's bar: everything gone within 20 s of SIGTERM.
STOP_SECONDS = 20.0

pytestmark = pytest.mark.docker


@pytest.fixture(autouse=True)
def _engine_tidied() -> Iterator[None]:
    """A safety net, not a check: containers and dangling images a failed test left are removed."""
    containers, dangling = _engine_state()
    yield
    after_containers, after_dangling = _engine_state()
    for command, left in (("rm", after_containers - containers), ("rmi", after_dangling - dangling)):
        if left:
            subprocess.run(["docker", command, "-f", *sorted(left)], capture_output=True, check=False)


def _wait_for(check: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds:.0f} s")


def _docker_ids(*arguments: str) -> set[str]:
    listed = subprocess.run(
        ["docker", *arguments, "-q", "--no-trunc"], capture_output=True, text=True, check=True
    )
    return set(listed.stdout.split())


def _engine_state() -> tuple[set[str], set[str]]:
    """Every container (labelled or not: the legacy builder's step containers carry no label) and
    every dangling image."""
    return _docker_ids("ps", "-a"), _docker_ids("images", "-f", "dangling=true")


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent, session) of every live process; a zombie holds nothing and counts as gone."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():  # /proc/self, /proc/sys, ...
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), int(fields[3]))
    return found


def _in_phase(status_file: Path, prefix: str) -> bool:
    status = read_status(status_file)
    return status is not None and status.state == "running" and status.phase.startswith(prefix)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _without_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_measure_started_as_serve_starts_it_stops_on_sigterm_and_leaves_nothing(tmp_path: Path) -> None:
    """Its own session, SIGINT ignored as in an `&` job, SIGTERM while a build step is in flight,
    and a second SIGTERM while it cleans up."""
    # Without the builder stage's image the builder build compiles for real: a step is in flight
    # (its container, unlabelled) when SIGTERM comes, and the daemon is still removing it when
    # the run cleans up, whatever the tests before left in the build cache.
    subprocess.run(["docker", "rmi", "-f", BUILDER_REF], capture_output=True, check=False)
    containers, dangling = _engine_state()
    output, status_file = tmp_path / "m.json", tmp_path / "status.json"
    command = ["measure", "--plain", "--output", str(output), "--status-file", str(status_file), *FORCED_RUN]
    with (tmp_path / "measure.log").open("w") as log:
        measurement = subprocess.Popen(
            [sys.executable, "-m", "labreport", *command], cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_without_sigint,
        )  # fmt: skip
    try:
        _wait_for(lambda: _in_phase(status_file, "builds"), 300, "the measurement reached its builds")
        _wait_for(lambda: _docker_ids("ps", "-a") - containers, 60, "a build step's container appeared")
        time.sleep(3)  # the step under way, which the daemon ends after its client has gone
        began = time.monotonic()
        measurement.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        measurement.send_signal(signal.SIGTERM)
        code = measurement.wait(timeout=120)
        took = time.monotonic() - began
    finally:
        if measurement.poll() is None:  # a failed check: let it clean the engine up, then insist
            measurement.terminate()
            try:
                measurement.wait(timeout=150)
            except subprocess.TimeoutExpired:
                measurement.kill()
        print((tmp_path / "measure.log").read_text())
    print(f"measure stopped {took:.1f} s after SIGTERM")
    assert "clean-up:" not in (tmp_path / "measure.log").read_text()  # each step of it ran
    assert code == 130
    assert took < STOP_SECONDS
    assert not output.exists()
    status = read_status(status_file)
    assert status is not None and status.state == "interrupted"
    after_containers, after_dangling = _engine_state()
    assert after_containers - containers == set()
    assert after_dangling - dangling == set()
    time.sleep(3)  # and nothing the daemon was still finishing shows up after the run has gone
    assert _engine_state() == (after_containers, after_dangling)


def test_serve_as_a_background_job_stops_on_sigterm_within_20_s_and_keeps_the_data(tmp_path: Path) -> None:
    """A script starts serve with `&` (so SIGINT is ignored) and a supervisor sends SIGTERM 20 s into a
    forced re-measurement: serve, mkdocs serve, the measurement and its docker CLI are gone within
    20 s, no container or dangling image is left, and the data file is byte for byte what it was."""
    data = tmp_path / "data" / "measurements.json"
    data.parent.mkdir()
    shutil.copyfile(DATA_FILE, data)
    recorded = data.read_bytes()
    containers, dangling = _engine_state()
    serve = shlex.join([sys.executable, "-m", "labreport", "serve", "--port", str(_free_port()),
                        "--data", str(data), "--measure-args", shlex.join(FORCED_RUN)])  # fmt: skip
    log = tmp_path / "serve.log"
    script = f"{serve} >{shlex.quote(str(log))} 2>&1 &\necho $!\nwait\n"
    shell = subprocess.Popen(["bash", "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert shell.stdout is not None
    serve_pid = int(shell.stdout.readline())
    sessions: set[int] = set()
    try:
        _wait_for(lambda: _in_phase(data.with_name(STATUS_FILE.name), ""), 120, "the re-measurement began")
        sessions = {pid for pid, (parent, _) in _processes().items() if parent == serve_pid}
        assert len(sessions) == 2, "serve runs mkdocs serve and the measurement, each in its own session"
        time.sleep(20)
        began = time.monotonic()
        os.kill(serve_pid, signal.SIGTERM)
        deadline = began + STOP_SECONDS
        while _left(serve_pid, sessions) and time.monotonic() < deadline:
            time.sleep(0.1)
        took = time.monotonic() - began
        left = _left(serve_pid, sessions)
    finally:
        _stop_what_is_left(serve_pid, sessions)
        shell.wait(timeout=10)  # the script's `wait` returns once serve has gone
        print(log.read_text())
    print(f"serve and its children gone {took:.1f} s after SIGTERM")
    assert left == set(), f"still running {STOP_SECONDS:.0f} s after SIGTERM: {sorted(left)}"
    assert data.read_bytes() == recorded
    after_containers, after_dangling = _engine_state()
    assert after_containers - containers == set()
    assert after_dangling - dangling == set()


def _left(serve_pid: int, sessions: set[int]) -> set[int]:
    """serve itself and every process in its children's sessions (a docker CLI a measurement runs)."""
    return {pid for pid, (_, session) in _processes().items() if pid == serve_pid or session in sessions}


def _stop_what_is_left(serve_pid: int, sessions: set[int]) -> None:
    """After a failed check: SIGTERM to whatever still runs, so it cleans up the engine, then SIGKILL."""
    for how, seconds in ((signal.SIGTERM, 150.0), (signal.SIGKILL, 5.0)):
        for pid in _left(serve_pid, sessions):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, how)
        with contextlib.suppress(AssertionError):
            _wait_for(lambda: not _left(serve_pid, sessions), seconds, "everything stopped")
