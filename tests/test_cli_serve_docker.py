"""`labreport serve` through the real engine: the whole thing (mkdocs serve and a background
measurement) on a copy of the data whose inputs changed; it answers at once, shows progress,
reloads with the new figures, and Ctrl-C mid-measurement leaves nothing. Marked `docker`.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from labreport.contract.inputs import inputs_hash
from labreport.contract.schema import DATA_FILE
from labreport.contract.status import STATUS_FILE, read_status
from labreport.measure.cache import ENVIRONMENT as ANALYSES
from test_cli_serve import _free_port, _wait_for

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[1]
# What serve re-measures here is beside the point (tests/test_docker.py measures every variant):
# one variant that builds, starts and answers, and has no build timings, which take a minute.
SMALL_RUN = "--only distroless --no-publish --repeat 1"


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
def serving(
    stale_copy: Path, tmp_path: Path, session_analysis_cache: Path
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """serve on the stale copy; its background run shares the session's analyses (conftest.py)."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "labreport", "serve", "--port", str(port), "--data", str(stale_copy),
             "--measure-args", SMALL_RUN],
            cwd=REPO, env={**os.environ, "SERVE_MEASURE": "1", ANALYSES: str(session_analysis_cache)},
            stdout=output,
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


def _labelled_containers() -> list[str]:
    listed = subprocess.run(
        ["docker", "ps", "-aq", "--filter", "label=org.labreport.managed"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


def test_serve_answers_at_once_shows_progress_and_reloads_with_new_figures(
    serving: tuple[subprocess.Popen[str], int], stale_copy: Path
) -> None:
    process, port = serving
    started = time.monotonic()
    # Served from the recorded data before any measuring: seconds, not the minutes a measurement takes
    # (30 s leaves room for a first build with every figure drawn on a loaded 2-core runner).
    _wait_for(lambda: _page(port), 30, "the first page answered")
    assert time.monotonic() - started < 30
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
