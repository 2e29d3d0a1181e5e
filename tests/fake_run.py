"""A whole `measure()` run against the fake engine (tests/fake_engine.py): the images, logs and tool
output it answers with, the sizes every hand-worked figure comes from, and the `fake_run` fixture
that wires them in. Its tests are tests/test_measure_fake.py."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fake_engine import FakeEngineClient, FakeImageSpec, FakeLayer, FakeStep
from labreport import cli
from labreport.contract import schema
from labreport.contract.schema import BaseImage, Measurements
from labreport.measure import engine as engine_module
from labreport.measure import lock, probe, record, run, standins, tools
from labreport.measure.engine import Engine
from labreport.measure.progress import Progress
from records import probe_record

# The sizes (bytes) every hand-worked figure below comes from.
ALPINE_ROOTFS, GO_TREE, SDK_ROOTFS = 300_000, 900_000, 500_000
BINARY_LAYER, CGO_BINARY_LAYER, CA_BUNDLE, USERS, APP_SOURCE = 210_000, 220_000, 200_000, 3_000, 20_000
BINARIES = {"default": 300_000, "stripped": 205_000, "stripped_trimpath": 204_000, "cgo": 215_000}
ROOT = probe_record("alpine").root_body
HEALTH = probe_record("alpine").health_body
NOT_FOUND = {"error": "Not Found", "path": "/does-not-exist"}

ALPINE = [FakeLayer(created_by="/bin/sh -c #(nop) ADD file:rootfs in / ", size=ALPINE_ROOTFS),
          FakeLayer(created_by='/bin/sh -c #(nop)  CMD ["/bin/sh"]', size=0, adds_layer=False)]  # fmt: skip
GOLANG_ALPINE = [
    *ALPINE,
    FakeLayer(created_by="/bin/sh -c #(nop) COPY dir:go in /usr/local/go ", size=GO_TREE),
]
RUNTIME_FILES = [
    ("bin/sh", 0o755, 0),
    ("sbin/apk", 0o755, 0),
    ("bin/su", 0o4755, 0),
    ("etc/ssl/certs/ca-certificates.crt", 0o644, 0),
    ("app/devops-info-service", 0o755, 0),
]
STEPS = [
    FakeStep(instruction="FROM golang:1.25-alpine AS builder", built=2.0, cached=0.1),
    FakeStep(instruction="WORKDIR /src", built=2.0, cached=0.1),
    FakeStep(instruction="COPY app/go.mod ./", built=2.0, cached=0.1),
    FakeStep(instruction="RUN go mod download", built=2.0, cached=0.1),
    FakeStep(instruction="COPY app/ ./", built=2.0, cached=0.1, source=True),
    FakeStep(instruction="RUN go build -o /out/devops-info-service .", built=2.0, cached=0.1),
    FakeStep(instruction="FROM alpine:3.19", built=2.0, cached=0.1),
    FakeStep(instruction="COPY --from=builder /out/devops-info-service ./", built=2.0, cached=0.1),
]
BUILDER = FakeImageSpec(
    layers=[
        *GOLANG_ALPINE,
        FakeLayer(created_by="/bin/sh -c #(nop) COPY file:gomod in ./ ", size=40),
        # An empty RUN still adds a (0-byte) layer: the compressed sizes must not shift past it.
        FakeLayer(created_by="/bin/sh -c go mod download", size=0),
        FakeLayer(created_by="/bin/sh -c #(nop) COPY dir:app in ./ ", size=APP_SOURCE, random=True),
        FakeLayer(
            created_by="/bin/sh -c go build -o /out/devops-info-service .", size=BINARY_LAYER, random=True
        ),
    ],
    config={"Cmd": ["/bin/sh"]},
    files=[],
)


def variant_spec(*, size_error: int = 0) -> FakeImageSpec:
    return FakeImageSpec(
        layers=[
            *ALPINE,
            FakeLayer(created_by="/bin/sh -c addgroup -S appuser && adduser -S appuser", size=USERS),
            FakeLayer(created_by="/bin/sh -c #(nop) COPY file:ca in /etc/ssl/certs/ ", size=CA_BUNDLE),
            FakeLayer(created_by="/bin/sh -c #(nop) WORKDIR /app", size=0),
            FakeLayer(
                created_by="/bin/sh -c #(nop) COPY file:bin in ./devops-info-service ",
                size=BINARY_LAYER,
                random=True,
            ),
            FakeLayer(created_by="/bin/sh -c #(nop)  USER appuser", size=0, adds_layer=False),
            FakeLayer(
                created_by='/bin/sh -c #(nop)  CMD ["/app/devops-info-service"]', size=0, adds_layer=False
            ),
        ],
        config={
            "User": "appuser",
            "WorkingDir": "/app",
            "Cmd": ["/app/devops-info-service"],
            "Healthcheck": {"Test": ["CMD", "/app/devops-info-service", "-healthcheck"]},
        },
        files=RUNTIME_FILES,
        size_error=size_error,
    )


CGO = FakeImageSpec(
    layers=[
        *ALPINE,
        FakeLayer(created_by="/bin/sh -c #(nop) COPY file:cgo in /app/ ", size=CGO_BINARY_LAYER, random=True),
    ],
    config={"Cmd": ["/app/devops-info-service"]},
    files=RUNTIME_FILES,
    starts=False,
)


def elf(size: int, interpreter: bytes | None = None) -> bytes:
    """A minimal 64-bit little-endian ELF file of `size` bytes, with a PT_INTERP when dynamic."""
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    header[0x20:0x28] = (64).to_bytes(8, "little")  # program headers right after this header
    header[0x36:0x38] = (56).to_bytes(2, "little")
    header[0x38:0x3A] = (1 if interpreter else 0).to_bytes(2, "little")
    body = bytearray(header)
    if interpreter:
        program = bytearray(56)
        program[0:4] = (3).to_bytes(4, "little")  # PT_INTERP
        program[8:16] = (120).to_bytes(8, "little")
        program[32:40] = len(interpreter).to_bytes(8, "little")
        body += program + interpreter
    return bytes(body + bytes(size - len(body)))


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., FakeEngineClient]:
    """Points `measure()` at a fake engine and canned tools; returns the fake's maker."""

    def go_build(app: Path, output: Path, *, flags: list[str], cgo: bool) -> None:
        flavour = (
            "cgo"
            if cgo
            else "stripped_trimpath"
            if "-trimpath" in flags
            else "stripped"
            if flags
            else "default"
        )
        output.write_bytes(elf(BINARIES[flavour], b"/lib/ld-musl-x86_64.so.1\0" if cgo else None))

    def hadolint(dockerfile: Path) -> list[dict[str, Any]]:
        if dockerfile.name != "cgo.Dockerfile":
            return []
        return [{"code": "DL3006", "level": "warning", "line": 6, "message": "Always tag the image"}]

    def ensure_base(engine: Engine, ref: str, echo: Any = None) -> BaseImage:
        info = engine.image(ref)
        assert info is not None
        return BaseImage(requested=ref, source="present", image_id=info.id)

    monkeypatch.setattr(tools, "go_build", go_build)
    monkeypatch.setattr(tools, "hadolint", hadolint)
    monkeypatch.setattr(tools, "syft", lambda archive: {"artifacts": [{"name": f"p{n}"} for n in range(14)]})
    monkeypatch.setattr(
        tools, "dive", lambda archive, report: {"image": {"efficiencyScore": 0.97, "inefficientBytes": 1234}}
    )
    monkeypatch.setattr(standins, "ensure_base", ensure_base)
    monkeypatch.setattr(standins, "go_version", lambda: "go1.25.5")
    monkeypatch.setattr(
        tools, "analysis_versions", lambda: {"dive": "0.13.1", "syft": "1.18.1", "zlib": "1.3"}
    )
    # Another measurement on the real engine must not make these tests exit 5.
    monkeypatch.setattr(cli.measure, "measurement_lock", lambda: lock.measurement_lock(tmp_path / "lock"))

    def make(
        *, failing: tuple[str, ...] = (), unknown: tuple[int, Any] = (404, NOT_FOUND), size_error: int = 0
    ) -> FakeEngineClient:
        client = FakeEngineClient(
            bases={
                "alpine:3.19": FakeImageSpec(layers=ALPINE, config={}, files=[]),
                "golang:1.25-alpine": FakeImageSpec(layers=GOLANG_ALPINE, config={}, files=[]),
                "golang:1.25": FakeImageSpec(
                    layers=[
                        FakeLayer(created_by="ADD rootfs", size=SDK_ROOTFS),
                        FakeLayer(created_by="COPY go", size=GO_TREE),
                    ],
                    config={},
                    files=[],
                ),
            },
            recipes={
                ("Dockerfile", "builder"): (STEPS[:6], BUILDER),
                ("Dockerfile", None): (STEPS, variant_spec(size_error=size_error)),
                ("variants/cgo.Dockerfile", None): (STEPS, CGO),
            },
            answers={"/": (200, ROOT), "/health": (200, HEALTH), "*": unknown},
            failing=failing,
        )
        engine = Engine(client)  # type: ignore[arg-type]
        monkeypatch.setattr(Engine, "connect", classmethod(lambda cls, base_url=None: engine))
        monkeypatch.setattr(engine_module, "time", client.clock)
        monkeypatch.setattr(probe, "time", client.clock)
        return client

    return make


def measure(tmp_path: Path, repeat: int = 2) -> Measurements:
    options = record.Options(only=["alpine", "cgo"], repeat=repeat, force=True, output=tmp_path / "m.json",
                          publish=False, progress=Progress(live=False))  # fmt: skip
    with contextlib.redirect_stdout(None), contextlib.redirect_stderr(None):
        measured = run.measure(options)
    assert measured is not None
    return measured


def image(data: Measurements, ref: str) -> schema.ImageSize:
    return next(item for item in data.images if item.ref == ref)
