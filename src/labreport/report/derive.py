"""The report's names and every derived figure, computed in one place from `Measurements`.

Which variants, base images, build kinds and binary flavours exist; look-ups of one measured record
by name (an unknown name raises, so a typo on a page fails the build); and the figures computed
from records: reductions, ratios, savings. Pure functions, no MkDocs, no formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from ..contract import variants
from ..contract.schema import (
    BaseImage,
    Binary,
    Builder,
    BuildKind,
    BuildTiming,
    Flavour,
    ImageSize,
    Layer,
    Measurements,
    Probe,
    Publish,
    StepTiming,
    Surface,
)
from ..contract.variants import BUILDER_REF, BY_NAME, CACHE_MOUNT
from ..contract.variants import PRIMARY as PRIMARY  # re-exported: the site takes every name from derive

BUILDER = BUILDER_REF

#: Variant names, in the order of `labreport.contract.variants.VARIANTS`.
VARIANTS = tuple(BY_NAME)


def _base(variant: str, which: str) -> str:
    """A variant's base in a role ("build" or "runtime"); "" when no variant plays the role or it
    has no such base (scratch)."""
    found = BY_NAME[variant] if variant else None
    ref = None if found is None else found.build_base if which == "build" else found.runtime_base
    return ref or ""


# The base images, named by the role they play, read from the variants that play the roles (the
# project file's purposes and FROM lines): "" where no variant plays one, as in another project.
SDK_ALPINE = _base(PRIMARY, "build")
ALPINE = _base(PRIMARY, "runtime")
SDK = _base(variants.SINGLE_STAGE, "build")
DISTROLESS = _base(variants.DISTROLESS, "runtime")
#: Every variant's base, the roles' first (this report's pages show them in this order), each once.
BASES: tuple[str, ...] = tuple(
    dict.fromkeys(
        ref
        for ref in (SDK, SDK_ALPINE, ALPINE, DISTROLESS, *(b for v in BY_NAME.values() for b in v.bases))
        if ref
    )
)

# The schema's Literals are the one list of them: a new kind or flavour needs no edit here.
BUILD_KINDS: tuple[str, ...] = get_args(BuildKind)
BUILDERS: tuple[str, ...] = get_args(Builder)
#: The build page's columns: (label, what was built, builder). The cache-mount Dockerfile is built by
#: BuildKit only (the legacy builder has no cache mounts).
BUILD_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("legacy builder", PRIMARY, "legacy"),
    ("BuildKit", PRIMARY, "buildkit"),
    ("BuildKit + cache mounts", CACHE_MOUNT, "buildkit"),
)
FLAVOURS: tuple[str, ...] = get_args(Flavour)


class UnknownMeasurement(KeyError):
    """A page asked for a variant, base or kind the report does not know (a typo, not a gap)."""


# --- look-ups ------------------------------------------------------------------------------


def _known(name: str, known: tuple[str, ...], what: str) -> None:
    if name not in known:
        raise UnknownMeasurement(f"unknown {what} {name!r}; known: {', '.join(known)}")


def image(data: Measurements, ref: str) -> ImageSize | None:
    return next((item for item in data.images if item.ref == ref), None)


def variant_image(data: Measurements, variant: str) -> ImageSize | None:
    _known(variant, VARIANTS, "variant")
    return next((item for item in data.images if item.role == "variant" and item.variant == variant), None)


def base_image(data: Measurements, ref: str) -> ImageSize | None:
    _known(ref, BASES, "base image")
    return next((item for item in data.images if item.role == "base" and item.ref == ref), None)


def builder_image(data: Measurements) -> ImageSize | None:
    return next((item for item in data.images if item.role == "builder"), None)


def base_provenance(data: Measurements, ref: str) -> BaseImage | None:
    _known(ref, BASES, "base image")
    return next((item for item in data.provenance.bases if item.requested == ref), None)


def standins(data: Measurements) -> list[BaseImage]:
    return [item for item in data.provenance.bases if item.source == "standin"]


def probe(data: Measurements, variant: str) -> Probe | None:
    _known(variant, VARIANTS, "variant")
    return next((item for item in data.probes if item.variant == variant), None)


def surface(data: Measurements, variant: str) -> Surface | None:
    _known(variant, (*VARIANTS, "builder"), "variant")
    return next((item for item in data.surfaces if item.variant == variant), None)


def builder_of_record(data: Measurements) -> str:
    """BuildKit, the builder the report used; the legacy builder in data measured before BuildKit
    timings existed, where it is the only one."""
    return "buildkit" if any(item.builder == "buildkit" for item in data.builds) else "legacy"


def build(
    data: Measurements, kind: str, variant: str = PRIMARY, builder: str | None = None
) -> BuildTiming | None:
    """A build kind's timings; `builder` None means the builder of record (claims are judged on it)."""
    _known(kind, BUILD_KINDS, "build kind")
    _known(variant, (*VARIANTS, CACHE_MOUNT), "variant")
    chosen = builder_of_record(data) if builder is None else builder
    _known(chosen, BUILDERS, "builder")
    return next(
        (
            item
            for item in data.builds
            if item.kind == kind and item.variant == variant and item.builder == chosen
        ),
        None,
    )


