"""Every derived figure of the report, computed in one place from `Measurements`.

Reductions, ratios, savings, unit formatting and the claims ledger: pure functions, no MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..schema import (
    BaseImage,
    Binary,
    BuildTiming,
    ImageSize,
    Layer,
    Measurements,
    Probe,
    Publish,
    StepTiming,
    Surface,
)
from ..variants import BUILDER_REF, BY_NAME
from ..variants import PRIMARY as PRIMARY  # re-exported: the site takes every name from derive

BUILDER = BUILDER_REF

#: Variant names, in the order of `labreport.variants.VARIANTS`.
VARIANTS = tuple(BY_NAME)
# The base images, named by the role they play; taken from the variants' Dockerfiles (the same
# references are the keys of `labreport.standins.RECIPES`, which the site does not import: it
# would pull in the Docker client).
SDK_ALPINE, ALPINE = BY_NAME[PRIMARY].bases
SDK = BY_NAME["single-stage"].bases[0]
DISTROLESS = BY_NAME["distroless"].bases[0]
BASES = (SDK, SDK_ALPINE, ALPINE, DISTROLESS)
if set(BASES) != {base for variant in BY_NAME.values() for base in variant.bases}:
    raise RuntimeError("labreport.derive.BASES does not match the bases of labreport.variants")

BUILD_KINDS = ("cold", "cached", "code_change")
FLAVOURS = ("default", "stripped", "stripped_trimpath", "cgo")

#: A measured value within this relative distance of the claimed one reproduces the claim.
TOLERANCE = 0.10

Verdict = Literal["reproduced", "differs", "not measurable here", "stand-in"]


class UnknownMeasurement(KeyError):
    """A page asked for a variant, base or kind the report does not know (a typo, not a gap)."""


# --- units -----------------------------------------------------------------------------------


def human_size(size: float) -> str:
    """Bytes the way `docker images` prints them: decimal units, three significant digits."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(value) < 1000 or unit == "GB":
            break
        value /= 1000
    if unit == "B":
        return f"{int(value)} B"
    return f"{value:.3g} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"


def mebibytes(size: float) -> str:
    return f"{size / 1024**2:.2f} MiB"


def seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def percent(value: float) -> str:
    return f"{value:.1f} %"


def signed_percent(value: float) -> str:
    return f"{value:+.1f} %"


def ratio(value: float) -> str:
    return f"{value:.1f}x" if value < 100 else f"{value:.0f}x"


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


def build(data: Measurements, kind: str, variant: str = PRIMARY) -> BuildTiming | None:
    _known(kind, BUILD_KINDS, "build kind")
    return next((item for item in data.builds if item.kind == kind and item.variant == variant), None)


def binary(data: Measurements, flavour: str) -> Binary | None:
    _known(flavour, FLAVOURS, "binary flavour")
    return next((item for item in data.binaries if item.flavour == flavour), None)


def publish(data: Measurements, variant: str) -> Publish | None:
    _known(variant, VARIANTS, "variant")
    return next((item for item in data.publish if item.variant == variant), None)


def layer(item: ImageSize | None, *words: str) -> Layer | None:
    """The last layer whose instruction holds every word (case-insensitive)."""
    if item is None:
        return None
    found = [each for each in item.layers if all(w.lower() in each.instruction.lower() for w in words)]
    return found[-1] if found else None


def split_base(data: Measurements, item: ImageSize) -> tuple[ImageSize | None, list[Layer]]:
    """The base image `item` was built on (the one whose layers start it) and `item`'s own layers."""
    for base in data.images:
        if base.role == "base" and base.layers and item.layers[: len(base.layers)] == base.layers:
            return base, item.layers[len(base.layers) :]
    return None, list(item.layers)


def step(timing: BuildTiming | None, *words: str) -> StepTiming | None:
    if timing is None:
        return None
    return next(
        (each for each in timing.steps if all(w.lower() in each.instruction.lower() for w in words)), None
    )


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
    single, primary = publish(data, "single-stage"), publish(data, PRIMARY)
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


# --- the claims ledger -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Claim:
    key: str
    topic: str
    claimed: str
    measured: str
    verdict: Verdict
    difference: float | None  # signed percent, measured against claimed
    note: str
    page: str


@dataclass(frozen=True, kw_only=True)
class _Quantity:
    """A numeric claim: value or [low, high] range, unit formatter, how to measure it."""

    key: str
    topic: str
    claimed: float | tuple[float, float]
    show: Callable[[float], str]
    measure: Callable[[Measurements], float | None]
    missing: str
    page: str
    bases: tuple[str, ...] = ()
    tolerance: float = TOLERANCE
    note: str = ""


def judge_number(
    measured: float, claimed: float | tuple[float, float], tolerance: float = TOLERANCE
) -> tuple[Verdict, float]:
    """Reproduced when within `tolerance` (relative) of the claim or of the claimed range's ends."""
    if isinstance(claimed, tuple):
        low, high = claimed
        if low * (1 - tolerance) <= measured <= high * (1 + tolerance):
            return "reproduced", 0.0
        nearest = low if measured < low else high
        return "differs", relative_difference(measured, nearest)
    difference = relative_difference(measured, claimed)
    return ("reproduced" if abs(difference) <= tolerance * 100 else "differs"), difference


def _show_claim(value: float | tuple[float, float], show: Callable[[float], str]) -> str:
    if isinstance(value, tuple):
        return f"{show(value[0])} to {show(value[1])}"
    return show(value)


def _standin_bases(data: Measurements, refs: tuple[str, ...]) -> list[str]:
    found = []
    for ref in refs:
        origin = base_provenance(data, ref)
        if origin is None or origin.source == "standin":
            found.append(ref)
    return found


def judge(data: Measurements, quantity: _Quantity) -> Claim:
    claimed = _show_claim(quantity.claimed, quantity.show)
    value = quantity.measure(data)
    if value is None:
        return Claim(
            key=quantity.key,
            topic=quantity.topic,
            claimed=claimed,
            measured="\u2013",
            verdict="not measurable here",
            difference=None,
            note=quantity.missing,
            page=quantity.page,
        )
    measured = quantity.show(value)
    verdict, difference = judge_number(value, quantity.claimed, quantity.tolerance)
    note = quantity.note
    replaced = _standin_bases(data, quantity.bases)
    if replaced:
        verdict = "stand-in"
        note = "; ".join(part for part in (f"stand-in for {', '.join(replaced)}", note) if part)
    return Claim(
        key=quantity.key,
        topic=quantity.topic,
        claimed=claimed,
        measured=measured,
        verdict=verdict,
        difference=difference,
        note=note,
        page=quantity.page,
    )


