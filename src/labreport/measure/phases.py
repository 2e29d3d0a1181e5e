"""The phases of a measurement, one function each: each does one piece of work and appends what it
measured to the `Run`. `run.measure` calls them in order; a failure is recorded there."""

from __future__ import annotations

import os
import posixpath
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

from ..contract.pointer import pointer
from ..contract.schema import (
    Binary,
    BuildKind,
    CachedAnalysis,
    Efficiency,
    Flavour,
    ImageSize,
    Layer,
    Lint,
    Publish,
    Role,
    Surface,
)
from ..contract.variants import BUILDER_REF, BUILDER_TARGET, BY_NAME, IMAGE, PRIMARY, PROJECT, ROOT, Variant
from . import analysis, cache, probe, registry, tools
from .buildlog import Build, ImageInfo
from .context import edited_context
from .record import Pushed, Run, timing

Step = Callable[[], None]

# How each of the schema's binary flavours is built: go build flags, and whether CGO is on.
FLAVOUR_BUILDS: dict[Flavour, tuple[list[str], bool]] = {
    "default": ([], False),
    "stripped": (["-ldflags=-s -w"], False),
    "stripped_trimpath": (["-ldflags=-s -w -buildid=", "-trimpath"], False),  # as the Dockerfile builds
    "cgo": (["-ldflags=-s -w"], True),
}
BINARY_FLAVOURS: tuple[Flavour, ...] = get_args(Flavour)
BUILD_KINDS: tuple[BuildKind, ...] = get_args(BuildKind)


def lint(run: Run, variant: Variant) -> None:
    findings = analysis.hadolint_findings(tools.hadolint(ROOT / variant.dockerfile))
    run.lint.append(Lint(dockerfile=variant.dockerfile, findings=findings))


def binaries(run: Run, step: Step) -> None:
    with tempfile.TemporaryDirectory(prefix="labreport-bin-") as scratch:
        for flavour in BINARY_FLAVOURS:
            flags, cgo = FLAVOUR_BUILDS[flavour]
            output = Path(scratch) / flavour
            tools.go_build(ROOT / PROJECT.service.source, output, flags=flags, cgo=cgo)
            linking, interpreter = analysis.elf_linking(output.read_bytes())
            run.binaries.append(
                Binary(
                    flavour=flavour,
                    flags=" ".join(["CGO_ENABLED=1" if cgo else "CGO_ENABLED=0", *flags]),
                    size=output.stat().st_size,
                    linking=linking,
                    interpreter=interpreter,
                )
            )
            step()


class DependencyFailed(RuntimeError):
    """A variant was not built because an image it builds on failed to build in this run."""


def _build(
    run: Run, variant: Variant, *, context: Path | None = None, tag: str | None = None, nocache: bool = False
) -> Build:
    buildargs = dict(variant.build_args)
    if variant.uses_builder_image:
        # By the ID this run's builder build returned, never by tag: after a failed builder build
        # the tag still names the previous run's image, and a variant built from it would be stale.
        builder = run.built.get("builder")
        if builder is None:
            raise DependencyFailed(
                f"not built: it copies from the builder stage ({BUILDER_REF}), which failed"
            )
        buildargs["BUILD_STAGE_IMAGE"] = builder.image_id
    return run.engine.build(
        context or ROOT,
        dockerfile=variant.dockerfile,
        tag=tag or variant.ref,
        buildargs=buildargs,
        nocache=nocache,
    )


def build_builder(run: Run) -> None:
    """The primary Dockerfile's builder stage, tagged: the variants that share it copy from it."""
    run.built["builder"] = run.engine.build(
        ROOT,
        dockerfile=BY_NAME[PRIMARY].dockerfile,
        tag=BUILDER_REF,
        target=BUILDER_TARGET,
        buildargs=BY_NAME[PRIMARY].build_args,
    )


def build_variant(run: Run, variant: Variant) -> None:
    build = run.built[variant.name] = _build(run, variant)
    if variant.name == PRIMARY:
        run.cold_log = list(build.log)  # replaced by a truly cold build's log when timings run


def timings(run: Run, variant: Variant, step: Step) -> None:
    """Each build kind `repeat` times; one step per repeat."""
    scratch_tag = f"{IMAGE}:timing"
    kinds: dict[BuildKind, list[Build]] = {kind: [] for kind in BUILD_KINDS}
    try:
        for index in range(run.options.repeat):
            cold = _build(run, variant, nocache=True, tag=scratch_tag)
            kinds["cold"].append(cold)
            if index == 0:
                run.cold_log = list(cold.log)
            kinds["cached"].append(_build(run, variant))
            with edited_context(f"{time.time_ns()}") as context:
                kinds["code_change"].append(_build(run, variant, context=context, tag=scratch_tag))
            step()
    finally:
        run.engine.remove_image(scratch_tag)
    run.builds.extend(timing(variant.name, kind, builds) for kind, builds in kinds.items())


