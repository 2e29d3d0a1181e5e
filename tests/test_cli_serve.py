"""`labreport serve`: serves at once, re-measures in the background, reloads, stops cleanly.

The port check, the switch, and stopping with stand-in children (the lock: tests/test_lock.py;
the whole thing through the real engine: tests/test_cli_serve_docker.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from labreport.cli import serve as serve_command
from labreport.cli.serve import options_from, port_in_use
from labreport.contract.status import STATUS_FILE

REPO = Path(__file__).resolve().parents[1]


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


def test_another_project_serves_its_own_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--project DIR` serves DIR's mkdocs.yml, or else the generic pages staged for the while."""
    from labreport.contract.project import load
    from records_example import EXAMPLE

    monkeypatch.setattr(serve_command, "ROOT", EXAMPLE)
    monkeypatch.setattr(serve_command, "PROJECT", load(EXAMPLE / "labreport.toml"))
    with serve_command._site_config() as (config, cwd):
        staged = config
        assert (
            config.name == "mkdocs.yml"
            and config.parent != EXAMPLE
            and (config.parent / "docs" / "ledger.md").is_file()
        )
        assert "quote-service" in config.read_text(encoding="utf-8")
    assert not staged.exists()  # the staging folder goes when serve ends
    own = tmp_path / "mkdocs.yml"
    own.write_text("site_name: own\n", encoding="utf-8")
    monkeypatch.setattr(serve_command, "ROOT", tmp_path)
    with serve_command._site_config() as (config, cwd):
        assert (config, cwd) == (own, tmp_path)


# -- stopping, with stand-in children ---------------------------------------------------------
# The children are small scripts that behave as the real ones do on a signal: the measurement cleans
# up on SIGTERM only (it inherits an ignored SIGINT from an `&` job), `mkdocs serve` on Ctrl-C only.
# The real ones are stopped the same way in tests/test_serve_stop_docker.py.

MEASUREMENT_STANDIN = """
import os, signal, sys, time
log = open(sys.argv[1], "a", buffering=1)
got = []
def note(signum, frame):
    got.append(signum)
    log.write(f"measure got {signal.Signals(signum).name}\\n")
signal.signal(signal.SIGTERM, note)
if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
    signal.signal(signal.SIGINT, note)
log.write(f"measure ready {os.getpid()}\\n")
while signal.SIGTERM not in got:
    time.sleep(0.05)
log.write("measure cleaning\\n")
time.sleep(2)
log.write("measure cleaned\\n")
sys.exit(130)
"""
STUBBORN_MEASUREMENT = """
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
helper = subprocess.Popen(["sleep", "300"])
open(sys.argv[1], "a").write(f"measure ready {os.getpid()} {helper.pid}\\n")
time.sleep(300)
"""
SITE_STANDIN = """
import os, sys, time
log = open(sys.argv[1], "a", buffering=1)
log.write(f"site ready {os.getpid()}\\n")
time.sleep(1)  # a first build: the measurement must wait for the site to answer
log.write("site serving\\n")
open(sys.argv[1] + ".serving", "w").close()
try:
    time.sleep(120)
except KeyboardInterrupt:
    log.write("site cleaned\\n")
"""
SUPERVISOR = """
import os, sys
from labreport.cli import stop_on_signals
from labreport.cli.serve import supervise
log, site, measurement, seconds = sys.argv[1:]
stop_on_signals()
open(log, "a").write(f"supervisor ready {os.getpid()}\\n")
children = ([sys.executable, "-c", open(path).read(), log] for path in (site, measurement))
sys.exit(supervise(
    *children, environment=dict(os.environ), measure_stop_seconds=float(seconds),
    site_ready=lambda: os.path.exists(log + ".serving"),
))
"""


