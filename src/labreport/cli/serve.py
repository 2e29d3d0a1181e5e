"""`labreport serve`: the site at once from the recorded data, a re-measurement in the background,
and a reload when the new data lands.

Two child processes, each in its own session so that a terminal's Ctrl-C reaches them only through
us: `mkdocs serve` (which watches the data folder, so a new data file or status file rebuilds every
page) and `labreport measure` (which skips the work when the inputs are current, says so when no
engine answers, and writes its progress to the status file the banner reads). Neither wing is
imported here: the two talk only through the data file and the status file.

Stopping (Ctrl-C, or SIGTERM from a supervisor: `cli.stop_on_signals` turns both into
KeyboardInterrupt once, and only notes any later one) stops the measurement first and waits for its
own clean-up, then the site. The measurement gets SIGTERM, never SIGINT: a job a shell starts with
`&` has SIGINT ignored, the measurement inherits that, and SIGTERM is the one signal it always turns
into its clean-up.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..contract.project import PROJECT_ENV
from ..contract.schema import DATA_FILE
from ..contract.status import STATUS_FILE
from ..contract.variants import PROJECT, PROJECT_PATH, REPO_ROOT, ROOT
from ..measure.polling import poll
from .outcomes import OUTCOMES

#: What serve says when its background `labreport measure` ends with each exit code.
MEASURE_OUTCOMES = {outcome.code: outcome.serve_says for outcome in OUTCOMES if outcome.serve_says}
#: How long a measurement may take to clean up after SIGTERM before it is killed: it waits for the
#: daemon to finish the build step in flight (at most 60 s), then removes its containers and images.
MEASURE_STOP_SECONDS = 120.0
#: How long `mkdocs serve` may take to remove its temporary site after Ctrl-C.
SITE_STOP_SECONDS = 10.0
#: How long the measurement waits for the site to answer before it starts anyway: a first build with
#: every figure drawn takes seconds, a loaded runner's a minute.
SITE_READY_SECONDS = 120.0


@dataclass(frozen=True, kw_only=True)
class ServeOptions:
    port: int = 8000
    data: Path = DATA_FILE
    status: Path = STATUS_FILE
    measure: bool = True
    measure_args: tuple[str, ...] = ()


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the site at once; re-measure in the background when the inputs changed",
        description="Serves the site from the recorded data at once and runs `labreport measure` in the "
        "background (SERVE_MEASURE=0 turns it off); the pages reload when the data or status changes. "
        "Ctrl-C or SIGTERM stops the measurement with SIGTERM, waits for its clean-up, then stops the site.",
    )
    parser.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default 8000)")
    parser.add_argument("--data", type=Path, default=None, help="the data file to serve and re-measure")
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project file, or its folder, to serve and re-measure (default: ./labreport.toml, else "
        "this repository's); its own mkdocs.yml, else the generic pages",
    )
    parser.add_argument(
        "--measure-args",
        default="",
        metavar="ARGS",
        help='options for the background measure, e.g. "--repeat 1"',
    )


def run(arguments: argparse.Namespace) -> int:
    return serve(options_from(arguments.port, shlex.split(arguments.measure_args), arguments.data))


def port_in_use(port: int) -> bool:
    try:
        socket.create_server(("127.0.0.1", port)).close()
    except OSError:
        return True
    return False


def _answers(port: int) -> bool:
    """Whether something accepts connections on the port (binding to try, as port_in_use does,
    could take the port from under a server about to bind it)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _say(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


def _ctrl_c_restored() -> None:
    """Run in the site's child before exec: `mkdocs serve` removes its temporary site only on
    KeyboardInterrupt, which an inherited ignored SIGINT (an `&` job) would make impossible."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(process: subprocess.Popen[bytes] | None, how: signal.Signals, seconds: float, name: str) -> None:
    """`how` first, so the child cleans up; after `seconds`, SIGKILL to its whole session (a
    measurement's docker CLI with it)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(how)
    deadline = time.monotonic() + seconds
    while True:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
            return
        except KeyboardInterrupt:
            continue  # stopped again while stopping: the clean-up under way still runs to its end
        except subprocess.TimeoutExpired:
            break
    _say(f"{name} did not stop within {seconds:.0f} s of {how.name}: killing it")
    with contextlib.suppress(ProcessLookupError):  # its session is its own: pgid == pid
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def supervise(
    site_command: Sequence[str],
    measure_command: Sequence[str] | None,
    *,
    environment: Mapping[str, str],
    measure_stop_seconds: float = MEASURE_STOP_SECONDS,
    cwd: Path = REPO_ROOT,
    site_ready: Callable[[], bool] = lambda: True,
) -> int:
    """Runs the site (and the measurement, unless None) until the site exits or we are stopped.

    The measurement starts once `site_ready` says the site answers: `mkdocs serve` watches the data
    folder only from then on, and a status the measurement wrote during the first build would
    otherwise reach no page until its next one (a minute later, in a long build step).

    0 after a stop (KeyboardInterrupt: Ctrl-C or SIGTERM), the site's exit status otherwise."""
    site: subprocess.Popen[bytes] | None = None
    measurement: subprocess.Popen[bytes] | None = None
    try:
        site = subprocess.Popen(
            site_command, cwd=cwd, env=environment, start_new_session=True, preexec_fn=_ctrl_c_restored
        )
        running = site
        if measure_command is None:
            _say("background measurement off (SERVE_MEASURE=0)")
        else:
            answering = lambda: True if site_ready() or running.poll() is not None else None  # noqa: E731
            poll(answering, SITE_READY_SECONDS, interval=0.2)
            if running.poll() is None:  # a site that already exited is reported below
                measurement = subprocess.Popen(
                    measure_command, cwd=REPO_ROOT, env=environment, start_new_session=True
                )
                _say("checking the inputs in the background; a re-measurement reloads the pages when done")

        def site_exited() -> int | None:
            nonlocal measurement
            if measurement is not None and measurement.poll() is not None:
                code = measurement.returncode
                _say(MEASURE_OUTCOMES.get(code, f"the measurement exited {code}; the banner says why"))
                measurement = None
            return running.poll()

        poll(site_exited, math.inf, interval=0.2)  # until the site exits, or a stop interrupts
        _say(f"mkdocs serve exited {site.returncode}")
        return site.returncode or 1
    except KeyboardInterrupt:
        if measurement is not None and measurement.poll() is None:
            _say("stopping the background measurement (it removes what it started)")
        return 0
    finally:
        # The measurement first: the site goes on showing its banner while it cleans up.
        _stop(measurement, signal.SIGTERM, measure_stop_seconds, "the measurement")
        _stop(site, signal.SIGINT, SITE_STOP_SECONDS, "mkdocs serve")


def serve(options: ServeOptions) -> int:
    if port_in_use(options.port):
        _say(f"port {options.port} is in use: pick another (make serve PORT={options.port + 1})")
        return 1
    environment = {
        **os.environ,
        "LABREPORT_DATA": str(options.data),
        "LABREPORT_STATUS": str(options.status),
        # Both children start in another folder than ours: name the project, not ./labreport.toml.
        PROJECT_ENV: str(PROJECT_PATH),
        "NO_MKDOCS_2_WARNING": "1",
        # site_url names the Pages address, and mkdocs serve would mount the site under its path:
        # locally the site lives at the root of the port.
        "LABREPORT_SITE_URL": f"http://127.0.0.1:{options.port}/",
    }
    with _site_config() as (config, cwd):
        return _serve(options, environment, config, cwd)


@contextlib.contextmanager
def _site_config() -> Iterator[tuple[Path, Path]]:
    """The project's own mkdocs.yml and its folder, else the generic pages staged for the while."""
    own = ROOT / "mkdocs.yml"
    if own.is_file():
        yield own, ROOT
        return
    from ..report.site import generic

    with tempfile.TemporaryDirectory(prefix="labreport-pages-") as staging:
        folder = Path(staging)
        yield generic.stage(PROJECT, ROOT, folder, folder / "site"), REPO_ROOT


def _serve(options: ServeOptions, environment: dict[str, str], config: Path, cwd: Path) -> int:
    bin_dir = Path(sys.executable).parent
    site_command = [
        str(bin_dir / "mkdocs"),
        "serve",
        "--config-file",
        str(config),
        "-a",
        f"127.0.0.1:{options.port}",
        "--watch",
        str(options.data.parent),
    ]
    measure_command = [
        sys.executable,
        "-m",
        "labreport",
        "measure",
        "--plain",
        "--output",
        str(options.data),
        "--status-file",
        str(options.status),
        *options.measure_args,
    ]
    _say(f"serving the recorded data on http://127.0.0.1:{options.port}")
    measuring = measure_command if options.measure else None
    return supervise(
        site_command, measuring, environment=environment, cwd=cwd, site_ready=lambda: _answers(options.port)
    )


def options_from(port: int, measure_args: Sequence[str], data: Path | None = None) -> ServeOptions:
    """SERVE_MEASURE=0 turns the background measurement off; the data file is the project's
    (data/measurements.json in its folder) unless chosen, and its status file lies beside it."""
    chosen = data or DATA_FILE
    status = STATUS_FILE if chosen == DATA_FILE else chosen.with_name(STATUS_FILE.name)
    return ServeOptions(
        port=port,
        data=chosen,
        status=status,
        measure=os.environ.get("SERVE_MEASURE", "1") != "0",
        measure_args=tuple(measure_args),
    )
