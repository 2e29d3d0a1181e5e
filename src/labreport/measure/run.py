"""The measurement run: build, run, probe and analyse every variant into data/measurements.json.

Phases run in order (`measure` reads as the list of them); a failing variant is recorded and the
others are still measured. The phases themselves are in `phases`.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from ..contract.inputs import (
    git_dirty,
    git_output,
    inputs_hash,
    running_inputs_hashes,
    variant_inputs_hashes,
)
from ..contract.schema import (
    SCHEMA_VERSION,
    EngineFacts,
    Measurements,
    Provenance,
)
from ..contract.variants import BUILDER_REF, BY_NAME, PRIMARY, ROOT, VARIANTS, Variant
from . import carry, phases, rebuilds, registry, standins, stopping, tools
from .background import Background
from .cache import AnalysisCache
from .engine import Engine, EngineError
from .polling import poll
from .record import Options, Run

T = TypeVar("T")
P = ParamSpec("P")


def is_up_to_date(output: Path, current_hash: str) -> bool:
    if not output.exists():
        return False
    try:
        recorded = json.loads(output.read_text())["provenance"]["inputs_hash"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(recorded == current_hash)


def measure(options: Options) -> Measurements | None:
    """Runs every phase; returns None when the recorded data is current and --force is not given."""
    current_hash = inputs_hash()
    progress = options.progress
    if not options.force and not options.only and is_up_to_date(options.output, current_hash):
        progress.say(f"{options.output} is current (inputs {current_hash}); --force re-measures")
        return None
    started = time.monotonic()
    stopping.begin()
    engine = Engine.connect()
    folder = options.analysis_cache
    analyses = None if folder is None else AnalysisCache(folder, tools.analysis_versions, progress.say)
    run = Run(engine=engine, options=options, cache=analyses)
    # The registry keeps its blobs beside the analyses: a layer pushed by an earlier run is not
    # gzipped and uploaded again (nor is anything read from there: pulls go to a fresh daemon).
    storage = None if analyses is None else analyses.registry
    variants = [BY_NAME[name] for name in options.only] if options.only else list(VARIANTS)
    bases = sorted({base for variant in variants for base in variant.bases} | set(BY_NAME[PRIMARY].bases))
    dangling_before = set(engine.dangling_images())
    containers_before = engine.container_ids()
    previous = carry.previous(options, progress.say)
    background = Background(run)
    registries = contextlib.ExitStack()  # the local registry, from the first push to the last pull
    try:
        with progress.phase("base images", total=len(bases)) as step:
            for ref in bases:
                base = run.attempt("bases", None, standins.ensure_base, engine, ref, echo=lambda text: None)
                recipe = standins.recipe_for(ref)
                note = standins.go_mismatch(recipe) if recipe and base and base.source == "standin" else None
                if note:  # also in the recorded recipe: the data says which Go the figures rest on
                    progress.say(f"{ref}: the stand-in {note}")
                if base is not None:
                    run.bases[ref] = base
                step()
        run.variant_inputs = carry.inputs_by_variant(
            variant_inputs_hashes(), run.bases, options.repeat, variants
        )
        carried = {variant.name: part for variant in variants
                   if (part := carry.variant(run, previous, variant)) is not None}  # fmt: skip
        if carried and previous is not None:
            progress.say(f"carried over from {options.output} (inputs unchanged): {', '.join(carried)}")
        measured = [variant for variant in variants if variant.name not in carried]
        if analyses is not None:
            analyses.tools  # noqa: B018 -- asked once here, before the workers share the answer
        # Analyses time nothing: they run in the background from here until the timings.
        base_parts = [
            background.submit("sizes", ref, f"analyse {ref}", phases.analyse, ref, "base", None,
                              image_id=base.image_id)
            for ref, base in run.bases.items()
        ]  # fmt: skip
        parts: dict[str, list[Future[Run]]] = {variant.name: [] for variant in variants}
        with progress.phase("lint (hadolint)", total=len(measured)) as step:
            for variant in measured:
                part = run.part()
                part.attempt("lint", variant.name, phases.lint, part, variant)
                parts[variant.name].append(_done(part))
                step()
        # go build four ways times nothing either: beside the image builds.
        binaries = background.submit("binaries", None, "binary built four ways", phases.binaries, _no_steps)
        builder_part: list[Future[Run]] = []
        address = None
        if options.publish and any(variant.published for variant in measured):
            started_registry = registry.local_registry(storage=storage)
            address = run.attempt("publish", None, registries.enter_context, started_registry)

        def build(variant: Variant) -> None:
            run.attempt("build", variant.name, phases.build_variant, run, variant)
            if variant.name in run.built:
                image_id = run.built[variant.name].image_id
                parts[variant.name].append(
                    background.submit("sizes", variant.name, f"analyse {variant.name}", phases.analyse,
                                      variant.ref, "variant", variant.name, image_id=image_id)
                )  # fmt: skip
                if address is not None and variant.published:  # while it has its tag (`push`)
                    parts[variant.name].append(
                        background.submit("publish", variant.name, f"push {variant.name}", phases.push,
                                          variant, address)
                    )  # fmt: skip

        # The variants that compile in an image of their own go first: a whole SDK in the image
        # makes theirs the longest analyses, which then overlap the builds after them, not trail.
        apart = [
            variant for variant in measured if variant.name != PRIMARY and not variant.uses_builder_image
        ]
        with progress.phase("builds", total=1 + len(measured)) as step:
            for variant in apart:
                build(variant)
                step()
            run.attempt("build", "builder", phases.build_builder, run)
            if "builder" in run.built:  # a failed builder build leaves an older image under its tag
                builder_id = run.built["builder"].image_id
                builder_part.append(
                    background.submit("sizes", BUILDER_REF, f"analyse {BUILDER_REF}", phases.analyse,
                                      BUILDER_REF, "builder", "builder", image_id=builder_id)
                )  # fmt: skip
            step()
            for variant in measured:
                if variant not in apart:
                    build(variant)
                    step()
        with progress.phase("the analyses still running (nothing is timed beside them)"):
            background.wait()
        if (PRIMARY in run.built or PRIMARY in carried) and not carry.timings(run, previous):
            with progress.phase(f"build timings ({options.repeat} repeats)", total=options.repeat) as step:
                run.attempt("timings", PRIMARY, phases.timings, run, BY_NAME[PRIMARY], step)
            if engine.buildkit is not None:  # None only for a fake engine
                total = options.repeat + 1
                with progress.phase(
                    f"BuildKit timings and rebuild ({options.repeat} repeats)", total=total
                ) as step:
                    run.attempt("buildkit", PRIMARY, rebuilds.buildkit_timings, run, step)
        same = carry.same_images(run, previous, running_inputs_hashes(), carried, measured)
        if same:
            progress.say(f"the same images as in {options.output}, probes carried over: {', '.join(same)}")
        for variant in measured:
            if variant.name in same:
                parts[variant.name].append(_done(same[variant.name]))
            elif variant.name in run.built:
                with progress.phase(f"probe {variant.name}"):
                    part = run.part()
                    part.attempt("probe", variant.name, phases.probe_variant, part, variant)
                    parts[variant.name].append(_done(part))
        # In the order the variants are listed, whatever finished first.
        for variant in variants:
            if variant.name in carried:
                parts[variant.name] = [_done(carried[variant.name])]
        run.absorb(binaries.result())
        for future in [*(f for v in variants for f in parts[v.name]), *base_parts, *builder_part]:
            run.absorb(future.result())
        run.attempt("images", None, retag_measured, run)
        if address is not None:
            with progress.phase("time pulls from the local registry"):
                run.attempt("publish", None, phases.time_pulls, run, address)
    except KeyboardInterrupt:
        # The daemon finishes a build's current step after the client has gone: wait for those
        # builds, so the images they leave are there for the clean-up below to remove. The
        # background's analyses are stopped, not waited for.
        stopping.stop()
        with _reported(progress.say, "stopping the analyses"):
            background.close()
        with _reported(progress.say, "waiting for the engine's builds to end"):
            settle(engine, containers_before)
        raise
    finally:
        background.close()
        with _reported(progress.say, "stopping the local registry"):
            registries.close()
        if storage is not None and any(failure.phase == "publish" for failure in run.failures):
            # Never trusted after a failure: a blob it holds may be why; the next run pushes afresh.
            shutil.rmtree(storage, ignore_errors=True)
        # Whatever happened above (a failure, Ctrl-C), nothing this run started stays behind.
        with _reported(progress.say, "removing this run's containers"):
            engine.remove_leftovers()
        with _reported(progress.say, "removing this run's dangling images"):
            engine.remove_images(set(engine.dangling_images()) - dangling_before)
    run.attempt("images", None, measured_images_remain, run)
    return _assemble(run, current_hash, time.monotonic() - started)


@contextlib.contextmanager
def _reported(say: Callable[[str], object], doing: str) -> Iterator[None]:
    """A step of the clean-up: its failure is said in one line and does not stop the steps after
    it (the run's own outcome, or its Ctrl-C, is what the caller sees)."""
    try:
        yield
    except Exception as error:
        say(f"clean-up: {doing} failed: {error}")


def _no_steps() -> None:
    """The step counter of work in the background, which shows no bar."""


def _done(part: Run) -> Future[Run]:
    """A part done in the main thread, listed beside the background's."""
    future: Future[Run] = Future()
    future.set_result(part)
    return future


def retag_measured(run: Run) -> None:
    """Points each measured image's tag back at the image this run measured under it.

    Later phases build the same Dockerfiles again: the legacy builder's cache prefers the newest
    match, so the timings' cached build after a cold one moves the variant's tag to the cold build's
    image, and the measured one, left untagged, would be deleted by the push that tags and untags
    it, or go with the clean-up's dangling images. The data would then name an image no
    `docker image inspect` finds."""
    for image in run.images:
        with contextlib.suppress(EngineError):  # gone already: `measured_images_remain` names it
            run.engine.tag(image.image_id, image.ref)


def recorded_image_ids(run: Run) -> dict[str, str]:
    """Every image ID the data will name, with what names it: images, bases and the rebuild."""
    named = {image.image_id: image.ref for image in run.images}
    named |= {base.image_id: base.requested for base in run.bases.values()}
    if run.rebuild is not None:
        named |= {build.image_id: f"rebuild {n}" for n, build in enumerate(run.rebuild.builds, start=1)}
    return named


def measured_images_remain(run: Run) -> None:
    """Raises, naming them, when an image the data names is no longer on the engine."""
    gone = [f"{name} ({image_id})" for image_id, name in recorded_image_ids(run).items()
            if run.engine.image(image_id) is None]  # fmt: skip
    if gone:
        raise RuntimeError(f"the run removed images its data names: {', '.join(gone)}")


def settle(engine: Engine, known: set[str], seconds: float = 60.0, quiet: float = 2.0) -> None:
    """Waits (at most `seconds`) until no container outside `known` has existed for `quiet` seconds.

    The daemon runs a build's current step to its end after the client has gone, in a container of
    its own, and commits the step's image only then; ours are removed meanwhile."""
    last_busy = time.monotonic()

    def quiet_long_enough() -> bool | None:
        nonlocal last_busy
        engine.remove_leftovers()
        now = time.monotonic()
        if engine.container_ids() - known:
            last_busy = now
        return now - last_busy >= quiet or None

    poll(quiet_long_enough, seconds, interval=0.25)


def _cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str | None:
    """The CPU's model name, so the history can tell a slower machine from a slower build."""
    try:
        lines = cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return None


def _assemble(run: Run, current_hash: str, seconds: float) -> Measurements:
    facts = run.engine.facts()
    return Measurements(
        schema_version=SCHEMA_VERSION,
        provenance=Provenance(
            measured_at=datetime.now(UTC).replace(microsecond=0),
            git_commit=git_output(ROOT, "rev-parse", "HEAD").strip() or "unknown",
            git_dirty=git_dirty(),
            engine=EngineFacts(**facts),
            builder=(
                "BuildKit (docker CLI, DOCKER_BUILDKIT=1); the legacy builder (docker-py) as a comparison"
                if run.engine.buildkit is not None
                else "legacy (docker-py, no BuildKit)"
            ),
            host_os=f"{platform.system()} {platform.release()}",
            host_architecture=platform.machine(),
            cpu_count=os.cpu_count() or 0,
            cpu_model=_cpu_model(),
            cached_analyses=run.cached,
            variant_inputs=run.variant_inputs,
            image_inputs=run.image_inputs,
            carried_over=run.carried,
            python_version=platform.python_version(),
            go_version=standins.go_version(),
            bases=list(run.bases.values()),
            inputs_hash=current_hash,
            repeats=run.options.repeat,
            only=run.options.only,
            duration_seconds=round(seconds, 1),
            docker_seconds=round(run.engine.timer.seconds, 1),
            tool_seconds=round(tools.TIMER.seconds, 1),
            buildkit_version=run.engine.buildkit.engine_version() if run.engine.buildkit else None,
            docker_cli_version=run.engine.buildkit.client_version() if run.engine.buildkit else None,
        ),
        images=run.images,
        builds=run.builds,
        cold_build_log=run.cold_log,
        binaries=run.binaries,
        probes=run.probes,
        surfaces=run.surfaces,
        efficiency=run.efficiency,
        lint=run.lint,
        publish=run.publish,
        failures=run.failures,
        buildkit_cold_log=run.buildkit_cold_log,
        rebuild=run.rebuild,
    )
