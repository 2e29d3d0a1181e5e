"""What must hold in any honest measurement, checked before a data file is saved or served.

A figure can be well-formed (the schema) and still wrong: an image whose size is not the sum of its
layers, a runtime image smaller than the binary it carries. `check` names every such problem, one
line each, with the image or figure, the value and the rule; an empty list means none was found.
Pure: it reads the data only, so the CLI, the real-engine tests and the fast tests share it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from . import spec
from .schema import Measurements, Spread
from .variants import BY_NAME, PRIMARY, PROJECT, SCRATCH

KiB = 1024
# `docker history` counts a layer's file contents, while what is compressed is the layer's tar, with
# a 512-byte header per entry that history does not count: busybox's `--install -s` layer is a few
# hundred symlinks, 4,728 bytes of content that gzip to 5,292. Above this size contents dominate.
SMALL_LAYER = 64 * KiB
# The scratch image is the binary plus a CA bundle (~220 kB): within 5 % of the binary.
SCRATCH_TOLERANCE = 0.05
# How far apart two timings of the same work may land on this machine before an ordering between
# them (cold >= code change >= cached) is broken: the larger of this floor and the spread the samples
# themselves show. It is what one sample, as `--repeat 1` takes, must be allowed: it shows no spread,
# and on a shared 2-core machine a neighbour that keeps one core busy halves a compile's speed, so a
# single build can take twice another of the same work. Measured here within one run: cold builds of
# 16.148 s and 26.055 s (1.61x), cached ones of 0.052 s and 0.099 s (1.9x); and on BuildKit, where a
# cold and a code-change build both are the compile, a code change of 19.263 s after a cold 17.858 s.
TIMING_NOISE_FACTOR = 2.0
# A pull downloads the config and each layer as the engine's push gzipped it (Go's compress/gzip),
# while an image's `compressed_size` is its `docker save` layers gzipped here by zlib at level 6:
# the same bytes through two compressors, plus a config only the registry counts. Measured here
# (Engine 20.10, seven images pushed to a local registry): the registry's total is 1.8 % to 3.7 %
# above the local one (alpine 4,278,174 B against 4,186,119 B, +2.2 %; single-stage +1.7 %), per
# layer -0.6 % to +7.7 % (the most on layers of a few hundred bytes), never below in total; the
# configs were 2.7 to 5.3 kB of it. 5 % either way leaves room for another engine's gzip and
# still refuses a size that is not the pushed image's: half, double, another variant's.
DOWNLOAD_TOLERANCE = 0.05
# The config is the image's JSON (history, environment, labels): a few kB; this is far above any.
CONFIG_ALLOWANCE = 64 * KiB


def check(data: Measurements) -> list[str]:
    """Every violated invariant in `data`, one line each; empty when the numbers hang together."""
    return [
        *_sizes_add_up(data),
        *_images_carry_their_binary(data),
        *_compression_shrinks(data),
        *_builder_is_larger(data),
        *_builds_are_ordered(data),
        *_downloads_match_the_layers(data),
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


def _downloads_match_the_layers(data: Measurements) -> Iterator[str]:
    images = {image.variant: image for image in data.images if image.role == "variant"}
    for published in data.publish:
        image = images.get(published.variant)
        if image is None:
            continue  # its analysis failed; that failure is recorded on its own
        local = image.compressed_size
        low, high = local * (1 - DOWNLOAD_TOLERANCE), local * (1 + DOWNLOAD_TOLERANCE) + CONFIG_ALLOWANCE
        if not low <= published.compressed_size <= high:
            yield (
                f"publish of {published.variant}: the registry's download size {published.compressed_size} "
                f"is not within {DOWNLOAD_TOLERANCE:.0%} (and a config) of its layers gzipped here, {local}"
            )


def _noise_factor(*spreads: Spread) -> float:
    """How far apart these timings' samples may lie: the floor, or the widest ratio they show."""
    shown = [spread.max / spread.min if spread.min > 0 else math.inf for spread in spreads]
    return max(TIMING_NOISE_FACTOR, *shown)


def _seconds(spread: Spread) -> str:
    return f"{spread.min}s" if spread.min == spread.max else f"{spread.min}-{spread.max}s"


def _out_of_order(smaller: Spread, larger: Spread) -> float | None:
    """The noise factor by which the whole of `smaller`'s range lies above `larger`'s when it does
    (it cannot be noise), else None: ranges, not medians, so bad luck in one sample is not a fault."""
    factor = _noise_factor(smaller, larger)
    return factor if smaller.min > larger.max * factor else None


def _builds_are_ordered(data: Measurements) -> Iterator[str]:
    # Each builder's builds of each variant (or of the cache-mount Dockerfile) are ordered on their own.
    keys = {(build.variant, build.builder) for build in data.builds}
    for variant, builder in sorted(keys, key=lambda key: (key[0] != PRIMARY, *key)):
        totals = {
            build.kind: build.total
            for build in data.builds
            if build.variant == variant and build.builder == builder
        }
        variant = variant if builder == "legacy" else f"{variant} ({builder})"
        cold, change, cached = totals.get("cold"), totals.get("code_change"), totals.get("cached")
        if cold is not None and change is not None and (factor := _out_of_order(change, cold)):
            yield (
                f"builds of {variant}: code change {_seconds(change)} is over {factor:g}x cold "
                f"{_seconds(cold)}, more than noise (want cold >= code change)"
            )
        if change is not None and cached is not None and (factor := _out_of_order(cached, change)):
            yield (
                f"builds of {variant}: cached {_seconds(cached)} is over {factor:g}x code change "
                f"{_seconds(change)}, more than noise (want code change >= cached)"
            )


def _probes_match_the_spec(data: Measurements) -> Iterator[str]:
    if PROJECT.service.spec is None:
        return  # a project that names no response spec has its answers recorded, not checked
    for probe in data.probes:
        if not probe.started:
            continue
        # Re-checked from the recorded bodies, so a probe that recorded no problems cannot hide one.
        problems = [*probe.spec_problems, *spec.problems(probe.root_body, probe.health_body)]
        for problem in dict.fromkeys(problems):
            yield f"probe of {probe.variant}: response does not match the service's spec: {problem}"
