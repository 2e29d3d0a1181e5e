"""The publish phase's stage: a local registry to push to and a fresh daemon to pull on.

Neither needs the Docker SDK: the registry is Debian's `docker-registry` binary, the daemon a second
`dockerd` reached through `Engine.connect`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import requests

from .engine import Engine, free_port
from .polling import poll


def _wait_until(check: Callable[[], object], what: str, seconds: float = 30.0) -> None:
    # Until it listens, a request fails to connect or the socket is missing: not up yet, not an error.
    if poll(lambda: bool(check()) or None, seconds, interval=0.1, ignoring=(Exception,)) is None:
        raise RuntimeError(f"{what} did not come up within {seconds:.0f}s")


@contextlib.contextmanager
def local_registry(access_log: Path | None = None, storage: Path | None = None) -> Iterator[str]:
    """Debian's docker-registry on 127.0.0.1, with no auth; yields its host:port, then stops it.

    `access_log`: where the registry writes a line per request it answers (it prints them on its
    standard output), so a test can count which blobs a pull really downloaded. `storage`: a folder
    its blobs outlive it in (the analysis cache's), so that the next run's push of a layer pushed
    before is a HEAD request, not a gzip and an upload; a pull into a fresh daemon still downloads
    every blob. None: a folder of its own, removed with it."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry is missing: apt-get install docker-registry")
    port = free_port()
    with (
        tempfile.TemporaryDirectory(prefix="labreport-registry-") as scratch,
        contextlib.ExitStack() as logs,
    ):
        config = Path(scratch) / "config.yml"
        config.write_text(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
            f"    rootdirectory: {storage or Path(scratch) / 'data'}\nhttp:\n  addr: 127.0.0.1:{port}\n"
        )
        output = logs.enter_context(access_log.open("ab")) if access_log else subprocess.DEVNULL
        process = subprocess.Popen([binary, "serve", str(config)], stdout=output, stderr=subprocess.DEVNULL)
        try:
            address = f"127.0.0.1:{port}"
            _wait_until(lambda: requests.get(f"http://{address}/v2/", timeout=1).ok, "the registry")
            yield address
        finally:
            process.terminate()
            process.wait(timeout=10)


def manifest_size(registry: str, repository: str, tag: str) -> int:
    """The bytes a pull downloads, from the registry's manifest: config plus compressed layers."""
    response = requests.get(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        timeout=10,
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
    )
    response.raise_for_status()
    manifest = response.json()
    return int(manifest["config"]["size"]) + sum(int(layer["size"]) for layer in manifest["layers"])


@contextlib.contextmanager
def fresh_daemon(mirrors: Sequence[str] = ()) -> Iterator[Engine]:
    """A second dockerd with an empty data root: a node that has never seen our images.

    It gets a bridge of its own: with `--bridge none` dockerd deletes docker0, which the first
    engine's containers need. `mirrors` (URLs) are its Docker Hub mirrors, so that it reaches the
    registries the engine under measurement reaches (`Engine.registry_mirrors`); an http one is
    also an insecure registry.
    """
    binary = shutil.which("dockerd")
    if binary is None:
        raise RuntimeError("dockerd is missing: apt-get install docker.io")
    privileged = _privileged()
    # Unique per call, not per process: a run measuring such a node starts one of its own.
    bridge = f"labreport{secrets.token_hex(3)}"  # 15 characters, the most a link name may have
    mirrored = [f"--registry-mirror={url}" for url in mirrors]
    mirrored += [f"--insecure-registry={urlsplit(url).netloc}" for url in mirrors if url.startswith("http:")]
    with tempfile.TemporaryDirectory(prefix="labreport-node-", ignore_cleanup_errors=True) as scratch:
        root = Path(scratch)
        socket_path = root / "docker.sock"
        subprocess.run([*privileged, "ip", "link", "add", "name", bridge, "type", "bridge"], check=True)
        # --group: the socket is ours to use when the daemon runs through sudo.
        process = subprocess.Popen(
            [*privileged, binary, "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
             "--pidfile", str(root / "docker.pid"), "--host", f"unix://{socket_path}",
             "--group", str(os.getegid()), "--bridge", bridge, "--iptables=false", "--ip-masq=false",
             *mirrored],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_until(socket_path.exists, "the second dockerd")
            yield Engine.connect(f"unix://{socket_path}")
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for command in (
                ["umount", "-R", str(root / "data")],
                ["umount", "-R", str(root / "exec")],  # network namespaces of containers it ran
                ["ip", "link", "delete", bridge],
                ["rm", "-rf", str(root / "data"), str(root / "exec")],
            ):
                subprocess.run([*privileged, *command], stderr=subprocess.DEVNULL, check=False)


def _privileged() -> list[str]:
    """How to run a command as root: directly, or through password-less sudo (GitHub's runners)."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0:
        return ["sudo", "-n"]
    raise RuntimeError(
        "a second dockerd needs root: run as root or with password-less sudo, or pass --no-publish"
    )
