"""The command-line tools the measurement runs (go, hadolint, dive, syft, debootstrap).

One function runs every subprocess and prints it, so a log shows exactly what ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

from . import stopping
from .timing import Timer

BIN = Path(sys.executable).parent
# Seconds spent in tools and in compressing layers: measurement work, not pipeline overhead.
TIMER = Timer()


def tool(name: str) -> str:
    """A tool from this virtualenv (the wheels that ship them), else from PATH."""
    local = BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is missing: pip install -r requirements.txt")
    return found


def run(
    command: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    echo: bool = True,
) -> subprocess.CompletedProcess[str]:
    if echo:
        print(f"    $ {' '.join(command)}", file=sys.stderr, flush=True)
    with TIMER.measure():
        child = stopping.start(
            command, cwd=cwd, env={**os.environ, **(env or {})}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            stdout, stderr = child.communicate()
        finally:
            stopping.ended(child)
    stopping.check()  # a tool terminated by a stop: say so, not that it failed
    result = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    if check and result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{Path(command[0]).name} exited {result.returncode}: {last[0]}")
    return result


def go_build(app: Path, output: Path, *, flags: list[str], cgo: bool) -> None:
    # go's work folder beside the output, so that it goes with the caller's scratch folder: a go
    # build terminated by a stop (or Ctrl-C) leaves its go-build* folder behind in $TMPDIR.
    work = output.parent / "go-work"
    work.mkdir(exist_ok=True)
    run(
        [tool("go"), "build", *flags, "-o", str(output), "."],
        cwd=app,
        env={"CGO_ENABLED": "1" if cgo else "0", "GOFLAGS": "-buildvcs=false", "GOTMPDIR": str(work)},
    )


def hadolint(dockerfile: Path) -> list[dict[str, Any]]:
    # Exit code 1 means "findings": the JSON says which.
    result = run([tool("hadolint"), "--no-fail", "--format", "json", str(dockerfile)], check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"hadolint failed on {dockerfile}: {result.stderr.strip()}")
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    return findings


def dive(archive: Path, report: Path) -> dict[str, Any]:
    run([tool("dive"), "--source", "docker-archive", str(archive), "--json", str(report)], env={"CI": "true"})
    loaded: dict[str, Any] = json.loads(report.read_text())
    return loaded


def analysis_versions() -> dict[str, str]:
    """The versions of what turns an image into figures: a cached analysis made by another is stale.
    zlib's, because a layer's compressed size is what its deflate gives at level 6."""
    return {
        "dive": _version([tool("dive"), "--version"]),
        "syft": _version([tool("syft"), "--version"], env={"SYFT_CHECK_FOR_APP_UPDATE": "false"}),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


def _version(command: list[str], env: dict[str, str] | None = None) -> str:
    # "dive 0.13.1", "syft 1.18.1": the version is the last word.
    words = run(command, env=env, echo=False).stdout.split()
    return words[-1] if words else "unknown"


def syft(archive: Path) -> dict[str, Any]:
    result = run(
        [tool("syft"), f"docker-archive:{archive}", "-o", "json", "-q"],
        env={"SYFT_CHECK_FOR_APP_UPDATE": "false"},
    )
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded
