"""Through the real engine: a small image analysed twice, the second time from the analysis cache
(measure/cache.py), with the same figures, and the image facts among them read again through the
docker CLI. Marked `docker`; CI runs it."""

from __future__ import annotations

import re
import subprocess
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from labreport.measure import buildkit, cache, phases, registry, tools
from labreport.measure.engine import Engine
from labreport.measure.record import Options, Run

pytestmark = pytest.mark.docker

TAG = "labreport-scratch:cache-test"
DOCKERFILE = """\
FROM scratch
COPY sh /bin/sh
COPY service /app/service
WORKDIR /app
USER 65532
CMD ["/app/service"]
"""


def _context(folder: Path) -> Path:
    """An image of two files: no registry is needed to build it, and it is done in a second."""
    folder.mkdir()
    (folder / "Dockerfile").write_text(DOCKERFILE)
    for name, size in (("sh", 4_096), ("service", 300_000)):
        (folder / name).write_bytes(bytes(range(256)) * (size // 256))
        (folder / name).chmod(0o755)
    return folder


def _cli(*arguments: str) -> str:
    return subprocess.run([buildkit.cli(), *arguments], capture_output=True, text=True, check=True).stdout


def _exported_files(ref: str, archive: Path) -> list[str]:
    """The regular files of a container of `ref`, as `docker create` and `docker export` give them."""
    container = _cli("create", ref).strip()
    try:
        _cli("export", "--output", str(archive), container)
    finally:
        _cli("rm", "--force", container)
    with tarfile.open(archive) as exported:
        return [member.name for member in exported.getmembers() if member.isfile()]


def test_a_real_image_analysed_twice_comes_from_the_cache_the_second_time(
    tmp_path: Path, analysis_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine.connect()
    ran: list[str] = []

    def counted(name: str) -> Callable[..., Any]:
        real = getattr(tools, name)

        def running(*given: Any) -> Any:
            ran.append(name)
            return real(*given)

        return running

    for name in ("syft", "dive"):
        monkeypatch.setattr(tools, name, counted(name))
    runs: list[Run] = []
    seconds: list[float] = []
    said: list[str] = []
    try:
        image_id = engine.build(_context(tmp_path / "context"), tag=TAG).image_id
        for _ in range(2):
            analyses = cache.AnalysisCache(analysis_cache, tools.analysis_versions, said.append)
            run = Run(engine=engine, options=Options(only=[], output=tmp_path / "m.json"), cache=analyses)
            started = time.monotonic()
            phases.analyse(run, TAG, "variant", "cache-test", image_id=image_id)
            seconds.append(time.monotonic() - started)
            runs.append(run)
        inspected = _cli(
            "image", "inspect", "--format", "{{.Id}} {{.Size}} {{len .RootFS.Layers}} {{.Config.User}}", TAG
        )
        files = _exported_files(TAG, tmp_path / "exported.tar")
    finally:
        engine.remove_image(TAG)
    first, second = runs
    print(f"analyse {TAG}: cold {seconds[0]:.2f}s, from the cache {seconds[1]:.3f}s")
    assert said == [] and ran == ["syft", "dive"], "the tools ran once, for the first analysis"
    assert first.cached == [] and [item.image_id for item in second.cached] == [image_id]
    assert second.cached[0].pointers == ["/images/0", "/surfaces/0", "/efficiency/0"]
    assert (second.images, second.surfaces, second.efficiency) == (
        first.images,
        first.surfaces,
        first.efficiency,
    )
    image, surface = second.images[0], second.surfaces[0]
    # The image facts, as the docker CLI reads them: ID, size, layers that hold files, and the user.
    layers = [layer for layer in image.layers if layer.compressed_size is not None]
    assert inspected.split() == [image.image_id, str(image.size), str(len(layers)), surface.user]
    # The files: the image's two and what the engine adds to any container (/.dockerenv, /etc/hosts...).
    assert surface.files == len(files) and {"bin/sh", "app/service"} <= set(files)
    assert (surface.has_shell, surface.program, surface.program_mode) == (True, "/app/service", "0755")
    assert seconds[1] < seconds[0] / 5
    assert engine.image(TAG) is None
    entry = cache.entry_path(analysis_cache, image_id)
    assert entry is not None and entry.exists()


def test_a_push_to_a_registry_on_kept_storage_uploads_only_what_it_does_not_hold(
    tmp_path: Path, analysis_cache: Path
) -> None:
    """The registry's blobs kept in the analysis cache (cache.AnalysisCache.registry): a second
    push of the same image, to a registry on another port, uploads no blob (the registry's own
    access log, the witness) and gives the same manifest, so the same compressed size."""
    engine = Engine.connect()
    storage = cache.AnalysisCache(analysis_cache, tools.analysis_versions, print).registry
    logs, sizes = [tmp_path / "first.log", tmp_path / "second.log"], []
    try:
        image_id = engine.build(_context(tmp_path / "context"), tag=TAG).image_id
        for log in logs:
            with registry.local_registry(access_log=log, storage=storage) as address:
                engine.push(image_id, f"{address}/labreport-scratch:cache-test")
                sizes.append(registry.manifest_size(address, "labreport-scratch", "cache-test"))
    finally:
        engine.remove_image(TAG)
    upload = re.compile(r'"(?:POST|PATCH|PUT) /v2/[^ ]+/blobs/uploads/')
    uploads = [len(upload.findall(log.read_text())) for log in logs]
    assert uploads[0] >= 2 and uploads[1] == 0, uploads  # two layers and a config, then nothing
    assert sizes[0] == sizes[1] > 0
    assert any(storage.rglob("data")), "the blobs are under the analysis cache"
    cache.clear(analysis_cache)
    assert not storage.exists()
