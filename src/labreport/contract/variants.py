"""The images the report compares: the primary multi-stage build and the variants beside it.

Every fact about a variant lives on its `Variant` here, and only here: its Dockerfile, the base
image in each role, the binary flavour it builds, whether it copies from the builder stage, whether
it is published. Other modules name a variant by the constant below, never by a string
(`tests/test_layout.py` reads the source to keep it so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .schema import Flavour

REPO_ROOT = Path(__file__).resolve().parents[3]
IMAGE = "devops-info-service"
BUILDER_REF = f"{IMAGE}:builder"
# The variants' names.
PRIMARY = "alpine"
SINGLE_STAGE = "single-stage"
SCRATCH = "scratch"
DISTROLESS = "distroless"
AS_REPORTED = "as-reported"
CGO = "cgo"
# The primary Dockerfile with BuildKit cache mounts: built (BuildKit only) to time a one-line change,
# never run or analysed, so it is not one of VARIANTS.
CACHE_MOUNT = "cache-mount"
CACHE_MOUNT_DOCKERFILE = "variants/cache-mount.Dockerfile"


@dataclass(frozen=True, kw_only=True)
class Variant:
    name: str
    dockerfile: str  # relative to the repository root, which is the build context
    #: The base of the stage that compiles the service; None when the binary is taken from the
    #: primary Dockerfile's builder stage (`BUILDER_REF`) rather than built again.
    build_base: str | None
    #: The base of the final stage, the one that runs; None for `FROM scratch`.
    runtime_base: str | None
    #: The binary flavour the Dockerfile builds (tests/test_invariants.py reads the Dockerfiles).
    flavour: Flavour
    #: The final stage copies the binary out of the primary Dockerfile's builder stage, so that
    #: builder image must be the larger one.
    from_builder_stage: bool
    published: bool  # pushed to a local registry and pulled into a fresh daemon, to time a deploy
    starts: bool  # False for the variant whose failure to start is the point
    summary: str

    @property
    def ref(self) -> str:
        return f"{IMAGE}:{self.name}"

    @property
    def uses_builder_image(self) -> bool:
        """Takes the binary from the primary Dockerfile's builder stage (built first, on its own)."""
        return self.build_base is None

    @property
    def bases(self) -> tuple[str, ...]:
        """The base images the build pulls, build stage first, each once."""
        return tuple(dict.fromkeys(ref for ref in (self.build_base, self.runtime_base) if ref is not None))


# The binary flavours (schema `Flavour`): the primary Dockerfile's builder stage (alpine and the
# variants that copy from it) builds CGO_ENABLED=0 -trimpath -ldflags="-w -s -buildid=", so that a
# rebuild repeats the binary; single-stage keeps the report's -ldflags="-w -s"; cgo builds
# CGO_ENABLED=1 -ldflags="-w -s".
VARIANTS: tuple[Variant, ...] = (
    Variant(
        name=PRIMARY,
        dockerfile="Dockerfile",
        build_base="golang:1.25-alpine",
        runtime_base="alpine:3.19",
        flavour="stripped_trimpath",
        from_builder_stage=True,
        published=True,
        starts=True,
        summary="the report's multi-stage build: golang:1.25-alpine builder, alpine:3.19 runtime",
    ),
    Variant(
        name=SINGLE_STAGE,
        dockerfile="variants/single-stage.Dockerfile",
        build_base="golang:1.25",
        runtime_base="golang:1.25",  # one stage: the SDK it builds in is what it runs on
        flavour="stripped",
        from_builder_stage=False,
        published=True,
        starts=True,
        summary="built and run in the full golang:1.25 SDK image",
    ),
    Variant(
        name=SCRATCH,
        dockerfile="variants/scratch.Dockerfile",
        build_base=None,
        runtime_base=None,
        flavour="stripped_trimpath",
        from_builder_stage=True,
        published=False,
        starts=True,
        summary="the static binary alone on an empty image, plus the CA bundle",
    ),
    Variant(
        name=DISTROLESS,
        dockerfile="variants/distroless.Dockerfile",
        build_base=None,
        runtime_base="gcr.io/distroless/static-debian12:latest",
        flavour="stripped_trimpath",
        from_builder_stage=True,
        published=False,
        starts=True,
        summary="the binary on distroless static, as its nonroot user",
    ),
    Variant(
        name=AS_REPORTED,
        dockerfile="variants/as-reported.Dockerfile",
        build_base=None,
        runtime_base="alpine:3.19",
        flavour="stripped_trimpath",
        from_builder_stage=True,
        published=False,
        starts=True,
        summary="the report's runtime stage as written, with its RUN chown -R layer",
    ),
    Variant(
        name=CGO,
        dockerfile="variants/cgo.Dockerfile",
        build_base="golang:1.25",  # its own SDK stage, not the measured builder
        runtime_base="alpine:3.19",
        flavour="cgo",
        from_builder_stage=False,
        published=False,
        starts=False,
        summary="CGO left on, the binary put on alpine: fails at start",
    ),
)

BY_NAME = {variant.name: variant for variant in VARIANTS}
