"""The measure vocabulary: how a claim's value is taken from the data, under assumed base weights.

A claim in the claims file names its measure (`image-size`, `reduction`, ...) and the measure's
arguments (`of`, `against`, `kind`, ...). `MEASURES` is the one place a name maps to the function
that measures it; `claimsfile` checks each entry's arguments against it. The yes/no facts are
`checks.FACTS`, the measures whose value is text (`probe-field`, `push-digest`) `readings.READINGS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...contract.schema import ImageSize, Measurements
from ...contract.variants import PROJECT
from ..derive import (
    BASES,
    BUILD_KINDS,
    BUILDER,
    FLAVOURS,
    PRIMARY,
    VARIANTS,
    binary,
    build,
    image,
    layer,
    publish,
    reduction,
    split_base,
    step,
    strip_saving,
    surface,
    times,
    variant_image,
)
from .judge import Measure, Point, Pointing, Weights

#: Names an `of` or `against` may give besides a variant or a base reference: the image's role.
ROLES = {"final": PRIMARY, "builder": BUILDER}


def weighed(data: Measurements, item: ImageSize, weights: Weights) -> float:
    """The image's size with its base (or itself, if it is a base) at the weight assumed for it."""
    if item.ref in weights:
        return weights[item.ref]
    base, _ = split_base(data, item)
    if base is not None and base.ref in weights:
        # The project's share is what the image weighs beyond its base, as `docker images` counts both.
        return weights[base.ref] + item.size - base.size
    return float(item.size)


def _variant(name: str) -> str:
    """A variant's name, the final image's role read as the primary variant."""
    return PRIMARY if name == "final" else name


def find_image(data: Measurements, name: str) -> ImageSize | None:
    """A variant's image by its name, the builder or final image by its role, else a base by reference."""
    name = ROLES.get(name, name)
    if name in VARIANTS:
        return variant_image(data, name)
    return image(data, name)


