"""The images the report compares: the primary multi-stage build and the variants beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
IMAGE = "devops-info-service"
BUILDER_REF = f"{IMAGE}:builder"
PRIMARY = "alpine"
# The primary Dockerfile with BuildKit cache mounts: built (BuildKit only) to time a one-line change,
# never run or analysed, so it is not one of VARIANTS.
CACHE_MOUNT = "cache-mount"
CACHE_MOUNT_DOCKERFILE = "variants/cache-mount.Dockerfile"


@dataclass(frozen=True, kw_only=True)
class Variant:
    name: str
    dockerfile: str  # relative to the repository root, which is the build context
    bases: tuple[str, ...]
    uses_builder_image: bool  # takes the binary from the primary Dockerfile's builder stage
    starts: bool  # False for the variant whose failure to start is the point
    summary: str

    @property
    def ref(self) -> str:
        return f"{IMAGE}:{self.name}"


VARIANTS: tuple[Variant, ...] = (
    Variant(
        name=PRIMARY,
        dockerfile="Dockerfile",
        bases=("golang:1.25-alpine", "alpine:3.19"),
        uses_builder_image=False,
        starts=True,
        summary="the report's multi-stage build: golang:1.25-alpine builder, alpine:3.19 runtime",
    ),
    Variant(
        name="single-stage",
        dockerfile="variants/single-stage.Dockerfile",
        bases=("golang:1.25",),
        uses_builder_image=False,
        starts=True,
        summary="built and run in the full golang:1.25 SDK image",
    ),
    Variant(
        name="scratch",
        dockerfile="variants/scratch.Dockerfile",
        bases=(),
        uses_builder_image=True,
        starts=True,
        summary="the static binary alone on an empty image, plus the CA bundle",
    ),
    Variant(
        name="distroless",
        dockerfile="variants/distroless.Dockerfile",
        bases=("gcr.io/distroless/static-debian12:latest",),
        uses_builder_image=True,
        starts=True,
        summary="the binary on distroless static, as its nonroot user",
    ),
    Variant(
        name="as-reported",
        dockerfile="variants/as-reported.Dockerfile",
        bases=("alpine:3.19",),
        uses_builder_image=True,
        starts=True,
        summary="the report's runtime stage as written, with its RUN chown -R layer",
    ),
    Variant(
        name="cgo",
        dockerfile="variants/cgo.Dockerfile",
        bases=("golang:1.25", "alpine:3.19"),
        uses_builder_image=False,
        starts=False,
        summary="CGO left on, the binary put on alpine: fails at start",
    ),
)

BY_NAME = {variant.name: variant for variant in VARIANTS}
