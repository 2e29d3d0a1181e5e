"""The one module that talks to Docker.

Everything the project starts (containers, images, a registry, a second daemon) is labelled with
LABEL and removed again by the context managers here, on success, on error and on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests

LABEL = "org.labreport.managed"
STANDIN_FOR = "org.labreport.standin-for"
RECIPE = "org.labreport.recipe"


class EngineUnavailable(RuntimeError):
    """No Docker engine answers; the message says how to get one."""


class BuildFailed(RuntimeError):
    """A build or import the engine refused; the message names the image and the error."""


@dataclass(frozen=True, kw_only=True)
class BuildStep:
    number: int
    instruction: str
    seconds: float
    cached: bool


@dataclass(frozen=True, kw_only=True)
class Build:
    image_id: str
    seconds: float
    steps: tuple[BuildStep, ...]
    log: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Layer:
    instruction: str
    size: int


@dataclass(frozen=True, kw_only=True)
class ImageInfo:
    ref: str
    id: str
    size: int
    labels: Mapping[str, str]
    user: str
    command: tuple[str, ...]
    workdir: str
    layers: tuple[Layer, ...]


@dataclass(kw_only=True)
class Timer:
    """Adds up the seconds spent waiting on Docker, for the overhead benchmark."""

    seconds: float = 0.0

    @contextlib.contextmanager
    def measure(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start


_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def parse_build_stream(
    chunks: Iterator[tuple[float, dict[str, Any]]], started: float
) -> tuple[str, list[BuildStep], list[str], str | None]:
    """Turns the legacy builder's JSON stream into (image id, timed steps, log lines, error).

    Each chunk carries the monotonic time it arrived; a step lasts until the next one starts.
    """
    steps: list[BuildStep] = []
    log: list[str] = []
    image_id = ""
    error: str | None = None
    current: tuple[int, str, float] | None = None
    cached = False

    def close(now: float) -> None:
        if current is not None:
            number, instruction, began = current
            steps.append(BuildStep(number=number, instruction=instruction,
                                   seconds=round(now - began, 3), cached=cached))

    now = started
    for now, chunk in chunks:
        if "error" in chunk:
            error = str(chunk["error"]).strip()
            log.append(error)
            continue
        aux = chunk.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            image_id = str(aux["ID"])
        text = chunk.get("stream")
        if not isinstance(text, str):
            continue
        for line in _ANSI.sub("", text).splitlines():
            if not line.strip():
                continue
            log.append(line.rstrip())
            match = _STEP.match(line)
            if match:
                close(now)
                current = (int(match.group(1)), match.group(3), now)
                cached = False
            elif line.strip() == "---> Using cache":
                cached = True
    close(now)
    return image_id, steps, log, error


class Engine:
    """A Docker engine, reached through the Docker SDK."""

    def __init__(self, client: docker.DockerClient) -> None:
        self.client = client
        self.timer = Timer()

    @classmethod
    def connect(cls, base_url: str | None = None) -> Engine:
        try:
            client = (docker.DockerClient(base_url=base_url, timeout=600) if base_url
                      else docker.from_env(timeout=600))
            client.ping()
        except (docker.errors.DockerException, requests.RequestException) as error:
            address = base_url or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
            raise EngineUnavailable(
                f"no Docker engine answers at {address}: "
                "start one (`sudo dockerd &`, or `apt-get install docker.io`) or set DOCKER_HOST"
            ) from error
        return cls(client)

    # -- facts ---------------------------------------------------------------------------

    def facts(self) -> dict[str, Any]:
        with self.timer.measure():
            version = self.client.version()
            info = self.client.info()
        return {
            "version": str(version.get("Version", "")),
            "api_version": str(version.get("ApiVersion", "")),
            "storage_driver": str(info.get("Driver", "")),
            "os": str(info.get("OperatingSystem", "")),
            "architecture": str(info.get("Architecture", "")),
            "cpus": int(info.get("NCPU", 0)),
        }

    # -- images --------------------------------------------------------------------------

    def image(self, ref: str) -> ImageInfo | None:
        with self.timer.measure():
            try:
                image = self.client.images.get(ref)
            except docker.errors.ImageNotFound:
                return None
            history = image.history()
        config = image.attrs.get("Config") or {}
        layers = tuple(
            Layer(instruction=_tidy_instruction(str(entry.get("CreatedBy", ""))),
                  size=int(entry.get("Size", 0)))
            for entry in reversed(history)
        )
        return ImageInfo(ref=ref, id=str(image.id), size=int(image.attrs.get("Size", 0)),
                         labels=dict(config.get("Labels") or {}),
                         user=str(config.get("User") or ""),
                         command=tuple(config.get("Entrypoint") or ()) + tuple(config.get("Cmd") or ()),
                         workdir=str(config.get("WorkingDir") or "/"), layers=layers)

    def pull(self, ref: str) -> bool:
        """Tries a pull; False when no registry can be reached (as on this machine)."""
        repository, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
        with self.timer.measure():
            try:
                self.client.images.pull(repository, tag=tag)
            except (docker.errors.APIError, requests.RequestException):
                return False
        return True

    def tag(self, image_id: str, ref: str) -> None:
        repository, _, tag = ref.rpartition(":")
        with self.timer.measure():
            self.client.images.get(image_id).tag(repository, tag)

    def remove_image(self, ref: str) -> None:
        with self.timer.measure(), contextlib.suppress(docker.errors.ImageNotFound):
            self.client.images.remove(ref, force=True)

    def images_labelled(self, label: str) -> list[str]:
        with self.timer.measure():
            return [str(image.id) for image in self.client.images.list(filters={"label": label})]

    def dangling_images(self) -> list[str]:
        with self.timer.measure():
            return [str(image.id) for image in self.client.images.list(filters={"dangling": True})]

    def remove_images(self, image_ids: set[str]) -> None:
        """Removes images a run left untagged (earlier builds, stages of multi-stage builds)."""
        for image_id in image_ids:
            with self.timer.measure(), contextlib.suppress(docker.errors.APIError):
                self.client.images.remove(image_id, force=True)

    def import_rootfs(self, tarball: Path, ref: str, labels: Mapping[str, str]) -> str:
        changes = [f'LABEL {key}="{value}"' for key, value in {LABEL: "1", **labels}.items()]
        changes.append('CMD ["bash"]')
        repository, _, tag = ref.rpartition(":")
        with self.timer.measure():
            result = self.client.api.import_image_from_file(
                str(tarball), repository=repository, tag=tag, changes=changes)
        for line in str(result).splitlines():
            with contextlib.suppress(ValueError):
                status = json.loads(line)
                if "error" in status:
                    raise BuildFailed(f"import of {ref} failed: {status['error']}")
        info = self.image(ref)
        if info is None:
            raise BuildFailed(f"import of {ref} left no image")
        return info.id

    def build(self, context: Path, *, dockerfile: str = "Dockerfile", tag: str,
              buildargs: Mapping[str, str] | None = None, target: str | None = None,
              nocache: bool = False, labels: Mapping[str, str] | None = None,
              echo: Any = None) -> Build:
        """Builds with the legacy builder, timing each step from the moment its chunk arrives."""
        started = time.monotonic()

        def stamped() -> Iterator[tuple[float, dict[str, Any]]]:
            stream = self.client.api.build(
                path=str(context), dockerfile=dockerfile, tag=tag, buildargs=dict(buildargs or {}),
                target=target, nocache=nocache, rm=True, forcerm=True, pull=False, decode=True,
                labels={LABEL: "1", **(labels or {})})
            for chunk in stream:
                if echo is not None and isinstance(chunk.get("stream"), str):
                    echo(chunk["stream"])
                yield time.monotonic(), chunk

        with self.timer.measure():
            try:
                image_id, steps, log, error = parse_build_stream(stamped(), started)
            except docker.errors.APIError as api_error:
                raise BuildFailed(f"build of {tag} failed: {api_error.explanation}") from api_error
        if error is not None or not image_id:
            raise BuildFailed(f"build of {tag} ({context / dockerfile}) failed: {error}")
        return Build(image_id=image_id, seconds=round(time.monotonic() - started, 3),
                     steps=tuple(steps), log=tuple(log))

    def save_image(self, ref: str, destination: Path) -> None:
        """`docker save`: the archive the size, package and efficiency analyses read."""
        with self.timer.measure(), destination.open("wb") as archive:
            for chunk in self.client.images.get(ref).save(named=True):
                archive.write(chunk)

    def export_files(self, ref: str) -> list[tarfile.TarInfo]:
        """The merged file list of an image (via a created, never started, container)."""
        with self.container(ref, start=False) as container, tempfile.TemporaryFile() as exported:
            with self.timer.measure():
                for chunk in container.export():
                    exported.write(chunk)
            exported.seek(0)
            with tarfile.open(fileobj=exported) as archive:
                return archive.getmembers()

    # -- containers ----------------------------------------------------------------------

    @contextlib.contextmanager
    def container(self, ref: str, *, start: bool = True, ports: Mapping[str, int] | None = None,
                  environment: Mapping[str, str] | None = None,
                  command: list[str] | None = None) -> Iterator[Any]:
        """A labelled container that is always removed, whatever happens inside the block."""
        with self.timer.measure():
            container = self.client.containers.create(
                ref, command=command, detach=True, labels={LABEL: "1"},
                environment=dict(environment or {}),
                ports={key: ("127.0.0.1", value) for key, value in (ports or {}).items()})
        try:
            if start:
                with self.timer.measure():
                    container.start()
            yield container
        finally:
            with self.timer.measure(), contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True)

    def remove_leftovers(self) -> None:
        """Removes containers a killed run could not clean up."""
        with self.timer.measure():
            for container in self.client.containers.list(all=True, filters={"label": LABEL}):
                with contextlib.suppress(docker.errors.NotFound):
                    container.remove(force=True)


def _tidy_instruction(created_by: str) -> str:
    text = created_by.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ")
    return " ".join(text.split())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until(check: Any, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f}s")


@contextlib.contextmanager
def local_registry() -> Iterator[str]:
    """Debian's docker-registry on 127.0.0.1, with no auth; yields its host:port, then stops it."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry is missing: apt-get install docker-registry")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="labreport-registry-") as scratch:
        config = Path(scratch) / "config.yml"
        config.write_text(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
            f"    rootdirectory: {scratch}/data\nhttp:\n  addr: 127.0.0.1:{port}\n")
        process = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            address = f"127.0.0.1:{port}"
            _wait_until(lambda: requests.get(f"http://{address}/v2/", timeout=1).ok, "the registry")
            yield address
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextlib.contextmanager
def fresh_daemon() -> Iterator[Engine]:
    """A second dockerd with an empty data root: a node that has never seen our images.

    It gets a bridge of its own: with `--bridge none` dockerd deletes docker0, which the first
    engine's containers need.
    """
    binary = shutil.which("dockerd")
    if binary is None:
        raise RuntimeError("dockerd is missing: apt-get install docker.io")
    privileged = _privileged()
    bridge = f"labreport{os.getpid() % 100000}"
    with tempfile.TemporaryDirectory(prefix="labreport-node-", ignore_cleanup_errors=True) as scratch:
        root = Path(scratch)
        socket_path = root / "docker.sock"
        subprocess.run([*privileged, "ip", "link", "add", "name", bridge, "type", "bridge"], check=True)
        # --group: the socket is ours to use when the daemon runs through sudo.
        process = subprocess.Popen(
            [*privileged, binary, "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
             "--pidfile", str(root / "docker.pid"), "--host", f"unix://{socket_path}",
             "--group", str(os.getegid()), "--bridge", bridge, "--iptables=false", "--ip-masq=false"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_until(socket_path.exists, "the second dockerd")
            engine = Engine.connect(f"unix://{socket_path}")
            yield engine
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for command in (["umount", "-R", str(root / "data")], ["ip", "link", "delete", bridge],
                            ["rm", "-rf", str(root / "data"), str(root / "exec")]):
                subprocess.run([*privileged, *command], stderr=subprocess.DEVNULL, check=False)


def _privileged() -> list[str]:
    """How to run a command as root: directly, or through password-less sudo (GitHub's runners)."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True,
                                               check=False).returncode == 0:
        return ["sudo", "-n"]
    raise RuntimeError("a second dockerd needs root: run as root or with password-less sudo, "
                       "or pass --no-publish")


def push(engine: Engine, ref: str, target: str, auth: Mapping[str, str] | None = None) -> str:
    """Pushes `ref` as `target`; returns the manifest digest. The target tag is removed after."""
    repository, _, tag = target.rpartition(":")
    engine.tag(ref, target)
    digest = ""
    try:
        with engine.timer.measure():
            for chunk in engine.client.images.push(repository, tag=tag, stream=True, decode=True,
                                                   auth_config=dict(auth) if auth else None):
                if "error" in chunk:
                    raise RuntimeError(f"push of {target} failed: {chunk['error']}")
                aux = chunk.get("aux")
                if isinstance(aux, dict) and "Digest" in aux:
                    digest = str(aux["Digest"])
    finally:
        with engine.timer.measure(), contextlib.suppress(docker.errors.ImageNotFound):
            engine.client.images.remove(target)
    return digest


def manifest_size(registry: str, repository: str, tag: str) -> int:
    """The bytes a pull downloads, from the registry's manifest: config plus compressed layers."""
    response = requests.get(
        f"http://{registry}/v2/{repository}/manifests/{tag}", timeout=10,
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    response.raise_for_status()
    manifest = response.json()
    return int(manifest["config"]["size"]) + sum(int(layer["size"]) for layer in manifest["layers"])


def timed_pull(engine: Engine, ref: str) -> float:
    """Seconds to pull `ref` into an engine that holds none of its layers; leaves none behind."""
    repository, _, tag = ref.rpartition(":")
    started = time.monotonic()
    with engine.timer.measure():
        engine.client.images.pull(repository, tag=tag)
    seconds = time.monotonic() - started
    with engine.timer.measure():
        engine.client.images.remove(ref, force=True)
        engine.client.images.prune(filters={"dangling": False})
    return seconds
