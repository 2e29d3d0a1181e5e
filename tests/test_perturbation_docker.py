"""A known change must show up in the figures: 1 MiB of random bytes embedded in the service must
grow the binary, the image and its compressed size by 1 MiB each (within 1 %), measured through the
real engine against a baseline taken in the same test; and the recorded sizes must agree with an
independent witness, the docker CLI."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from labreport.contract.variants import REPO_ROOT
from labreport.measure import analysis, tools
from labreport.measure.engine import Engine

pytestmark = pytest.mark.docker

# 1 MiB, not 256 KiB: the linker pads sections to 4 KiB pages, which 1 % of 256 KiB would not cover.
PAYLOAD = 1024 * 1024
TAG = "devops-info-service:perturbation-test"
DOCKER = "/usr/bin/docker"
# .dockerignore lets only app/*.go into the context, and go build skips files named _*: the blob
# goes in as a .go file the compiler never reads.
BLOB = REPO_ROOT / "app" / "_perturbation_blob.go"
EMBED = REPO_ROOT / "app" / "zz_perturbation_test_embed.go"
EMBED_SOURCE = """package main

import _ "embed"

//go:embed _perturbation_blob.go
var perturbationBlob []byte

// Read at start-up so the linker keeps the bytes.
var perturbationByte = func() byte { return perturbationBlob[len(perturbationBlob)/2] }()
"""


def measure_once(engine: Engine, scratch: Path) -> tuple[int, int, int, list[int]]:
    """(binary, image, compressed) bytes of the primary Dockerfile's image and the stripped binary."""
    binary = scratch / "binary"
    tools.go_build(REPO_ROOT / "app", binary, flags=["-ldflags=-s -w"], cgo=False)
    built = engine.build(REPO_ROOT, tag=TAG)
    info = engine.image(built.image_id)
    assert info is not None
    archive = scratch / "image.tar"
    engine.save_image(built.image_id, archive)
    compressed = sum(analysis.compressed_layer_sizes(archive))
    archive.unlink()
    witness(built.image_id, info.size, [layer.size for layer in info.layers])
    return binary.stat().st_size, info.size, compressed, [layer.size for layer in info.layers]


def witness(image_id: str, size: int, layers: list[int]) -> None:
    """The docker CLI, not the SDK: the same layer count and the same size."""
    history = subprocess.run(
        [DOCKER, "history", "-q", "--no-trunc", image_id], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    inspect = subprocess.run(
        [DOCKER, "image", "inspect", image_id], capture_output=True, text=True, check=True
    ).stdout
    assert len(history) == len(layers)
    assert json.loads(inspect)[0]["Size"] == size == sum(layers)


def test_embedded_bytes_grow_binary_image_and_compressed_size_alike() -> None:
    engine = Engine.connect()
    dangling_before = set(engine.dangling_images())
    with tempfile.TemporaryDirectory(prefix="labreport-perturbation-") as scratch:
        try:
            base_binary, base_image, base_compressed, _ = measure_once(engine, Path(scratch))
            BLOB.write_bytes(os.urandom(PAYLOAD))
            EMBED.write_text(EMBED_SOURCE)
            binary, image, compressed, _ = measure_once(engine, Path(scratch))
        finally:
            BLOB.unlink(missing_ok=True)
            EMBED.unlink(missing_ok=True)
            engine.remove_image(TAG)
            engine.remove_images(set(engine.dangling_images()) - dangling_before)
    # Random bytes do not compress: each figure grows by the payload, give or take 1 %.
    for name, grown in (
        ("binary", binary - base_binary),
        ("image", image - base_image),
        ("compressed", compressed - base_compressed),
    ):
        assert grown == pytest.approx(PAYLOAD, rel=0.01), f"{name} grew by {grown}, not ~{PAYLOAD}"
