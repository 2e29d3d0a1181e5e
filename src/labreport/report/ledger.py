"""Every claim of the original report, with where the site discusses it, judged by `claims`."""

from __future__ import annotations

from ..schema import Measurements
from .claims import (
    NO_VALUE,
    Claim,
    Quantity,
    Verdict,
    build_total,
    cold_step,
    image_size,
    judge,
    layer_size,
    package_count,
    reduction_against,
    saving,
    variant_size,
)
from .derive import (
    ALPINE,
    BUILDER,
    DISTROLESS,
    PRIMARY,
    SDK,
    SDK_ALPINE,
    deploy_ratio,
    probe,
    strip_saving,
    surface,
)
from .units import count, human_size, percent, ratio, seconds

QUANTITIES: tuple[Quantity, ...] = (
    Quantity(
        key="sdk",
        topic="`golang:1.25` (Debian-based SDK image)",
        claimed=807e6,
        show=human_size,
        measure=image_size(SDK),
        missing="the SDK image was not measured",
        page="sizes.md",
        bases=(SDK,),
    ),
    Quantity(
        key="sdk-alpine",
        topic="`golang:1.25-alpine` (builder base)",
        claimed=336e6,
        show=human_size,
        measure=image_size(SDK_ALPINE),
        missing="the Alpine SDK image was not measured",
        page="sizes.md",
        bases=(SDK_ALPINE,),
    ),
    Quantity(
        key="alpine",
        topic="`alpine:3.19` runtime base",
        claimed=7.3e6,
        show=human_size,
        measure=image_size(ALPINE),
        missing="the Alpine base was not measured",
        page="sizes.md",
        bases=(ALPINE,),
    ),
    Quantity(
        key="final",
        topic="final image, uncompressed",
        claimed=29.8e6,
        show=human_size,
        measure=variant_size(PRIMARY),
        missing="the final image was not built",
        page="sizes.md",
        bases=(ALPINE,),
    ),
    Quantity(
        key="final-compressed",
        topic="final image, compressed",
        claimed=15e6,
        show=human_size,
        measure=variant_size(PRIMARY, compressed=True),
        missing="the final image was not built",
        page="publishing.md",
        bases=(ALPINE,),
        tolerance=0.2,
        note="the report says about this much",
    ),
    Quantity(
        key="reduction-sdk",
        topic="reduction against `golang:1.25`",
        claimed=96.3,
        show=percent,
        measure=reduction_against(SDK),
        missing="an image is missing",
        page="sizes.md",
        bases=(SDK, ALPINE),
        tolerance=0.02,
    ),
    Quantity(
        key="reduction-sdk-alpine",
        topic="reduction against `golang:1.25-alpine`",
        claimed=91.1,
        show=percent,
        measure=reduction_against(SDK_ALPINE),
        missing="an image is missing",
        page="sizes.md",
        bases=(SDK_ALPINE, ALPINE),
        tolerance=0.02,
    ),
    Quantity(
        key="binary-layer",
        topic="binary layer",
        claimed=21.47e6,
        show=human_size,
        measure=layer_size(PRIMARY, "COPY", "devops-info-service"),
        missing="no binary layer was found",
        page="layers.md",
    ),
    Quantity(
        key="user-layer",
        topic="user creation layer",
        claimed=41e3,
        show=human_size,
        measure=layer_size("as-reported", "adduser"),
        missing="the as-reported variant was not built",
        page="layers.md",
        bases=(ALPINE,),
        note="busybox writes the account files",
    ),
    Quantity(
        key="chown-layer",
        topic="`RUN chown -R` layer",
        claimed=20e3,
        show=human_size,
        measure=layer_size("as-reported", "chown"),
        missing="the as-reported variant was not built",
        page="layers.md",
        note="the chown rewrites the whole binary into a new layer",
    ),
    Quantity(
        key="strip",
        topic='`-ldflags="-w -s"` effect on the binary',
        claimed=(20.0, 30.0),
        show=percent,
        measure=strip_saving,
        missing="the binary flavours were not built",
        page="dockerfile.md",
        tolerance=0.0,
    ),
    Quantity(
        key="scratch",
        topic="`FROM scratch` variant",
        claimed=8.5e6,
        show=human_size,
        measure=variant_size("scratch"),
        missing="the scratch variant was not built",
        page="alternatives.md",
    ),
    Quantity(
        key="distroless",
        topic="distroless static variant",
        claimed=10e6,
        show=human_size,
        measure=variant_size("distroless"),
        missing="the distroless variant was not built",
        page="alternatives.md",
        bases=(DISTROLESS,),
    ),
    Quantity(
        key="build-cold",
        topic="cold build",
        claimed=45.0,
        show=seconds,
        measure=build_total("cold"),
        missing="no cold build was timed",
        page="build.md",
        note="base images already on the engine: no download time",
    ),
    Quantity(
        key="build-cached",
        topic="cached rebuild",
        claimed=2.0,
        show=seconds,
        measure=build_total("cached"),
        missing="no cached build was timed",
        page="build.md",
    ),
    Quantity(
        key="build-change",
        topic="rebuild after a code change",
        claimed=18.0,
        show=seconds,
        measure=build_total("code_change"),
        missing="no code-change build was timed",
        page="build.md",
    ),
    Quantity(
        key="step-download",
        topic="`go mod download` step",
        claimed=2.3,
        show=seconds,
        measure=cold_step("go mod download"),
        missing="the step was not timed",
        page="build.md",
        note="the module has no dependencies",
    ),
    Quantity(
        key="step-compile",
        topic="compilation step",
        claimed=15.0,
        show=seconds,
        measure=cold_step("go build"),
        missing="the step was not timed",
        page="build.md",
    ),
    Quantity(
        key="packages-builder",
        topic=f"packages in the builder stage (`{BUILDER}`)",
        claimed=300,
        show=count,
        measure=package_count("builder"),
        missing="the builder stage image was not inventoried",
        page="security.md",
        bases=(SDK_ALPINE,),
        tolerance=0.2,
    ),
    Quantity(
        key="packages-runtime",
        topic="packages in the runtime image",
        claimed=15,
        show=count,
        measure=package_count(PRIMARY),
        missing="the final image was not inventoried",
        page="security.md",
        bases=(ALPINE,),
        tolerance=0.2,
    ),
    Quantity(
        key="savings-10",
        topic="saved by deploying 10 containers",
        claimed=7.9e9,
        show=human_size,
        measure=saving(10),
        missing="an image is missing",
        page="why-it-matters.md",
        bases=(SDK, ALPINE),
    ),
    Quantity(
        key="savings-100",
        topic="saved by deploying 100 containers",
        claimed=79e9,
        show=human_size,
        measure=saving(100),
        missing="an image is missing",
        page="why-it-matters.md",
        bases=(SDK, ALPINE),
    ),
    Quantity(
        key="deploy",
        topic="multi-stage deploys faster than single-stage",
        claimed=40.0,
        show=ratio,
        measure=deploy_ratio,
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
            measured=NO_VALUE,
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
            measured=NO_VALUE,
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