def analyse(run: Run, ref: str, role: Role, variant: str | None, *, image_id: str) -> None:
    """Sizes for every image; packages, files and efficiency for the variants and the builder.

    The image is addressed by `image_id` (what this run built or found), `ref` only names it. What
    an earlier run computed of the same image ID comes from the analysis cache (`cache.py`)."""
    info = run.engine.image(image_id)
    if info is None:
        raise RuntimeError(f"{ref} ({image_id}) is not on the engine")
    named = variant if role == "variant" else None
    cached = None if run.cache is None else run.cache.read(info, deep=variant is not None, name=ref)
    if cached is not None:
        _record_cached(run, cached, ref=ref, role=role, variant=variant)
        return
    with tempfile.TemporaryDirectory(prefix="labreport-save-") as scratch:
        archive = Path(scratch) / "image.tar"
        run.engine.save_image(image_id, archive)
        with tools.TIMER.measure():
            if run.cache is None:
                compressed_layers = analysis.compressed_layer_sizes(archive)
            else:  # a layer an image analysed before also has (its base's) is not gzipped again
                known = run.cache.layers
                compressed_layers = analysis.compressed_layer_sizes(archive, known.read, known.write)
            layers = _layers_with_compressed(info, analysis.history_has_layer(archive), compressed_layers)
        image = ImageSize(ref=ref, role=role, variant=named, image_id=info.id, size=info.size,
                          compressed_size=sum(compressed_layers), layers=layers)  # fmt: skip
        run.images.append(image)  # kept when a tool below fails: the sizes stand on their own
        surface = efficiency = None
        if variant is not None:
            packages = analysis.syft_package_count(tools.syft(archive))
            score, wasted = analysis.dive_efficiency(tools.dive(archive, Path(scratch) / "dive.json"))
    if variant is not None:
        program = posixpath.join(info.workdir, info.command[0]) if info.command else ""
        facts = analysis.surface_facts(run.engine.export_files(image_id), posixpath.normpath(program))
        surface = Surface(variant=variant, packages=packages, user=info.user or "root", **facts)
        efficiency = Efficiency(variant=variant, score=score, wasted_bytes=wasted)
        run.surfaces.append(surface)
        run.efficiency.append(efficiency)
    if run.cache is not None:
        run.cache.write(
            cache.Entry(
                image_id=info.id,
                tools=run.cache.tools,
                analysed_at=datetime.now(UTC).replace(microsecond=0),
                image=image,
                surface=surface,
                efficiency=efficiency,
            ),
            name=ref,
        )


def _record_cached(run: Run, entry: cache.Entry, *, ref: str, role: Role, variant: str | None) -> None:
    """Records an entry's figures under this run's names, and says in the provenance where they are."""
    pointers = [pointer("images", len(run.images))]
    named = variant if role == "variant" else None
    run.images.append(entry.image.model_copy(update={"ref": ref, "role": role, "variant": named}))
    if variant is not None and entry.surface is not None and entry.efficiency is not None:
        pointers += [pointer("surfaces", len(run.surfaces)), pointer("efficiency", len(run.efficiency))]
        run.surfaces.append(entry.surface.model_copy(update={"variant": variant}))
        run.efficiency.append(entry.efficiency.model_copy(update={"variant": variant}))
    run.cached.append(
        CachedAnalysis(
            image_id=entry.image_id,
            ref=ref,
            analysed_at=entry.analysed_at,
            tools=entry.tools,
            pointers=pointers,
        )
    )


def _layers_with_compressed(info: ImageInfo, has_layer: list[bool], compressed: list[int]) -> list[Layer]:
    """The history's layers, each with its compressed size. The archive lists only the entries that
    added a layer (an empty RUN too, with size 0), in the same order: its config's history says
    which, so compressed sizes are not matched by "size > 0", which an empty layer would shift."""
    if len(has_layer) != len(info.layers) or sum(has_layer) != len(compressed):
        raise ValueError(
            f"{info.ref}: {len(info.layers)} history entries and {len(compressed)} archive layers "
            f"do not line up ({sum(has_layer)} of {len(has_layer)} entries add a layer)"
        )
    sizes = iter(compressed)
    return [
        Layer(instruction=layer.instruction, size=layer.size, compressed_size=next(sizes) if adds else None)
        for layer, adds in zip(info.layers, has_layer, strict=True)
    ]


def probe_variant(run: Run, variant: Variant) -> None:
    run.probes.append(probe.probe(run.engine, variant, run.built[variant.name].image_id))


def publish(run: Run, variants: list[Variant]) -> None:
    """Pushes each published variant built in this run to a local registry, then times its pulls."""
    with registry.local_registry() as address:
        for variant in variants:
            if variant.published and variant.name in run.built:
                push(run, variant, address)
        time_pulls(run, address)


def push(run: Run, variant: Variant, address: str) -> None:
    """Pushes the variant's image to the registry at `address` (and Docker Hub, with credentials):
    nothing is timed, so `run.measure` does it in the background, beside the builds."""
    name = variant.name
    target = f"{address}/{IMAGE}:{name}"
    digest = run.engine.push(run.built[name].image_id, target)
    compressed = registry.manifest_size(address, IMAGE, name)
    run.pushed.append(Pushed(variant=name, target=target, digest=digest, compressed_size=compressed,
                             docker_hub=_docker_hub(run, name)))  # fmt: skip


def time_pulls(run: Run, address: str) -> None:
    """Each pushed image pulled `repeat` times into a fresh daemon, alone on the machine."""
    if not run.pushed:
        return
    with registry.fresh_daemon() as node:
        for pushed in run.pushed:
            pulls = [node.timed_pull(pushed.target) for _ in range(run.options.repeat)]
            run.engine.timer.seconds += node.timer.seconds
            node.timer.seconds = 0.0
            run.publish.append(
                Publish(
                    variant=pushed.variant,
                    pushed_ref=pushed.target.split("/", 1)[1],
                    digest=pushed.digest,
                    compressed_size=pushed.compressed_size,
                    pull_seconds=analysis.spread(pulls),
                    docker_hub=pushed.docker_hub,
                )
            )


def _docker_hub(run: Run, name: str) -> str | None:
    """Pushes to Docker Hub when its credentials are in the environment; the token is never printed."""
    user, token = os.environ.get("DOCKERHUB_USERNAME"), os.environ.get("DOCKERHUB_TOKEN")
    if not user or not token:
        return None
    target = f"{user}/{IMAGE}:{name}"
    run.engine.push(run.built[name].image_id, target, auth={"username": user, "password": token})
    return target
