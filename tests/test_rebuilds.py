"""BuildKit's builds of record: base pulls timed only where bases were pulled."""

from __future__ import annotations

import contextlib
import io
import tarfile
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest

from labreport.contract.schema import BaseImage
from labreport.contract.variants import BY_NAME, PRIMARY
from labreport.measure import rebuilds
from labreport.measure.buildlog import ImageInfo
from labreport.measure.record import Run


class _Engine:
    """The engine under measurement, or the fresh node the bases are pulled into."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.timer = SimpleNamespace(seconds=0.0)

    def registry_mirrors(self) -> list[str]:
        return ["http://127.0.0.1:5999/"]

    def remove_image(self, ref: str) -> None:
        self.calls.append(("remove", ref))

    def pull(self, ref: str) -> bool:
        self.calls.append(("pull", ref))
        return True

    def timed_pull(self, ref: str) -> float:
        self.calls.append(("timed pull", ref))
        self.timer.seconds += 1.5
        return 1.5


def _run(source: str) -> tuple[Run, _Engine]:
    engine = _Engine()
    bases = {
        ref: BaseImage(requested=ref, source=source, image_id="sha256:y")  # type: ignore[arg-type]
        for ref in BY_NAME[PRIMARY].bases
    }
    return cast(Run, SimpleNamespace(engine=engine, bases=bases)), engine


@pytest.fixture
def nodes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], _Engine]]:
    """The fresh daemons `_pull_bases` starts: the mirrors each was given, and the node."""
    started: list[tuple[list[str], _Engine]] = []

    @contextlib.contextmanager
    def fresh_daemon(mirrors: list[str]) -> Iterator[_Engine]:
        started.append((mirrors, _Engine()))
        yield started[-1][1]

    monkeypatch.setattr(rebuilds.registry, "fresh_daemon", fresh_daemon)
    return started


@pytest.mark.parametrize("source", ["standin", "present"])
def test_local_bases_are_not_pulled(source: str, nodes: list[tuple[list[str], _Engine]]) -> None:
    run, engine = _run(source)
    assert rebuilds._pull_bases(run, BY_NAME[PRIMARY]) is None
    assert engine.calls == [] and nodes == []


def test_pulled_bases_are_pulled_into_a_fresh_daemon_that_reaches_the_same_registries(
    nodes: list[tuple[list[str], _Engine]],
) -> None:
    # The real path, with the layers' downloads witnessed by the registry: tests/test_mirror_docker.py.
    run, engine = _run("pulled")
    assert rebuilds._pull_bases(run, BY_NAME[PRIMARY]) == 3.0  # 1.5 s for each of the two bases
    ((mirrors, node),) = nodes
    assert mirrors == ["http://127.0.0.1:5999/"]
    refs: Any = BY_NAME[PRIMARY].bases
    assert node.calls == [("timed pull", ref) for ref in refs]
    # Nothing on the measured engine: removing a base there only untags it while builds use it.
    assert engine.calls == []
    assert engine.timer.seconds == 3.0, "the node's Docker time counts as the run's"


# The program's bytes in the fake image, and their sha256 as `sha256sum` prints it: the witness.
PROGRAM = b"\x7fELF a program that is not the shell" * 1000
PROGRAM_SHA256 = "sha256:" + "5f20d54b9fb95d7416a68b19ec5b176d1123e225ecb7940b60f5919104b3bf12"


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class _ImageEngine:
    """An engine holding one image whose file system is `files`; its command is relative to /app."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def image(self, ref: str) -> ImageInfo:
        command = ("./devops-info-service",)
        return ImageInfo(ref=ref, id="sha256:image", size=0, labels={}, user="", workdir="/app",
                         command=command, layers=(), diff_ids=("sha256:a", "sha256:b"))  # fmt: skip

    @contextlib.contextmanager
    def container(self, ref: str, *, start: bool) -> Iterator[SimpleNamespace]:
        archive = _tar(self.files)
        yield SimpleNamespace(export=lambda: iter([archive[:1000], archive[1000:]]))


def test_the_rebuilt_binary_hash_is_of_the_program_the_image_runs() -> None:
    engine = _ImageEngine({"bin/sh": b"a shell", "app/devops-info-service": PROGRAM, "app/x": b"other"})
    rebuilt = rebuilds._rebuilt(cast(Run, SimpleNamespace(engine=engine)), "sha256:image")
    assert rebuilt.binary_sha256 == PROGRAM_SHA256
    assert rebuilt.image_id == "sha256:image" and rebuilt.diff_ids == ["sha256:a", "sha256:b"]
    # Another program, another hash: the figure is read from the image, not a constant.
    engine.files["app/devops-info-service"] = PROGRAM + b"!"
    assert rebuilds._rebuilt(cast(Run, SimpleNamespace(engine=engine)), "sha256:image").binary_sha256 != (
        PROGRAM_SHA256
    )
