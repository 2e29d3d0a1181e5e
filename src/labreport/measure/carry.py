"""Carrying figures over from the previous data file when nothing they rest on changed (issue 22).

Each variant has an inputs hash of its own (`contract.inputs.variant_inputs_hashes`: its Dockerfile
and project entry, the service and its source, the measuring code), here joined with the image IDs
of the bases it builds on and the repeats. A run without --force (and without --only) takes a
variant's records (its image's sizes, packages, files and efficiency, its probe, its lint and its
publish) from the previous data file when that file recorded the same hash for it and the image it
names is still on the engine, instead of building, analysing and probing it again; the primary's
build timings likewise, under "timings" (the primary's hash with the cache-mount Dockerfile's).
Whole-run figures (the binaries, the builder stage, the bases) are measured again, from the
analysis cache where it can. The provenance names what was carried over and from which run.

A variant whose inputs did change is built again, and its build may give the very image the
previous run probed: a comment in the service's source leaves a -trimpath binary with an empty
build ID byte for byte as it was, and the legacy builder then reuses every layer after it. Its
image inputs hash (`inputs_by_image`: that image ID with the measuring code, the service's and the
variant's entries and the repeats) says so, and `probe` takes the probe from that run; the image's
analyses come from the analysis cache, by the same ID. Its lint and publish are measured again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from ..contract import schema
from ..contract.pointer import pointer
from ..contract.schema import BaseImage, CarriedOver, Measurements
from ..contract.variants import BY_NAME, CACHE_MOUNT, PRIMARY, VARIANTS, Variant
from .record import Options, Run

TIMINGS = "timings"  # the name the primary's build timings are carried under
# Every record of the data file is one variant's, the timings' or the whole run's: a new schema
# field goes in one of these (tests/test_carry.py holds them to the schema), so that a carried
# variant does not lose it.
PER_VARIANT = ("images", "probes", "surfaces", "efficiency", "lint", "publish")
OF_THE_TIMINGS = ("builds", "cold_build_log", "buildkit_cold_log", "rebuild")
WHOLE_RUN = ("binaries", "failures")  # measured again, or this run's own
# The phases whose failure in the previous run means its timings are not whole.
TIMING_PHASES = {"timings", "buildkit", "base pulls"}


def previous(options: Options, say: Callable[[str], object]) -> Measurements | None:
    """The data file this run replaces, when its figures may be carried over: not with --force,
    nor --only (which measures a part), nor when it is missing or does not load (said on one line)."""
    if options.force or options.only or not options.output.exists():
        return None
    try:
        return schema.load(options.output)
    except schema.DataError as error:
        say(f"{error}; nothing carried over, every variant is measured again")
        return None


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def inputs_by_variant(
    files: Mapping[str, str],
    bases: Mapping[str, BaseImage],
    repeat: int,
    variants: Iterable[Variant] = VARIANTS,
) -> dict[str, str]:
    """Each variant's inputs hash, and the timings': `files` (by variant, from
    `variant_inputs_hashes`) with the image IDs of the bases the variant builds on (the primary's
    too, for one that copies from its builder stage) and the repeats."""
    hashes: dict[str, str] = {}
    for variant in variants:
        if variant.name not in files:  # not in the project file (a test's own): never carried over
            continue
        refs = set(variant.bases) | (set(BY_NAME[PRIMARY].bases) if variant.uses_builder_image else set())
        ids = [f"{ref}={bases[ref].image_id if ref in bases else 'missing'}" for ref in sorted(refs)]
        hashes[variant.name] = _hash(files[variant.name], *ids, f"repeat={repeat}")
    if PRIMARY in hashes:
        hashes[TIMINGS] = _hash(hashes[PRIMARY], files.get(CACHE_MOUNT, "no cache-mount variant"))
    return hashes


def inputs_by_image(running: Mapping[str, str], images: Mapping[str, str], repeat: int) -> dict[str, str]:
    """Each variant's image inputs hash: `running` (by variant, from `running_inputs_hashes`) with
    the ID of the image this run has for it (`images`, by variant) and the repeats."""
    return {name: _hash(running[name], f"image={image_id}", f"repeat={repeat}")
            for name, image_id in images.items() if name in running}  # fmt: skip


def _origin(data: Measurements, *whats: str) -> tuple[datetime, str]:
    """When and at which commit `what` was measured: carried over twice, it is the first run's (the
    first of `whats` the previous run carried over: a probe carried with its whole variant too)."""
    for item in data.provenance.carried_over:
        if item.what in whats:
            return item.measured_at, item.git_commit
    return data.provenance.measured_at, data.provenance.git_commit


def _unchanged(run: Run, data: Measurements | None, what: str) -> bool:
    now = run.variant_inputs.get(what)
    return data is not None and now is not None and data.provenance.variant_inputs.get(what) == now


def variant(run: Run, data: Measurements | None, chosen: Variant) -> Run | None:
    """The variant's records from `data` as a part of `run` (`Run.part`), or None when they must
    be measured again: its hash changed, the previous run failed on it, a record is missing (its
    publish, where it is published now), or its image is no longer on the engine."""
    if data is None or not _unchanged(run, data, chosen.name):
        return None
    if any(failure.variant == chosen.name for failure in data.failures):
        return None
    publish = chosen.published and run.options.publish
    images = [item for item in data.images if item.role == "variant" and item.variant == chosen.name]
    found: dict[str, list[schema.Model]] = {  # PER_VARIANT
        "images": list(images),
        "probes": [item for item in data.probes if item.variant == chosen.name],
        "surfaces": [item for item in data.surfaces if item.variant == chosen.name],
        "efficiency": [item for item in data.efficiency if item.variant == chosen.name],
        "lint": [item for item in data.lint if item.dockerfile == chosen.dockerfile],
        "publish": [item for item in data.publish if item.variant == chosen.name] if publish else [],
    }
    wanted = {name: 1 for name in found} | {"publish": 1 if publish else 0}
    if any(len(found[name]) != count for name, count in wanted.items()):
        return None
    if run.engine.image(images[0].image_id) is None:
        return None
    part = run.part()
    pointers: list[str] = []
    for name, records in found.items():
        getattr(part, name).extend(records)
        pointers += [pointer(name, index) for index in range(len(records))]
    measured_at, commit = _origin(data, chosen.name)
    part.carried.append(
        CarriedOver(what=chosen.name, inputs_hash=run.variant_inputs[chosen.name],
                    measured_at=measured_at, git_commit=commit, pointers=pointers)
    )  # fmt: skip
    return part


def timings(run: Run, data: Measurements | None) -> bool:
    """Puts the previous run's build timings, logs and rebuild check on `run` when the primary's
    and the cache-mount Dockerfile's inputs did not change and they are whole: True if it did."""
    if data is None or not _unchanged(run, data, TIMINGS) or run.builds:
        return False
    if any(failure.phase in TIMING_PHASES for failure in data.failures):
        return False
    builds = [build for build in data.builds if build.variant in (PRIMARY, CACHE_MOUNT)]
    rebuilt = data.rebuild
    if not builds or (rebuilt is None and run.engine.buildkit is not None):
        return False  # (no rebuild check where the engine has no BuildKit: a fake one)
    if rebuilt is not None and any(run.engine.image(image.image_id) is None for image in rebuilt.builds):
        return False
    run.builds.extend(builds)
    run.cold_log, run.buildkit_cold_log, run.rebuild = data.cold_build_log, data.buildkit_cold_log, rebuilt
    measured_at, commit = _origin(data, TIMINGS)
    pointers = [pointer("builds", index) for index in range(len(builds))]
    pointers += [pointer("cold_build_log"), pointer("buildkit_cold_log"), pointer("rebuild")]
    run.carried.append(
        CarriedOver(what=TIMINGS, inputs_hash=run.variant_inputs[TIMINGS], measured_at=measured_at,
                    git_commit=commit, pointers=pointers)
    )  # fmt: skip
    return True


