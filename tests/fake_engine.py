"""A whole fake engine, for driving `measure()` end to end (tests/test_measure_fake.py): images,
`docker save` archives, timed builds and containers that serve a loopback HTTP service."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import docker.errors

from conftest import FakeContainer, _ids


class FakeClock:
    """Stands in for `time` in the engine and the probe: real time plus what the fake builds
    "took", so build timings are exact figures a test can work out by hand."""

    def __init__(self) -> None:

        self._time = time
        self.offset = 0.0

    def monotonic(self) -> float:
        return self._time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self._time.sleep(seconds)


@dataclass(frozen=True, kw_only=True)
class FakeLayer:
    created_by: str
    size: int
    adds_layer: bool = True  # False for ENV, CMD...: a history entry with no layer
    random: bool = False  # half random bytes, half zeros (gzip halves it, as a binary) instead of zeros


@dataclass(kw_only=True)
class FakeImageSpec:
    layers: list[FakeLayer]
    config: dict[str, Any]
    files: list[tuple[str, int, int]]  # (path, mode, uid) in the exported file system
    starts: bool = True
    size_error: int = 0  # added to the engine's reported size: an engine that contradicts its layers


def _tar(entries: list[tuple[str, bytes, int, int]]) -> bytes:

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content, mode, uid in entries:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid = len(content), mode, uid
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class FakeImage:
    def __init__(self, spec: FakeImageSpec, tags: list[str], owner: FakeImages | None = None) -> None:
        self.spec = spec
        self.id = f"sha256:{next(_ids):064x}"
        self.tags = tags
        self.owner = owner
        self.attrs = {
            "Size": sum(layer.size for layer in spec.layers) + spec.size_error,
            "Config": spec.config,
        }

    def tag(self, repository: str, tag: str) -> bool:
        """`docker tag`: the reference moves to this image, off whichever image held it."""
        assert self.owner is not None, "an image the fake engine holds"
        self.owner.add(f"{repository}:{tag}", self.spec, self)
        return True

    def history(self) -> list[dict[str, Any]]:
        return [{"CreatedBy": layer.created_by, "Size": layer.size} for layer in reversed(self.spec.layers)]

    def save(self, named: bool) -> Iterator[bytes]:
        import random

        layers = [layer for layer in self.spec.layers if layer.adds_layer]
        names = [f"{index:02d}/layer.tar" for index in range(len(layers))]
        history = [
            {"created_by": layer.created_by, **({} if layer.adds_layer else {"empty_layer": True})}
            for layer in self.spec.layers
        ]
        generator = random.Random(len(layers))
        tars = []
        for layer in layers:
            half = layer.size // 2 if layer.random else 0
            content = generator.randbytes(half) + bytes(layer.size - half)
            tars.append(_tar([("file", content, 0o644, 0)] if layer.size else []))
        # The diff IDs, as an engine's config lists them: each layer's uncompressed tar's sha256.
        diff_ids = [f"sha256:{hashlib.sha256(tar).hexdigest()}" for tar in tars]
        config = {"history": history, "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        entries = [
            ("manifest.json", json.dumps([{"Config": "config.json", "Layers": names}]).encode(), 0o644, 0),
            ("config.json", json.dumps(config).encode(), 0o644, 0),
        ]
        entries += [(name, tar, 0o644, 0) for name, tar in zip(names, tars, strict=True)]
        yield _tar(entries)


class FakeImages:
    def __init__(self) -> None:
        self.by_ref: dict[str, FakeImage] = {}
        self.every: list[FakeImage] = []  # an untagged image stays reachable by its id, as on an engine
        self.removed: list[str] = []

    def add(self, ref: str, spec: FakeImageSpec, image: FakeImage | None = None) -> FakeImage:
        if image is None:
            image = FakeImage(spec, [], self)
            self.every.append(image)
        previous = self.by_ref.get(ref)
        if previous is not None and previous is not image:
            previous.tags.remove(ref)
        if ref not in image.tags:
            image.tags.append(ref)
        self.by_ref[ref] = image
        return image

    def get(self, key: str) -> FakeImage:
        if key in self.by_ref:
            return self.by_ref[key]
        for image in self.every:
            if key == image.id:
                return image
        raise docker.errors.ImageNotFound(f"no such image: {key}")

    def list(self, **options: Any) -> list[FakeImage]:
        return []  # nothing dangling, nothing labelled: the run starts on a clean engine

    def remove(self, ref: str, **options: Any) -> None:
        self.removed.append(ref)
        image = self.by_ref.pop(ref, None)
        if image is not None:
            image.tags.remove(ref)


class FakeServiceContainer(FakeContainer):
    """A container whose service is a loopback HTTP server on the published port, answering with
    `answers` (path -> status, JSON body); an image that does not start exits 127 instead."""

    def __init__(self, image: FakeImage, port: int | None, answers: dict[str, tuple[int, Any]]) -> None:
        starts = image.spec.starts
        super().__init__(
            exit_code=0 if starts else 127,
            logs=b"listening on :8080\n"
            if starts
            else b"exec /app/devops-info-service: no such file or directory\n",
            uid=10001,
            health=("healthy",) if "Healthcheck" in image.spec.config else (None,),
        )
        self.image, self.port, self.answers = image, port, answers
        self.server: Any = None

    def start(self) -> None:
        import http.server

        super().start()
        if not self.image.spec.starts or self.port is None:
            return
        answers = self.answers

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = answers.get(self.path, answers["*"])
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _shutdown(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def stop(self, timeout: float) -> None:
        super().stop(timeout)
        self._shutdown()

    def remove(self, **options: Any) -> None:
        self._shutdown()
        super().remove(**options)

    def export(self) -> Iterator[bytes]:
        yield _tar([(path, b"x", mode, uid) for path, mode, uid in self.image.spec.files])


class FakeServiceContainers:
    def __init__(self, images: FakeImages, answers: dict[str, tuple[int, Any]]) -> None:
        self.images, self.answers = images, answers
        self.created: list[FakeServiceContainer] = []

    def create(self, ref: str, **options: Any) -> FakeServiceContainer:
        published = (options.get("ports") or {}).get("8080/tcp")
        container = FakeServiceContainer(self.images.get(ref), published and published[1], self.answers)
        self.created.append(container)
        return container

    def list(self, **options: Any) -> list[FakeServiceContainer]:
        return []


@dataclass(frozen=True, kw_only=True)
class FakeStep:
    instruction: str
    built: float  # seconds when it runs
    cached: float  # seconds when the cache answers
    source: bool = False  # reads app/: a code change invalidates it and every later step


class FakeAPI:
    """The legacy builder's stream: `Step n/m`, `---> Using cache`, and the image id. A build from
    the repository is cached once done; one from another context (a code change) rebuilds from
    its first source step on; `nocache` rebuilds everything."""

    def __init__(self, client: FakeEngineClient) -> None:
        self.client = client
        self.done: dict[tuple[str, str | None], FakeImage] = {}
        self.builds: list[dict[str, Any]] = []

    def build(
        self, *, path: str, dockerfile: str, tag: str, target: str | None, nocache: bool, **rest: Any
    ) -> Iterator[dict[str, Any]]:
        from labreport.contract.variants import REPO_ROOT

        self.builds.append(
            {"path": path, "dockerfile": dockerfile, "tag": tag, "target": target, "nocache": nocache, **rest}
        )
        key = (dockerfile, target)
        steps, spec = self.client.recipes[key]
        from_repository = path == str(REPO_ROOT)
        changed = rebuilt = False
        for number, step in enumerate(steps, start=1):
            yield {"stream": f"Step {number}/{len(steps)} : {step.instruction}\n"}
            changed = changed or (step.source and not from_repository)
            if nocache or changed or key not in self.done:
                rebuilt = True
                self.client.clock.offset += step.built
                yield {"stream": " ---> Running in 0123456789ab\n"}
            else:
                yield {"stream": " ---> Using cache\n"}
                self.client.clock.offset += step.cached
            if number == len(steps) and dockerfile in self.client.failing:
                yield {"stream": "exit status 1\n"}
                yield {"error": f"The command '/bin/sh -c {step.instruction}' returned a non-zero code: 1"}
                return
        # A build wholly from the cache gives the same image back, as the engine does.
        image = self.client.images.add(tag, spec, None if rebuilt else self.done[key])
        if from_repository:
            self.done[key] = image
        yield {"aux": {"ID": image.id}}
        yield {"stream": f"Successfully built {image.id[7:19]}\n"}


class FakeEngineClient:
    """Enough of the Docker SDK's client for a whole measurement: images (with history, `docker
    save` archives and exported files), the legacy builder's stream, and containers that serve."""

    def __init__(
        self,
        *,
        bases: dict[str, FakeImageSpec],
        recipes: dict[tuple[str, str | None], tuple[list[FakeStep], FakeImageSpec]],
        answers: dict[str, tuple[int, Any]],
        failing: Sequence[str] = (),
    ) -> None:
        self.clock = FakeClock()
        self.images = FakeImages()
        for ref, spec in bases.items():
            self.images.add(ref, spec)
        self.recipes = recipes
        self.failing = set(failing)
        self.api = FakeAPI(self)
        self.containers = FakeServiceContainers(self.images, answers)

    def ping(self) -> bool:
        return True

    def version(self) -> dict[str, Any]:
        return {"Version": "20.10.24+dfsg1", "ApiVersion": "1.41"}

    def info(self) -> dict[str, Any]:
        return {
            "Driver": "overlay2",
            "OperatingSystem": "Debian GNU/Linux 12",
            "Architecture": "x86_64",
            "NCPU": 2,
        }