def binary(data: Measurements, flavour: str) -> Binary | None:
    _known(flavour, FLAVOURS, "binary flavour")
    return next((item for item in data.binaries if item.flavour == flavour), None)


def publish(data: Measurements, variant: str) -> Publish | None:
    _known(variant, VARIANTS, "variant")
    return next((item for item in data.publish if item.variant == variant), None)


_STAGE_LABEL = re.compile(r"^(?:CACHED\s+)?\[[^\]]*\]\s*")


def holds(instruction: str, words: tuple[str, ...]) -> bool:
    """Whether every word (or phrase) is in the instruction as a whole word, case aside: "go" is
    not the start of "golang" nor "build" of "builder", so `go build` as two words finds the
    compile step, not `FROM golang:1.25-alpine AS builder`; a path or an extension may border it
    ("ca-certificates" in `/etc/ssl/certs/ca-certificates.crt`). A word ending in "…" is the stump
    of one a log cut short ("build…"): any word that starts so."""
    bare = _STAGE_LABEL.sub("", instruction)  # BuildKit's "[build 3/6] " names the stage, not the step
    return all(re.search(_whole(word), bare, re.IGNORECASE) for word in words)


#: What a word a log cut short keeps at its end in a claim's `instruction` ("build…").
CUT = "…"


def _whole(word: str) -> str:
    """The pattern of a whole word, or of a word's start when it ends in `CUT`."""
    end = "" if word.endswith(CUT) else r"(?![\w-])"
    return rf"(?<![\w-]){re.escape(word.removesuffix(CUT))}{end}"


def layer(item: ImageSize | None, *words: str) -> Layer | None:
    """The last layer whose instruction `holds` every word."""
    if item is None:
        return None
    found = [each for each in item.layers if holds(each.instruction, words)]
    return found[-1] if found else None


def split_base(data: Measurements, item: ImageSize) -> tuple[ImageSize | None, list[Layer]]:
    """The base image `item` was built on and `item`'s own layers.

    The longest base whose layers start `item`'s: the builder stage starts with the Alpine layers
    too, but its base is the Go image built on them. A base image is not its own base.
    """
    found: ImageSize | None = None
    for base in data.images:
        if base.role != "base" or not base.layers or base.ref == item.ref:
            continue
        if item.layers[: len(base.layers)] == base.layers and (
            found is None or len(base.layers) > len(found.layers)
        ):
            found = base
    if found is None:
        return None, list(item.layers)
    return found, item.layers[len(found.layers) :]


def is_standin(data: Measurements, ref: str) -> bool:
    """True when the base `ref` was built locally, or its origin is not recorded (not a real image)."""
    origin = next((item for item in data.provenance.bases if item.requested == ref), None)
    return origin is None or origin.source == "standin"


def resting_on_standin(data: Measurements, item: ImageSize | None) -> bool:
    """True when the image's figures rest on a stand-in: it is one, or it was built on one."""
    if item is None:
        return False
    if item.role == "base":
        return is_standin(data, item.ref)
    base, _ = split_base(data, item)
    return base is not None and is_standin(data, base.ref)


def surface_on_standin(data: Measurements, variant: str) -> bool:
    """True when a scanned image (a variant, or "builder") rests on a stand-in base."""
    item = (
        builder_image(data)
        if variant == "builder"
        else next((each for each in data.images if each.role == "variant" and each.variant == variant), None)
    )
    return resting_on_standin(data, item)


def step(timing: BuildTiming | None, *words: str) -> StepTiming | None:
    if timing is None:
        return None
    return next((each for each in timing.steps if holds(each.instruction, words)), None)