def probe(run: Run, data: Measurements | None, chosen: Variant) -> Run | None:
    """The variant's probe from `data` as a part of `run` when this run's build gave the image that
    data probed, with the same measuring code, entries and repeats (the image inputs hash); None
    when it must be probed: another image, no probe there, or a failure of that variant there."""
    now = run.image_inputs.get(chosen.name)
    if data is None or now is None or data.provenance.image_inputs.get(chosen.name) != now:
        return None
    if any(failure.variant == chosen.name for failure in data.failures):
        return None
    probes = [item for item in data.probes if item.variant == chosen.name]
    if len(probes) != 1:
        return None
    part = run.part()
    part.probes.extend(probes)
    what = f"{chosen.name} probe"
    measured_at, commit = _origin(data, what, chosen.name)
    part.carried.append(
        CarriedOver(what=what, inputs_hash=now, measured_at=measured_at, git_commit=commit,
                    pointers=[pointer("probes", 0)])
    )  # fmt: skip
    return part


def same_images(
    run: Run,
    data: Measurements | None,
    running: Mapping[str, str],
    carried: Mapping[str, Run],
    measured: Iterable[Variant],
) -> dict[str, Run]:
    """Puts each variant's image inputs hash on `run` (of the image it built, or carried over whole:
    `running` by variant, from `running_inputs_hashes`); returns the probes `probe` takes from
    `data`, by variant, for the variants built again."""
    images = {name: part.images[0].image_id for name, part in carried.items() if part.images}
    images |= {variant.name: run.built[variant.name].image_id for variant in measured
               if variant.name in run.built}  # fmt: skip
    run.image_inputs = inputs_by_image(running, images, run.options.repeat)
    return {variant.name: part for variant in measured
            if variant.name in run.built and (part := probe(run, data, variant)) is not None}  # fmt: skip