def _alive(pid: int) -> bool:
    """Zombies count as gone: they hold no resources but a table entry until reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _ready_pids(log: Path) -> list[int]:
    """The pids the supervisor and its stand-ins wrote on their "ready" lines (the stubborn
    measurement adds its own child's)."""
    lines = log.read_text().splitlines() if log.exists() else []
    return [int(word) for line in lines if " ready " in line for word in line.split()[2:]]


@pytest.fixture
def stand_ins(tmp_path: Path) -> Iterator[Path]:
    """The log the stand-ins write to; whatever of them a failed test left running is killed after it."""
    log = tmp_path / "children.log"
    yield log
    for pid in _ready_pids(log):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _supervise(
    log: Path, measurement: str, *, ignore_sigint: bool, stop_seconds: float = 60.0
) -> tuple[subprocess.Popen[str], Path]:
    tmp_path = log.parent
    scripts = {"site.py": SITE_STANDIN, "measurement.py": measurement}
    for name, code in scripts.items():
        (tmp_path / name).write_text(code)
    arguments = [str(log), *(str(tmp_path / name) for name in scripts), str(stop_seconds)]
    started = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, *arguments],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
        # As a shell starts an `&` job: SIGINT ignored, inherited by everything it starts.
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None,
    )  # fmt: skip
    _wait_for(lambda: log.exists() and log.read_text().count(" ready ") == 3, 15, "both children started")
    return started, log


@pytest.mark.parametrize(
    ("stop", "ignore_sigint"),
    [
        pytest.param(signal.SIGTERM, True, id="SIGTERM-to-an-&-job"),
        pytest.param(signal.SIGINT, False, id="ctrl-c"),
    ],
)
def test_a_stop_waits_for_the_measurements_clean_up_however_often_it_is_repeated(
    stand_ins: Path, stop: signal.Signals, ignore_sigint: bool
) -> None:
    supervisor, log = _supervise(stand_ins, MEASUREMENT_STANDIN, ignore_sigint=ignore_sigint)
    began = time.monotonic()
    supervisor.send_signal(stop)
    _wait_for(lambda: "measure cleaning" in log.read_text(), 30, "the measurement began its clean-up")
    for _ in range(2):  # an impatient supervisor or user, while the clean-up runs
        supervisor.send_signal(stop)
        time.sleep(0.2)
    _, errors = supervisor.communicate(timeout=20)
    took = time.monotonic() - began
    assert supervisor.returncode == 0, errors
    lines = [line for line in log.read_text().splitlines() if "ready" not in line and "serving" not in line]
    # One SIGTERM reached the measurement, which finished its 2 s clean-up before the site stopped.
    assert lines == ["measure got SIGTERM", "measure cleaning", "measure cleaned", "site cleaned"], errors
    # Below the 60 s stop allowance: the clean-up was waited for, not sat out (a loaded CI runner
    # starts Python slowly, so the bound leaves room for that).
    assert 2.0 <= took < 30.0
    assert "still cleaning up" in errors
    assert "killing" not in errors


def test_the_measurement_starts_once_the_site_answers(stand_ins: Path) -> None:
    """mkdocs serve watches the data folder only once it serves: a status written before that would
    reach no page until the next one (CI once waited a whole build step for the banner)."""
    supervisor, log = _supervise(stand_ins, MEASUREMENT_STANDIN, ignore_sigint=False)
    supervisor.send_signal(signal.SIGINT)
    supervisor.communicate(timeout=20)
    lines = log.read_text().splitlines()
    served = lines.index("site serving")
    started = next(index for index, line in enumerate(lines) if line.startswith("measure ready"))
    assert served < started, lines


def test_a_measurement_that_ignores_sigterm_is_killed_with_its_session(stand_ins: Path) -> None:
    supervisor, log = _supervise(stand_ins, STUBBORN_MEASUREMENT, ignore_sigint=True, stop_seconds=1.0)
    helper = int(next(line for line in log.read_text().splitlines() if "measure ready" in line).split()[-1])
    supervisor.send_signal(signal.SIGTERM)
    _, errors = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0, errors
    assert "the measurement did not stop within 1 s of SIGTERM: killing it" in errors
    _wait_for(lambda: not _alive(helper), 5, "the measurement's own child was killed with it")
    assert "site cleaned" in log.read_text()


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
