"""BuildKit, the builder of record: its cold, cached and code-change builds of the primary variant,
the same for the cache-mount Dockerfile, and whether two builds from nothing give the same bytes.

The legacy builder's timings (`phases.timings`) stay beside these as a comparison column.
"""

from __future__ import annotations

import hashlib
import posixpath
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..contract.schema import BuildKind, Rebuild, RebuiltImage
from ..contract.variants import (
    BY_NAME,
    CACHE_MOUNT,
    CACHE_MOUNT_DOCKERFILE,
    IMAGE,
    PRIMARY,
    ROOT,
    Variant,
)
from . import registry
from .buildlog import Build
from .context import edited_context
from .phases import BUILD_KINDS
from .record import Run, timing

# Engine 23.0 embeds BuildKit 0.11, the first to honour SOURCE_DATE_EPOCH; Debian 12's 20.10 does not.
SOURCE_DATE_EPOCH_SINCE = 23
# The two builds from nothing of the reproducibility check, kept under these tags after the run.
REBUILD_REFS = (f"{IMAGE}:rebuild-1", f"{IMAGE}:rebuild-2")


def _source_date_epoch(run: Run) -> int | None:
    """The last commit's time, where the engine's BuildKit honours SOURCE_DATE_EPOCH; else None."""
    major = run.engine.facts()["version"].split(".")[0]
    if not major.isdigit() or int(major) < SOURCE_DATE_EPOCH_SINCE:
        return None
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return int(result.stdout.strip()) if result.stdout.strip().isdigit() else None


def _pull_bases(run: Run, variant: Variant) -> float | None:
    """Where the bases came from a registry (CI), the seconds pulling them takes, timed apart from
    the cold build that follows, into a fresh daemon that reaches the same registries. Not on the
    engine itself: the legacy builds' images are children of the bases, so removing a base there
    only untags it and a pull downloads nothing (0.1 s for both, in tests/test_mirror_docker.py).
    None where they are stand-ins or were present (offline): nothing was downloaded."""
    origins = [run.bases.get(ref) for ref in variant.bases]
    if not origins or any(origin is None or origin.source != "pulled" for origin in origins):
        return None
    with registry.fresh_daemon(run.engine.registry_mirrors()) as node:
        seconds = sum(node.timed_pull(ref) for ref in variant.bases)
    run.engine.timer.seconds += node.timer.seconds
    return round(seconds, 3)


def _rebuilt(run: Run, image_id: str) -> RebuiltImage:
    """The image ID, each layer's diff ID and the sha256 of the program the image runs."""
    info = run.engine.image(image_id)
    if info is None or not info.command:
        raise RuntimeError(f"{image_id}: not on the engine, or it names no program")
    program = posixpath.normpath(posixpath.join(info.workdir, info.command[0])).lstrip("/")
    digest = hashlib.sha256()
    with run.engine.container(image_id, start=False) as container, tempfile.TemporaryFile() as exported:
        for chunk in container.export():
            exported.write(chunk)
        exported.seek(0)
        with tarfile.open(fileobj=exported) as archive:
            member = archive.extractfile(program)
            if member is None:
                raise RuntimeError(f"{image_id}: {program} is not a regular file")
            for block in iter(lambda: member.read(1 << 20), b""):
                digest.update(block)
    return RebuiltImage(
        image_id=info.id, binary_sha256=f"sha256:{digest.hexdigest()}", diff_ids=list(info.diff_ids)
    )


def buildkit_timings(run: Run, step: Callable[[], None]) -> None:
    """Each build kind `repeat` times under BuildKit, then the cache-mount Dockerfile's; the first two
    cold builds double as the reproducibility check. One step per repeat, one for the cache mounts."""
    buildkit = run.engine.buildkit
    if buildkit is None:
        raise RuntimeError("this engine has no docker CLI to build with BuildKit")
    tag = f"{IMAGE}:buildkit"
    epoch = _source_date_epoch(run)
    primary = BY_NAME[PRIMARY]
    buildargs = dict(primary.build_args) | ({} if epoch is None else {"SOURCE_DATE_EPOCH": str(epoch)})
    made: set[str] = set()

    def build(context: Path = ROOT, dockerfile: str = primary.dockerfile, *, nocache: bool = False) -> Build:
        done = buildkit.build(context, dockerfile=dockerfile, tag=tag, buildargs=buildargs, nocache=nocache)
        made.add(done.image_id)
        return done

    plain: dict[BuildKind, list[Build]] = {kind: [] for kind in BUILD_KINDS}
    mounted: dict[BuildKind, list[Build]] = {kind: [] for kind in BUILD_KINDS}
    pulls: list[float] = []
    rebuilt: list[RebuiltImage] = []
    try:
        for index in range(run.options.repeat):
            # A failure (no root for the fresh daemon) is recorded; the builds are timed all the same.
            pulled = run.attempt("base pulls", PRIMARY, _pull_bases, run, BY_NAME[PRIMARY])
            pulls += [] if pulled is None else [pulled]
            plain["cold"].append(cold := build(nocache=True))
            if index == 0:
                run.buildkit_cold_log = list(cold.log)
            if index < 2:  # before the tag moves on; the image stays until the finally below
                rebuilt.append(_rebuilt(run, cold.image_id))
            plain["cached"].append(build())
            with edited_context(f"{time.time_ns()}") as context:
                plain["code_change"].append(build(context))
            step()
        if len(rebuilt) < 2:  # one repeat: a second build from nothing, for the comparison only
            rebuilt.append(_rebuilt(run, build(nocache=True).image_id))
        if CACHE_MOUNT_DOCKERFILE:  # a project with no cache-mount variant times none
            # The cache mounts outlive --no-cache: emptied first, so the cold build is cold.
            buildkit.prune_cache_mounts()
            mounted["cold"].append(build(dockerfile=CACHE_MOUNT_DOCKERFILE, nocache=True))
            for _ in range(run.options.repeat):
                mounted["cached"].append(build(dockerfile=CACHE_MOUNT_DOCKERFILE))
                with edited_context(f"{time.time_ns()}") as context:
                    mounted["code_change"].append(build(context, CACHE_MOUNT_DOCKERFILE))
        step()
        # The rebuilt images stay, tagged, so `docker image inspect` finds the IDs the data names and
        # a reader can read the binary whose hash it records; the other builds were timed only.
        for image, ref in zip(rebuilt, REBUILD_REFS, strict=True):
            run.engine.tag(image.image_id, ref)
            made.discard(image.image_id)
    finally:
        run.engine.remove_image(tag)
        run.engine.remove_images(made)
    for kind in BUILD_KINDS:
        run.builds.append(timing(PRIMARY, kind, plain[kind], "buildkit", pulls if kind == "cold" else ()))
    for kind in BUILD_KINDS if CACHE_MOUNT_DOCKERFILE else ():
        run.builds.append(timing(CACHE_MOUNT, kind, mounted[kind], "buildkit"))
    run.rebuild = Rebuild(variant=PRIMARY, builder="buildkit", source_date_epoch=epoch, builds=rebuilt)
