"""What must hold in any honest measurement, checked before a data file is saved or served.

A figure can be well-formed (the schema) and still wrong: an image whose size is not the sum of its
layers, a runtime image smaller than the binary it carries. `check` names every such problem, one
line each, with the image or figure, the value and the rule; an empty list means none was found.
Pure: it reads the data only, so the CLI, the real-engine tests and the fast tests share it.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import spec
from .schema import Measurements
from .variants import BY_NAME, PRIMARY, SCRATCH

KiB = 1024
# `docker history` counts a layer's file contents, while what is compressed is the layer's tar, with
# a 512-byte header per entry that history does not count: busybox's `--install -s` layer is a few
# hundred symlinks, 4,728 bytes of content that gzip to 5,292. Above this size contents dominate.
SMALL_LAYER = 64 * KiB
# The scratch image is the binary plus a CA bundle (~220 kB): within 5 % of the binary.
SCRATCH_TOLERANCE = 0.05
# A code-change build may take this much longer than a cold one before it is a problem: both run the
# compile that dominates them (on BuildKit they differ only by two sub-second steps), so on a shared,
# noisy machine their medians can land a few percent either way (measured: 18.03 s against 18.14 s).
BUILD_NOISE = 0.05


def check(data: Measurements) -> list[str]:
    """Every violated invariant in `data`, one line each; empty when the numbers hang together."""
    return [
        *_sizes_add_up(data),
        *_images_carry_their_binary(data),
        *_compression_shrinks(data),
        *_builder_is_larger(data),
        *_builds_are_ordered(data),
        *_probes_match_the_spec(data),
    ]


def _sizes_add_up(data: Measurements) -> Iterator[str]:
    for image in data.images:
        layers = sum(layer.size for layer in image.layers)
        if image.size != layers:
            yield f"{image.ref}: size {image.size} != {layers}, the sum of its {len(image.layers)} layers"


def _images_carry_their_binary(data: Measurements) -> Iterator[str]:
    binaries = {binary.flavour: binary.size for binary in data.binaries}
    for image in data.images:
        variant = BY_NAME.get(image.variant or "") if image.role == "variant" else None
        if variant is None:
            continue
        flavour = variant.flavour
        binary = binaries.get(flavour)
        if binary is None:
            continue  # the binaries phase failed; that failure is recorded on its own
        if image.size <= binary:
            yield (
                f"{image.ref}: size {image.size} is not larger than the {flavour} binary it carries "
                f"({binary})"
            )
        if image.variant == SCRATCH and abs(image.size - binary) > SCRATCH_TOLERANCE * binary:
            yield (
                f"{image.ref}: size {image.size} is not within {SCRATCH_TOLERANCE:.0%} of the "
                f"{flavour} binary ({binary})"
            )


def _compression_shrinks(data: Measurements) -> Iterator[str]:
    for image in data.images:
        if image.size > KiB and image.compressed_size >= image.size:
            yield (f"{image.ref}: compressed size {image.compressed_size} is not below its size {image.size}")
        for position, layer in enumerate(image.layers, start=1):
            if layer.size <= SMALL_LAYER:
                continue
            where = f"{image.ref} layer {position} ({layer.instruction[:40]})"
            # None: data measured before layers carried a compressed size. A measurement now always
            # records one (phases.analyse raises when the archive and the history do not line up).
            if layer.compressed_size is not None and layer.compressed_size >= layer.size:
                yield f"{where}: compressed size {layer.compressed_size} is not below its size {layer.size}"


def _builder_is_larger(data: Measurements) -> Iterator[str]:
    builder = next((image for image in data.images if image.role == "builder"), None)
    if builder is None:
        return
    for image in data.images:
        variant = BY_NAME.get(image.variant or "") if image.role == "variant" else None
        if variant is not None and variant.from_builder_stage and builder.size <= image.size:
            yield (
                f"{builder.ref}: size {builder.size} is not larger than the final image "
                f"{image.ref} ({image.size}) built from it"
            )


def _builds_are_ordered(data: Measurements) -> Iterator[str]:
    # Each builder's builds of each variant (or of the cache-mount Dockerfile) are ordered on their own.
    keys = {(build.variant, build.builder) for build in data.builds}
    for variant, builder in sorted(keys, key=lambda key: (key[0] != PRIMARY, *key)):
        totals = {
            build.kind: build.total.median
            for build in data.builds
            if build.variant == variant and build.builder == builder
        }
        variant = variant if builder == "legacy" else f"{variant} ({builder})"
        cold, change, cached = totals.get("cold"), totals.get("code_change"), totals.get("cached")
        if cold is not None and change is not None and change > cold * (1 + BUILD_NOISE):
            yield f"builds of {variant}: cold {cold}s < code change {change}s (want cold >= code change)"
        if change is not None and cached is not None and change < cached:
            yield (
                f"builds of {variant}: code change {change}s < cached {cached}s (want code change >= cached)"
            )


def _probes_match_the_spec(data: Measurements) -> Iterator[str]:
    for probe in data.probes:
        if not probe.started:
            continue
        # Re-checked from the recorded bodies, so a probe that recorded no problems cannot hide one.
        problems = [*probe.spec_problems, *spec.problems(probe.root_body, probe.health_body)]
        for problem in dict.fromkeys(problems):
            yield f"probe of {probe.variant}: response does not match the service's spec: {problem}"
