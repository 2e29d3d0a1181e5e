"""The one module that talks to Docker.

Everything the project starts (containers, images) is labelled with LABEL and removed again by the
context managers here, on success, on error and on Ctrl-C. Every error the Docker SDK raises leaves
this module as an `EngineError`, so no other module needs the SDK to catch one. BuildKit builds,
which the SDK cannot drive, run the docker CLI in `buildkit`, which only this module constructs.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests

from . import stopping
from .buildkit import BuildKit
from .buildlog import (
    Build,
    BuildFailed,
    ImageInfo,
    Layer,
    failing_step_output,
    parse_build_stream,
    tidy_instruction,
)
from .timing import Timer

LABEL = "org.labreport.managed"
STANDIN_FOR = "org.labreport.standin-for"
RECIPE = "org.labreport.recipe"


class EngineError(RuntimeError):
    """The engine refused or failed a call; the message is the engine's own."""


class EngineUnavailable(EngineError):
    """No Docker engine answers; the message says how to get one."""


@contextlib.contextmanager
def _translated(timer: Timer) -> Iterator[None]:
    with timer.measure():
        try:
            yield
        except (docker.errors.DockerException, requests.RequestException) as error:
            raise EngineError(" ".join(str(error).split()) or type(error).__name__) from error


@dataclass(frozen=True, kw_only=True)
class ContainerState:
    status: str  # created, running, exited, ...
    exit_code: int
    health: str | None  # None when the image declares no HEALTHCHECK


class Container:
    """A container from `Engine.container`: typed, timed calls, with the engine's errors."""

    def __init__(self, raw: Any, timer: Timer, *, created_at: float, started_at: float | None) -> None:
        self._raw = raw
        self._timer = timer
        # Monotonic clock readings taken just before the create and start calls, so a probe can
        # time "from docker run" rather than from when the block began.
        self.created_at = created_at
        self.started_at = started_at

    @property
    def id(self) -> str:
        return str(self._raw.id)

    def wait(self, timeout: float) -> int:
        """Waits for the container to exit; returns its exit code."""
        with _translated(self._timer):
            return int(self._raw.wait(timeout=timeout)["StatusCode"])

    def logs(self) -> str:
        with _translated(self._timer):
            return bytes(self._raw.logs()).decode(errors="replace")

    def process_uid(self) -> int:
        """The UID of the container's first process, as `docker top` shows it."""
        with _translated(self._timer):
            top = self._raw.top(ps_args="-o pid,uid")
        return int(top["Processes"][0][top["Titles"].index("UID")])

    def stats(self) -> dict[str, Any]:
        """One `docker stats` sample (not streamed)."""
        with _translated(self._timer):
            return dict(self._raw.stats(stream=False))

    def stop(self, timeout: float) -> None:
        with _translated(self._timer):
            self._raw.stop(timeout=timeout)

    def state(self) -> ContainerState:
        """The state as the engine sees it now (re-read on every call)."""
        with _translated(self._timer):
            self._raw.reload()
        state = self._raw.attrs["State"]
        health = state.get("Health")
        return ContainerState(
            status=str(state.get("Status", "")),
            exit_code=int(state.get("ExitCode", 0)),
            health=None if health is None else str(health["Status"]),
        )

    def export(self) -> Iterator[bytes]:
        """The container's merged file system as a tar stream."""
        with _translated(self._timer):
            yield from self._raw.export()