def image_size(ref: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = find_image(data, ref)
        return None if found is None else weighed(data, found, weights)

    return measure


def variant_size(name: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = variant_image(data, name)
        return None if found is None else weighed(data, found, weights)

    return measure


def download_size(name: str) -> Measure:
    """What a pull downloads: the registry manifest's layer sizes where the image was pushed, else the
    local gzip estimate. The base's share is its own compressed size, replaced by the assumed weight
    (an uncompressed figure, so an upper bound for the compressed one)."""

    def measure(data: Measurements, weights: Weights) -> float | None:
        found, pushed = variant_image(data, name), publish(data, name)
        if found is None:
            return None
        total = float(pushed.compressed_size if pushed is not None else found.compressed_size)
        base, _ = split_base(data, found)
        if base is not None and base.ref in weights:
            return total - base.compressed_size + weights[base.ref]
        return total

    return measure


def size_difference(larger: str, smaller: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        one, other = find_image(data, larger), find_image(data, smaller)
        if one is None or other is None:
            return None
        return weighed(data, one, weights) - weighed(data, other, weights)

    return measure


def layer_size(variant: str, *words: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = layer(variant_image(data, variant), *words)
        return None if found is None else float(found.size)

    return measure


def reduction_against(ref: str, of: str = PRIMARY) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        final, other = find_image(data, of), find_image(data, ref)
        if final is None or other is None:
            return None
        before = weighed(data, other, weights)
        return None if before <= 0 else reduction(before, weighed(data, final, weights))

    return measure


def saving(containers: int, against: str, of: str = PRIMARY) -> Measure:
    """Like the report, every container counts as one full copy of its image (no shared layers)."""

    def measure(data: Measurements, weights: Weights) -> float | None:
        final, other = find_image(data, of), find_image(data, against)
        if final is None or other is None:
            return None
        return (weighed(data, other, weights) - weighed(data, final, weights)) * containers

    return measure


def build_total(kind: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = build(data, kind)
        return None if found is None else found.total.median

    return measure


def step_time(kind: str, *words: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = step(build(data, kind), *words)
        return None if found is None else found.seconds.median

    return measure


def cold_step(*words: str) -> Measure:
    return step_time("cold", *words)


def step_count(kind: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = build(data, kind)
        return None if found is None else float(len(found.steps))

    return measure


def binary_size(flavour: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = binary(data, flavour)
        return None if found is None else float(found.size)

    return measure


def package_count(variant: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = surface(data, _variant(variant))
        return None if found is None else float(found.packages)

    return measure


def pull_ratio(of: str, against: str) -> Measure:
    """How many times longer `against` takes to pull than `of` (medians)."""

    def measure(data: Measurements, weights: Weights) -> float | None:
        slower, faster = publish(data, against), publish(data, of)
        if slower is None or faster is None:
            return None
        return times(slower.pull_seconds.median, faster.pull_seconds.median)

    return measure


def pull_time(of: str) -> Measure:
    def measure(data: Measurements, weights: Weights) -> float | None:
        found = publish(data, of)
        return None if found is None else found.pull_seconds.median

    return measure


def unweighed(function: Callable[[Measurements], float | None]) -> Measure:
    """A derived figure no base weight enters (a binary's size, a ratio of timings)."""

    def measure(data: Measurements, weights: Weights) -> float | None:
        return function(data)

    return measure


# --- where each measure's figure lies in the data, for the evidence the pages show ---------------


def _one(record: object | None, *fields: str) -> Pointing | None:
    """A figure the data holds as it is: `record`'s `fields`."""
    return None if record is None else Pointing(inputs=((record, fields),))


def _two(first: object | None, second: object | None, formula: str, factor: int = 1) -> Pointing | None:
    """Two images' sizes joined by `formula` (`evidence.FORMULAS`): `{0}` is `first`'s."""
    if first is None or second is None:
        return None
    return Pointing(inputs=((first, ("size",)), (second, ("size",))), formula=formula, factor=factor)


def _download(data: Measurements, name: str) -> Pointing | None:
    pushed = publish(data, name)
    return _one(pushed if pushed is not None else variant_image(data, name), "compressed_size")


def _stripped(data: Measurements) -> Pointing | None:
    return _two(binary(data, "default"), binary(data, "stripped"), "reduction")


def _pulls(data: Measurements, of: str, against: str) -> Pointing | None:
    slower, faster = publish(data, against), publish(data, of)
    if slower is None or faster is None:
        return None
    inputs = ((slower, ("pull_seconds", "median")), (faster, ("pull_seconds", "median")))
    return Pointing(inputs=inputs, formula="ratio")


# --- the vocabulary: measure name -> its arguments, the function and where its inputs lie ---------


@dataclass(frozen=True, kw_only=True)
class Arguments:
    """A claim's measure arguments, as the claims file gives them (checked by `claimsfile`)."""

    of: str = ""
    against: str = ""
    containers: int = 0
    kind: str = ""
    instruction: tuple[str, ...] = ()
    flavour: str = ""
    endpoint: str = ""
    field: str = ""


def probed_endpoints() -> tuple[str, ...]:
    """The endpoints whose answers the probe records: the root, the health check, every other one
    the project file declares."""
    return tuple(
        dict.fromkeys((PROJECT.service.endpoints[0], PROJECT.service.health, *PROJECT.service.endpoints))
    )


#: What an argument may name, for the error that names a wrong one.
Domain = tuple[str, ...]
IMAGES: Domain = (*VARIANTS, *BASES, *ROLES)
DOMAINS: dict[str, Callable[[], Domain]] = {
    "variant": lambda: (*VARIANTS, "final"),
    "image": lambda: IMAGES,
    "inventoried": lambda: (*VARIANTS, *ROLES),
    "kind": lambda: BUILD_KINDS,
    "flavour": lambda: FLAVOURS,
    "endpoint": probed_endpoints,
}


@dataclass(frozen=True, kw_only=True)
class MeasureKind:
    summary: str
    #: Argument name -> the domain its value must lie in ("words" and "count" are checked by type).
    arguments: dict[str, str] = field(default_factory=dict)
    make: Callable[[Arguments], Measure]
    #: Where the figure `make` measures (with no base weighed) lies in the data, and its formula.
    point: Callable[[Arguments], Point]


MEASURES: dict[str, MeasureKind] = {
    "image-size": MeasureKind(
        summary="an image's size",
        arguments={"of": "image"},
        make=lambda a: image_size(a.of),
        point=lambda a: lambda d: _one(find_image(d, a.of), "size"),
    ),
    "layer-size": MeasureKind(
        summary="one layer's size, the layer whose instruction holds every word",
        arguments={"of": "variant", "instruction": "words"},
        make=lambda a: layer_size(_variant(a.of), *a.instruction),
        point=lambda a: lambda d: _one(layer(variant_image(d, _variant(a.of)), *a.instruction), "size"),
    ),
    "download-size": MeasureKind(
        summary="what a pull downloads",
        arguments={"of": "variant"},
        make=lambda a: download_size(_variant(a.of)),
        point=lambda a: lambda d: _download(d, _variant(a.of)),
    ),
    "reduction": MeasureKind(
        summary="percent smaller than another image",
        arguments={"of": "image", "against": "image"},
        make=lambda a: reduction_against(a.against, a.of),
        point=lambda a: lambda d: _two(find_image(d, a.against), find_image(d, a.of), "reduction"),
    ),
    "size-difference": MeasureKind(
        summary="bytes between two images",
        arguments={"of": "image", "against": "image"},
        make=lambda a: size_difference(a.of, a.against),
        point=lambda a: lambda d: _two(find_image(d, a.of), find_image(d, a.against), "saving"),
    ),
    "saving": MeasureKind(
        summary="bytes saved at N containers",
        arguments={"of": "image", "against": "image", "containers": "count"},
        make=lambda a: saving(a.containers, a.against, a.of),
        point=lambda a: lambda d: _two(find_image(d, a.against), find_image(d, a.of), "saving", a.containers),
    ),
    "build-total": MeasureKind(
        summary="a build's total seconds",
        arguments={"kind": "kind"},
        make=lambda a: build_total(a.kind),
        point=lambda a: lambda d: _one(build(d, a.kind), "total", "median"),
    ),
    "step-time": MeasureKind(
        summary="one build step's seconds",
        arguments={"kind": "kind", "instruction": "words"},
        make=lambda a: step_time(a.kind, *a.instruction),
        point=lambda a: lambda d: _one(step(build(d, a.kind), *a.instruction), "seconds", "median"),
    ),
    "step-count": MeasureKind(
        summary="the number of steps of a build",
        arguments={"kind": "kind"},
        make=lambda a: step_count(a.kind),
        point=lambda a: lambda d: _one(build(d, a.kind), "steps"),
    ),
    "binary-size": MeasureKind(
        summary="the binary's size",
        arguments={"flavour": "flavour"},
        make=lambda a: binary_size(a.flavour),
        point=lambda a: lambda d: _one(binary(d, a.flavour), "size"),
    ),
    "strip-saving": MeasureKind(
        summary='percent the binary shrinks with -ldflags="-w -s"',
        make=lambda a: unweighed(strip_saving),
        point=lambda a: _stripped,
    ),
    "package-count": MeasureKind(
        summary="packages in an image",
        arguments={"of": "inventoried"},
        make=lambda a: package_count(a.of),
        point=lambda a: lambda d: _one(surface(d, _variant(a.of)), "packages"),
    ),
    "pull-ratio": MeasureKind(
        summary="how many times faster `of` pulls than `against`",
        arguments={"of": "variant", "against": "variant"},
        make=lambda a: pull_ratio(_variant(a.of), _variant(a.against)),
        point=lambda a: lambda d: _pulls(d, _variant(a.of), _variant(a.against)),
    ),
    "pull-time": MeasureKind(
        summary="seconds to pull an image",
        arguments={"of": "variant"},
        make=lambda a: pull_time(_variant(a.of)),
        point=lambda a: lambda d: _one(publish(d, _variant(a.of)), "pull_seconds", "median"),
    ),
}
