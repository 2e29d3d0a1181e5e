"""`labreport serve`: the site at once from the recorded data, a re-measurement in the background,
and a reload when the new data lands.

Two child processes, each in its own session so that a Ctrl-C reaches them only through us, in
order: `mkdocs serve` (which watches the data folder, so a new data file or status file rebuilds
every page) and `labreport measure` (which skips the work when the inputs are current, says so when
no engine answers, and writes its progress to the status file the banner reads). Neither wing is
imported here: the two talk only through the data file and the status file.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from ..contract.schema import DATA_FILE
from ..contract.status import STATUS_FILE
from ..contract.variants import REPO_ROOT
from .outcomes import OUTCOMES

#: What serve says when its background `labreport measure` ends with each exit code.
MEASURE_OUTCOMES = {outcome.code: outcome.serve_says for outcome in OUTCOMES if outcome.serve_says}
#: How long a measurement may take to clean up (containers, images, registry) after Ctrl-C.
STOP_SECONDS = 120.0


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
        "background (SERVE_MEASURE=0 turns it off); the pages reload when the data or status changes.",
    )
    parser.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default 8000)")
    parser.add_argument("--data", type=Path, default=None, help="the data file to serve and re-measure")
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


def _stop(process: subprocess.Popen[bytes] | None, seconds: float) -> None:
    """SIGINT first, as a terminal's Ctrl-C would, so the child cleans up; SIGKILL if it hangs."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _say(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(options: ServeOptions) -> int:
    if port_in_use(options.port):
        _say(f"port {options.port} is in use: pick another (make serve PORT={options.port + 1})")
        return 1
    environment = {
        **os.environ,
        "LABREPORT_DATA": str(options.data),
        "LABREPORT_STATUS": str(options.status),
        "NO_MKDOCS_2_WARNING": "1",
        # site_url names the Pages address, and mkdocs serve would mount the site under its path:
        # locally the site lives at the root of the port.
        "LABREPORT_SITE_URL": f"http://127.0.0.1:{options.port}/",
    }
    bin_dir = Path(sys.executable).parent
    site_command = [
        str(bin_dir / "mkdocs"),
        "serve",
        "--config-file",
        str(REPO_ROOT / "mkdocs.yml"),
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
    previous_handler = signal.signal(signal.SIGTERM, _raise_interrupt)
    site: subprocess.Popen[bytes] | None = None
    measurement: subprocess.Popen[bytes] | None = None
    try:
        site = subprocess.Popen(site_command, cwd=REPO_ROOT, env=environment, start_new_session=True)
        _say(f"serving the recorded data on http://127.0.0.1:{options.port}")
        if options.measure:
            measurement = subprocess.Popen(
                measure_command, cwd=REPO_ROOT, env=environment, start_new_session=True
            )
            _say("checking the inputs in the background; a re-measurement reloads the pages when done")
        else:
            _say("background measurement off (SERVE_MEASURE=0)")
        while site.poll() is None:
            if measurement is not None and measurement.poll() is not None:
                code = measurement.returncode
                _say(MEASURE_OUTCOMES.get(code, f"the measurement exited {code}; the banner says why"))
                measurement = None
            time.sleep(0.2)
        _say(f"mkdocs serve exited {site.returncode}")
        return site.returncode or 1
    except KeyboardInterrupt:
        if measurement is not None and measurement.poll() is None:
            _say("stopping the background measurement (it removes what it started)")
        return 0
    finally:  # the one teardown, for every way out
        _stop(measurement, STOP_SECONDS)
        _stop(site, 10.0)
        signal.signal(signal.SIGTERM, previous_handler)


def options_from(port: int, measure_args: Sequence[str], data: Path | None = None) -> ServeOptions:
    """SERVE_MEASURE=0 turns the background measurement off; a data file elsewhere than the
    repository's keeps its status file beside it."""
    chosen = data or DATA_FILE
    status = STATUS_FILE if chosen == DATA_FILE else chosen.with_name(STATUS_FILE.name)
    return ServeOptions(
        port=port,
        data=chosen,
        status=status,
        measure=os.environ.get("SERVE_MEASURE", "1") != "0",
        measure_args=tuple(measure_args),
    )