# --- derived figures -------------------------------------------------------------------------


def reduction(before: float, after: float) -> float:
    """How much smaller `after` is than `before`, in percent of `before`."""
    if before <= 0:
        raise ValueError(f"reduction from a non-positive size {before}")
    return (1 - after / before) * 100


def times(larger: float, smaller: float) -> float:
    if smaller <= 0:
        raise ValueError(f"ratio to a non-positive value {smaller}")
    return larger / smaller


def relative_difference(measured: float, claimed: float) -> float:
    """Signed distance of the measurement from the claim, in percent of the claim."""
    return (measured - claimed) / claimed * 100


@dataclass(frozen=True, kw_only=True)
class Reduction:
    label: str
    before_ref: str
    before: int
    after: int
    percent: float
    factor: float


def reductions(data: Measurements) -> list[Reduction]:
    """The final image against the builder it came from and against both SDK images."""
    final = variant_image(data, PRIMARY)
    if final is None:
        return []
    rows: list[Reduction] = []
    for label, other in (
        ("builder stage", builder_image(data)),
        ("Go SDK image", image(data, SDK)),
        ("Go SDK (Alpine) image", image(data, SDK_ALPINE)),
    ):
        if other is not None:
            rows.append(
                Reduction(
                    label=label,
                    before_ref=other.ref,
                    before=other.size,
                    after=final.size,
                    percent=reduction(other.size, final.size),
                    factor=times(other.size, final.size),
                )
            )
    return rows


def savings(data: Measurements, containers: int, against: str = SDK) -> int | None:
    """Bytes saved by deploying `containers` copies of the final image instead of `against`.

    Like the report, every container is counted as one full copy of its image (no shared layers).
    """
    final = variant_image(data, PRIMARY)
    other = image(data, against)
    if final is None or other is None:
        return None
    return (other.size - final.size) * containers


def deploy_ratio(data: Measurements) -> float | None:
    """How many times longer the single-stage image takes to pull than the primary one (medians)."""
    single, primary = publish(data, variants.SINGLE_STAGE), publish(data, PRIMARY)
    if single is None or primary is None:
        return None
    return times(single.pull_seconds.median, primary.pull_seconds.median)


def strip_saving(data: Measurements) -> float | None:
    """Percent by which `-ldflags="-w -s"` shrinks the binary."""
    plain, stripped = binary(data, "default"), binary(data, "stripped")
    if plain is None or stripped is None:
        return None
    return reduction(plain.size, stripped.size)


def stale(data: Measurements, current_hash: str | None) -> bool | None:
    """True when the repository's inputs changed since the measurement; None when it cannot be told."""
    if current_hash is None:
        return None
    return current_hash != data.provenance.inputs_hash


REBUILT_BINARY = "the binary's sha256"
REBUILT_IMAGE = "image ID"


@dataclass(frozen=True, kw_only=True)
class RebuildRow:
    what: str
    first: str
    second: str
    same: bool


def rebuild_rows(data: Measurements) -> list[RebuildRow]:
    """The two builds from nothing side by side: the binary, each layer (bottom first), the image.
    Empty when fewer than two builds were recorded."""
    if data.rebuild is None or len(data.rebuild.builds) < 2:
        return []
    first, second = data.rebuild.builds[:2]
    rows = [RebuildRow(what=REBUILT_BINARY, first=first.binary_sha256, second=second.binary_sha256,
                       same=first.binary_sha256 == second.binary_sha256)]  # fmt: skip
    own = len(_own_layers(data))
    base = len(first.diff_ids) - own if own else None  # None: which are the base's is not known
    for index, (one, other) in enumerate(zip(first.diff_ids, second.diff_ids, strict=False), start=1):
        where = "" if base is None else (" (base image)" if index <= base else " (this Dockerfile's)")
        rows.append(RebuildRow(what=f"layer {index}{where}", first=one, second=other, same=one == other))
    rows.append(RebuildRow(what=REBUILT_IMAGE, first=first.image_id, second=second.image_id,
                           same=first.image_id == second.image_id))  # fmt: skip
    return rows


def _own_layers(data: Measurements) -> list[Layer]:
    """The layers the primary variant's own instructions add (those with a compressed size: the
    history entries that wrote a layer), so the rebuild table can tell them from the base's."""
    found = variant_image(data, PRIMARY)
    if found is None:
        return []
    _, own = split_base(data, found)
    return [each for each in own if each.compressed_size is not None]
