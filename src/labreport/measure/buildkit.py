"""BuildKit builds, through the docker CLI: the engine's part that docker-py cannot do.

docker-py drives only the legacy builder (docker/docker-py#2230), and BuildKit is the builder the
report used (and Docker's default since Engine 23.0), so `Engine.buildkit` runs `docker build
--progress=plain` with `DOCKER_BUILDKIT=1`, the documented way where the SDK cannot. This is the
one place that runs the docker CLI (`run_cli`, which `witness.py` uses too); only the engine
constructs `BuildKit`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from .buildlog import Build, BuildFailed, parse_plain_progress, stage_names
from .timing import Timer

# Debian's docker.io CLI builds with BuildKit by itself; a newer CLI without the buildx plugin
# (the preinstalled /usr/local/bin/docker here) refuses DOCKER_BUILDKIT=1. LABREPORT_DOCKER_CLI
# overrides the choice.
_DEBIAN_CLI = Path("/usr/bin/docker")


def cli() -> str:
    chosen = os.environ.get("LABREPORT_DOCKER_CLI")
    if chosen:
        return chosen
    if _DEBIAN_CLI.exists():
        return str(_DEBIAN_CLI)
    return shutil.which("docker") or "docker"


class CLIUnavailable(RuntimeError):
    """The docker CLI could not be run at all (missing, not executable) or did not finish in time."""


def run_cli(
    args: Sequence[str],
    *,
    host: str | None = None,
    environment: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Runs `docker ARGS...` and returns what it printed and its exit code, whatever the code.

    `host` is the engine's address (DOCKER_HOST) when not the environment's own. Raises
    CLIUnavailable only when the CLI itself cannot be run; a command that fails is the caller's to read.
    """
    try:
        return subprocess.run(
            [cli(), *args],
            env={**os.environ, **(environment or {}), **({"DOCKER_HOST": host} if host else {})},
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CLIUnavailable(f"docker {args[0] if args else ''}: {error}") from error


class BuildKit:
    """`docker build` with BuildKit; calls are timed on the engine's timer."""

    def __init__(self, timer: Timer, labels: Mapping[str, str], host: str | None = None) -> None:
        self.timer = timer
        self.labels = dict(labels)  # the project's managed label, so clean-ups find the images
        self.host = host  # the engine's address, when `Engine.connect` was given one

    def _docker(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        with self.timer.measure():
            try:
                return run_cli(args, host=self.host, environment={"DOCKER_BUILDKIT": "1"}, timeout=timeout)
            except CLIUnavailable as error:
                raise BuildFailed(str(error)) from error

    def client_version(self) -> str | None:
        """The docker CLI's version (the BuildKit client); None when it does not answer."""
        result = self._docker("version", "--format", "{{.Client.Version}}", timeout=60)
        version = result.stdout.strip()
        return version if result.returncode == 0 and version else None

    def engine_version(self) -> str | None:
        """The BuildKit the engine embeds, where buildx can tell (`docker buildx inspect` prints
        "BuildKit version: v0.12.5", older buildx "Buildkit: v0.12.5"); None without buildx, as with
        Debian's 20.10 here, whose engine does not report it otherwise."""
        result = self._docker("buildx", "inspect", timeout=60)
        if result.returncode != 0:
            return None
        for line in result.stdout.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() in ("buildkit", "buildkit version") and value.strip():
                return value.strip()
        return None

    def build(
        self,
        context: Path,
        *,
        dockerfile: str = "Dockerfile",
        tag: str,
        buildargs: Mapping[str, str] | None = None,
        target: str | None = None,
        nocache: bool = False,
    ) -> Build:
        """Builds; returns the image ID (from --iidfile), BuildKit's own per-step times and the
        raw plain-progress log. Raises BuildFailed with the failing step's output."""
        path = context / dockerfile
        with tempfile.TemporaryDirectory(prefix="labreport-buildkit-") as scratch:
            iidfile = Path(scratch) / "image-id"
            args = ["build", "--progress=plain", "--iidfile", str(iidfile), "--file", str(path), "--tag", tag]
            args += [f"--label={key}={value}" for key, value in self.labels.items()]
            args += [f"--build-arg={key}={value}" for key, value in (buildargs or {}).items()]
            args += [f"--target={target}"] if target else []
            args += ["--no-cache"] if nocache else []
            started = time.monotonic()
            result = self._docker(*args, str(context))
            seconds = round(time.monotonic() - started, 3)
            image_id = iidfile.read_text().strip() if iidfile.exists() else ""
        # Plain progress goes to stderr; stdout is empty unless something else spoke.
        log = tuple(line.rstrip() for line in (result.stderr + result.stdout).splitlines())
        parsed = parse_plain_progress(log, stage_names(path.read_text(encoding="utf-8")))
        if result.returncode != 0 or not image_id:
            error = parsed.error or (log[-1] if log else f"exit code {result.returncode}")
            raise BuildFailed(f"BuildKit build of {tag} ({path}) failed: {error}", parsed.error_output)
        return Build(image_id=image_id, seconds=seconds, steps=parsed.steps, log=log)

    def prune_cache_mounts(self) -> None:
        """Empties BuildKit's cache mounts (every build's), so a cache-mount build starts cold."""
        result = self._docker("builder", "prune", "--force", "--filter", "type=exec.cachemount")
        if result.returncode != 0:
            raise BuildFailed(f"docker builder prune failed: {result.stderr.strip()}")