def _size(ref: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = image(data, ref)
        return None if found is None else found.size

    return measure


def _variant(name: str, compressed: bool = False) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = variant_image(data, name)
        if found is None:
            return None
        return found.compressed_size if compressed else found.size

    return measure


def _layer(variant: str, *words: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = layer(variant_image(data, variant), *words)
        return None if found is None else found.size

    return measure


def _reduction(ref: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        final, other = variant_image(data, PRIMARY), image(data, ref)
        return None if final is None or other is None else reduction(other.size, final.size)

    return measure


def _build_total(kind: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = build(data, kind)
        return None if found is None else found.total.median

    return measure


def _cold_step(*words: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = step(build(data, "cold"), *words)
        return None if found is None else found.seconds.median

    return measure


def _packages(variant: str) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        found = surface(data, variant)
        return None if found is None else float(found.packages)

    return measure


def _saving(containers: int) -> Callable[[Measurements], float | None]:
    def measure(data: Measurements) -> float | None:
        value = savings(data, containers)
        return None if value is None else float(value)

    return measure


def _percent(value: float) -> str:
    return percent(value)


def _count(value: float) -> str:
    return f"{value:.0f}"


QUANTITIES: tuple[_Quantity, ...] = (
    _Quantity(
        key="sdk",
        topic="`golang:1.25` (Debian-based SDK image)",
        claimed=807e6,
        show=human_size,
        measure=_size(SDK),
        missing="the SDK image was not measured",
        page="sizes.md",
        bases=(SDK,),
    ),
    _Quantity(
        key="sdk-alpine",
        topic="`golang:1.25-alpine` (builder base)",
        claimed=336e6,
        show=human_size,
        measure=_size(SDK_ALPINE),
        missing="the Alpine SDK image was not measured",
        page="sizes.md",
        bases=(SDK_ALPINE,),
    ),
    _Quantity(
        key="alpine",
        topic="`alpine:3.19` runtime base",
        claimed=7.3e6,
        show=human_size,
        measure=_size(ALPINE),
        missing="the Alpine base was not measured",
        page="sizes.md",
        bases=(ALPINE,),
    ),
    _Quantity(
        key="final",
        topic="final image, uncompressed",
        claimed=29.8e6,
        show=human_size,
        measure=_variant(PRIMARY),
        missing="the final image was not built",
        page="sizes.md",
        bases=(ALPINE,),
    ),
    _Quantity(
        key="final-compressed",
        topic="final image, compressed",
        claimed=15e6,
        show=human_size,
        measure=_variant(PRIMARY, compressed=True),
        missing="the final image was not built",
        page="publishing.md",
        bases=(ALPINE,),
        tolerance=0.2,
        note="the report says about this much",
    ),
    _Quantity(
        key="reduction-sdk",
        topic="reduction against `golang:1.25`",
        claimed=96.3,
        show=_percent,
        measure=_reduction(SDK),
        missing="an image is missing",
        page="sizes.md",
        bases=(SDK, ALPINE),
        tolerance=0.02,
    ),
    _Quantity(
        key="reduction-sdk-alpine",
        topic="reduction against `golang:1.25-alpine`",
        claimed=91.1,
        show=_percent,
        measure=_reduction(SDK_ALPINE),
        missing="an image is missing",
        page="sizes.md",
        bases=(SDK_ALPINE, ALPINE),
        tolerance=0.02,
    ),
    _Quantity(
        key="binary-layer",
        topic="binary layer",
        claimed=21.47e6,
        show=human_size,
        measure=_layer(PRIMARY, "COPY", "devops-info-service"),
        missing="no binary layer was found",
        page="layers.md",
    ),
    _Quantity(
        key="user-layer",
        topic="user creation layer",
        claimed=41e3,
        show=human_size,
        measure=_layer("as-reported", "adduser"),
        missing="the as-reported variant was not built",
        page="layers.md",
        bases=(ALPINE,),
        note="busybox writes the account files",
    ),
    _Quantity(
        key="chown-layer",
        topic="`RUN chown -R` layer",
        claimed=20e3,
        show=human_size,
        measure=_layer("as-reported", "chown"),
        missing="the as-reported variant was not built",
        page="layers.md",
        note="the chown rewrites the whole binary into a new layer",
    ),
    _Quantity(
        key="strip",
        topic='`-ldflags="-w -s"` effect on the binary',
        claimed=(20.0, 30.0),
        show=_percent,
        measure=lambda data: strip_saving(data),
        missing="the binary flavours were not built",
        page="dockerfile.md",
        tolerance=0.0,
    ),
    _Quantity(
        key="scratch",
        topic="`FROM scratch` variant",
        claimed=8.5e6,
        show=human_size,
        measure=_variant("scratch"),
        missing="the scratch variant was not built",
        page="alternatives.md",
    ),
    _Quantity(
        key="distroless",
        topic="distroless static variant",
        claimed=10e6,
        show=human_size,
        measure=_variant("distroless"),
        missing="the distroless variant was not built",
        page="alternatives.md",
        bases=(DISTROLESS,),
    ),
    _Quantity(
        key="build-cold",
        topic="cold build",
        claimed=45.0,
        show=seconds,
        measure=_build_total("cold"),
        missing="no cold build was timed",
        page="build.md",
        note="base images already on the engine: no download time",
    ),
    _Quantity(
        key="build-cached",
        topic="cached rebuild",
        claimed=2.0,
        show=seconds,
        measure=_build_total("cached"),
        missing="no cached build was timed",
        page="build.md",
    ),
    _Quantity(
        key="build-change",
        topic="rebuild after a code change",
        claimed=18.0,
        show=seconds,
        measure=_build_total("code_change"),
        missing="no code-change build was timed",
        page="build.md",
    ),
    _Quantity(
        key="step-download",
        topic="`go mod download` step",
        claimed=2.3,
        show=seconds,
        measure=_cold_step("go mod download"),
        missing="the step was not timed",
        page="build.md",
        note="the module has no dependencies",
    ),
    _Quantity(
        key="step-compile",
        topic="compilation step",
        claimed=15.0,
        show=seconds,
        measure=_cold_step("go build"),
        missing="the step was not timed",
        page="build.md",
    ),
    _Quantity(
        key="packages-builder",
        topic=f"packages in the builder stage (`{BUILDER}`)",
        claimed=300,
        show=_count,
        measure=_packages("builder"),
        missing="the builder stage image was not inventoried",
        page="security.md",
        bases=(SDK_ALPINE,),
        tolerance=0.2,
    ),
    _Quantity(
        key="packages-runtime",
        topic="packages in the runtime image",
        claimed=15,
        show=_count,
        measure=_packages(PRIMARY),
        missing="the final image was not inventoried",
        page="security.md",
        bases=(ALPINE,),
        tolerance=0.2,
    ),
    _Quantity(
        key="savings-10",
        topic="saved by deploying 10 containers",
        claimed=7.9e9,
        show=human_size,
        measure=_saving(10),
        missing="an image is missing",
        page="why-it-matters.md",
        bases=(SDK, ALPINE),
    ),
    _Quantity(
        key="savings-100",
        topic="saved by deploying 100 containers",
        claimed=79e9,
        show=human_size,
        measure=_saving(100),
        missing="an image is missing",
        page="why-it-matters.md",
        bases=(SDK, ALPINE),
    ),
    _Quantity(
        key="deploy",
        topic="multi-stage deploys faster than single-stage",
        claimed=40.0,
        show=ratio,
        measure=lambda data: deploy_ratio(data),
        missing="the pull times were not measured",
        page="publishing.md",
        bases=(SDK, ALPINE),
        note="pull from a registry on this machine: no network latency",
    ),
)


def _cgo_claim(data: Measurements) -> Claim:
    found = probe(data, "cgo")
    claimed = "exits at start with “no such file or directory”"
    if found is None:
        return Claim(
            key="cgo",
            topic="CGO left on, binary on a minimal base",
            claimed=claimed,
            measured="\u2013",
            verdict="not measurable here",
            difference=None,
            note="the cgo variant was not run",
            page="challenges.md",
        )
    failed = not found.started and "no such file or directory" in (found.error_text or "")
    measured = (
        f"exit code {found.exit_code}: {found.error_text}" if not found.started else "started and answered"
    )
    return Claim(
        key="cgo",
        topic="CGO left on, binary on a minimal base",
        claimed=claimed,
        measured=measured,
        verdict="reproduced" if failed else "differs",
        difference=None,
        note="today's runc words the message differently" if failed else "",
        page="challenges.md",
    )


def _ownership_claim(data: Measurements) -> Claim:
    """The report: the binary, owned by root, failed to run as `appuser` until `RUN chown -R` was added.

    Judged from the primary image, which keeps the binary root-owned and runs as a non-root user:
    the file scan gives the owner and mode of the program its CMD runs, the probe whether it started.
    """
    claimed = "a root-owned binary fails to run as `appuser` until `chown`"
    topic = "binary owned by root, run as `appuser`"
    scanned, run = surface(data, PRIMARY), probe(data, PRIMARY)
    if scanned is None or run is None:
        return Claim(
            key="ownership",
            topic=topic,
            claimed=claimed,
            measured="\u2013",
            verdict="not measurable here",
            difference=None,
            note="the primary image was not both scanned and run",
            page="challenges.md",
        )
    owner, mode = scanned.program_owner, scanned.program_mode
    root_owned = owner.split(":")[0] == "0"
    as_non_root = run.started and run.process_uid not in (None, 0)
    measured = f"`{scanned.program}` owned by `{owner}`, mode `{mode}`: " + (
        f"started as uid {run.process_uid}" if run.started else "did not start"
    )
    chowned = surface(data, "as-reported")
    after = "" if chowned is None else f"; `RUN chown -R` (as-reported) makes it `{chowned.program_owner}`"
    if not root_owned or (run.started and not as_non_root):
        verdict: Verdict = "not measurable here"
        note = "the primary image does not run a root-owned binary as a non-root user" + after
    elif as_non_root:
        verdict = "differs"
        executable = int(mode, 8) & 0o001 != 0
        note = (
            f"mode {mode} lets every user execute it, so no ownership change is needed" + after
            if executable
            else f"it started although mode {mode} gives others no execute permission" + after
        )
    else:
        verdict, note = "reproduced", "the root-owned binary did not start" + after
    return Claim(
        key="ownership",
        topic=topic,
        claimed=claimed,
        measured=measured,
        verdict=verdict,
        difference=None,
        note=note,
        page="challenges.md",
    )


def ledger(data: Measurements) -> list[Claim]:
    """Every claim of the original report, judged against the measurement."""
    return [*(judge(data, quantity) for quantity in QUANTITIES), _cgo_claim(data), _ownership_claim(data)]


def verdict_counts(claims: list[Claim]) -> dict[Verdict, int]:
    counts: dict[Verdict, int] = {"reproduced": 0, "differs": 0, "stand-in": 0, "not measurable here": 0}
    for claim in claims:
        counts[claim.verdict] += 1
    return counts