class Engine:
    """A Docker engine, reached through the Docker SDK."""

    def __init__(self, client: docker.DockerClient, *, cli: bool = False, host: str | None = None) -> None:
        self.client = client
        self.timer = Timer()
        # BuildKit, through the docker CLI (`buildkit`): for an engine `connect` reached, not a fake.
        self.buildkit = BuildKit(self.timer, {LABEL: "1"}, host) if cli else None

    @classmethod
    def connect(cls, base_url: str | None = None) -> Engine:
        try:
            client = (docker.DockerClient(base_url=base_url, timeout=600) if base_url
                      else docker.from_env(timeout=600))  # fmt: skip
            client.ping()
        except (docker.errors.DockerException, requests.RequestException) as error:
            address = base_url or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
            raise EngineUnavailable(
                f"no Docker engine answers at {address}: "
                "start one (`sudo dockerd &`, or `apt-get install docker.io`) or set DOCKER_HOST"
            ) from error
        return cls(client, cli=True, host=base_url)

    def _calling(self) -> contextlib.AbstractContextManager[None]:
        return _translated(self.timer)

    # -- facts ---------------------------------------------------------------------------

    def facts(self) -> dict[str, Any]:
        with self._calling():
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
        with self._calling():
            try:
                image = self.client.images.get(ref)
            except docker.errors.ImageNotFound:
                return None
            history = image.history()
        config = image.attrs.get("Config") or {}
        layers = tuple(Layer(instruction=tidy_instruction(str(entry.get("CreatedBy", ""))),
                             size=int(entry.get("Size", 0))) for entry in reversed(history))  # fmt: skip
        return ImageInfo(
            ref=ref,
            id=str(image.id),
            size=int(image.attrs.get("Size", 0)),
            labels=dict(config.get("Labels") or {}),
            user=str(config.get("User") or ""),
            command=tuple(config.get("Entrypoint") or ()) + tuple(config.get("Cmd") or ()),
            workdir=str(config.get("WorkingDir") or "/"),
            layers=layers,
            diff_ids=tuple(str(each) for each in (image.attrs.get("RootFS") or {}).get("Layers") or ()),
        )

    def pull(self, ref: str) -> bool:
        """Tries a pull; False when no registry can be reached (as on this machine)."""
        repository, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
        with self._calling():
            try:
                self.client.images.pull(repository, tag=tag)
            except (docker.errors.APIError, requests.RequestException):
                return False
        return True

    def registry_mirrors(self) -> list[str]:  # the Docker Hub mirrors it pulls through, as URLs
        with self._calling():
            return [str(url) for url in (self.client.info().get("RegistryConfig") or {}).get("Mirrors") or ()]

    def tag(self, image_id: str, ref: str) -> None:
        repository, _, tag = ref.rpartition(":")
        with self._calling():
            self.client.images.get(image_id).tag(repository, tag)

    def remove_image(self, ref: str) -> None:
        with self._calling(), contextlib.suppress(docker.errors.ImageNotFound):
            self.client.images.remove(ref, force=True)

    def images_labelled(self, label: str) -> list[str]:
        with self._calling():
            return [str(image.id) for image in self.client.images.list(filters={"label": label})]

    def dangling_images(self) -> list[str]:
        with self._calling():
            return [str(image.id) for image in self.client.images.list(filters={"dangling": True})]

    def remove_images(self, image_ids: set[str]) -> None:
        """Removes images a run left untagged (earlier builds, stages of multi-stage builds)."""
        for image_id in image_ids:
            with self._calling(), contextlib.suppress(docker.errors.APIError):
                self.client.images.remove(image_id, force=True)

    def remove_untagged(self, image_ids: tuple[str, ...]) -> None:
        """Removes those of `image_ids` that have no tag and no child image: what a build left
        dangling, never an image something else still names or builds on."""
        for image_id in image_ids:
            with self._calling(), contextlib.suppress(docker.errors.APIError):
                if not self.client.images.get(image_id).tags:
                    self.client.images.remove(image_id)  # not forced: refused while a child needs it

    def import_rootfs(self, tarball: Path, ref: str, labels: Mapping[str, str]) -> str:
        changes = [f'LABEL {key}="{value}"' for key, value in {LABEL: "1", **labels}.items()]
        changes.append('CMD ["bash"]')
        repository, _, tag = ref.rpartition(":")
        with self._calling():
            result = self.client.api.import_image_from_file(
                str(tarball), repository=repository, tag=tag, changes=changes
            )
        for line in str(result).splitlines():
            with contextlib.suppress(ValueError):
                status = json.loads(line)
                if "error" in status:
                    raise BuildFailed(f"import of {ref} failed: {status['error']}")
        info = self.image(ref)
        if info is None:
            raise BuildFailed(f"import of {ref} left no image")
        return info.id

    def build(
        self,
        context: Path,
        *,
        dockerfile: str = "Dockerfile",
        tag: str,
        buildargs: Mapping[str, str] | None = None,
        target: str | None = None,
        nocache: bool = False,
        labels: Mapping[str, str] | None = None,
        echo: Callable[[str], object] | None = None,
    ) -> Build:
        """Builds with the legacy builder, timing each step from the moment its chunk arrives."""
        started = time.monotonic()

        def stamped() -> Iterator[tuple[float, dict[str, Any]]]:
            stream = self.client.api.build(
                path=str(context), dockerfile=dockerfile, tag=tag, buildargs=dict(buildargs or {}),
                target=target, nocache=nocache, rm=True, forcerm=True, pull=False, decode=True,
                labels={LABEL: "1", **(labels or {})},
            )  # fmt: skip
            for chunk in stream:
                if echo is not None and isinstance(chunk.get("stream"), str):
                    echo(chunk["stream"])
                yield time.monotonic(), chunk

        with self._calling():
            try:
                image_id, steps, log, error = parse_build_stream(stamped(), started)
            except docker.errors.APIError as api_error:
                raise BuildFailed(f"build of {tag} failed: {api_error.explanation}") from api_error
        if error is not None or not image_id:
            raise BuildFailed(
                f"build of {tag} ({context / dockerfile}) failed: {error}", failing_step_output(log, error)
            )
        return Build(
            image_id=image_id,
            seconds=round(time.monotonic() - started, 3),
            steps=tuple(steps),
            log=tuple(log),
        )

    def save_image(self, ref: str, destination: Path) -> None:
        """`docker save`: the archive the size, package and efficiency analyses read."""
        with self._calling(), destination.open("wb") as archive:
            for chunk in stopping.checked(self.client.images.get(ref).save(named=True)):
                archive.write(chunk)

    def export_files(self, ref: str) -> list[tarfile.TarInfo]:
        """The merged file list of an image (via a created, never started, container)."""
        with self.container(ref, start=False) as container, tempfile.TemporaryFile() as exported:
            for chunk in stopping.checked(container.export()):
                exported.write(chunk)
            exported.seek(0)
            with tarfile.open(fileobj=exported) as archive:
                return archive.getmembers()

    # -- registries ----------------------------------------------------------------------

    def push(self, ref: str, target: str, auth: Mapping[str, str] | None = None) -> str:
        """Pushes `ref` as `target`; returns the manifest digest. The target tag is removed after."""
        repository, _, tag = target.rpartition(":")
        self.tag(ref, target)
        digest = ""
        try:
            with self._calling():
                for chunk in self.client.images.push(
                    repository, tag=tag, stream=True, decode=True, auth_config=dict(auth) if auth else None
                ):
                    if "error" in chunk:
                        raise EngineError(f"push of {target} failed: {chunk['error']}")
                    aux = chunk.get("aux")
                    if isinstance(aux, dict) and "Digest" in aux:
                        digest = str(aux["Digest"])
        finally:
            self.remove_image(target)
        return digest

    def timed_pull(self, ref: str) -> float:
        """Seconds to pull `ref` into an engine that holds none of its layers; leaves none behind."""
        repository, _, tag = ref.rpartition(":")
        started = time.monotonic()
        with self._calling():
            self.client.images.pull(repository, tag=tag)
        seconds = time.monotonic() - started
        with self._calling():
            self.client.images.remove(ref, force=True)
            self.client.images.prune(filters={"dangling": False})
        return seconds

    # -- containers ----------------------------------------------------------------------

    @contextlib.contextmanager
    def container(
        self,
        ref: str,
        *,
        start: bool = True,
        ports: Mapping[str, int] | None = None,
        environment: Mapping[str, str] | None = None,
        command: list[str] | None = None,
    ) -> Iterator[Container]:
        """A labelled container that is always removed, whatever happens inside the block."""
        created_at = time.monotonic()
        with self._calling():
            raw = self.client.containers.create(
                ref,
                command=command,
                detach=True,
                labels={LABEL: "1"},
                environment=dict(environment or {}),
                ports={key: ("127.0.0.1", value) for key, value in (ports or {}).items()},
            )
        try:
            started_at = None
            if start:
                started_at = time.monotonic()
                with self._calling():
                    raw.start()
            yield Container(raw, self.timer, created_at=created_at, started_at=started_at)
        finally:
            with self._calling(), contextlib.suppress(docker.errors.NotFound):
                raw.remove(force=True)

    def container_ids(self) -> set[str]:
        with self._calling():  # sparse: no inspect, which fails on a build step's container gone meanwhile
            return {str(container.id) for container in self.client.containers.list(all=True, sparse=True)}

    def remove_leftovers(self) -> None:
        """Removes containers a killed run could not clean up. One the daemon is removing already
        (409: a build step its client left, with forcerm) goes by itself, and `settle` waits."""
        with self._calling():
            for container in self.client.containers.list(all=True, sparse=True, filters={"label": LABEL}):
                try:
                    container.remove(force=True)
                except docker.errors.APIError as error:  # NotFound: gone already
                    if not isinstance(error, docker.errors.NotFound) and error.status_code != 409:
                        raise


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
