"""The images the report compares: the primary multi-stage build and the variants beside it.

Every fact about a variant lives on its `Variant` here, and only here, made from the project file
(labreport.toml, `project`): its Dockerfile, the base
image in each role, the binary flavour it builds, whether it copies from the builder stage, whether
it is published. Other modules name a variant by the constant below, never by a string
(`tests/test_layout.py` reads the source to keep it so).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import project
from .schema import Flavour

REPO_ROOT = project.REPO_ROOT
# The variants' names this report's pages and claims refer to; the variants themselves, their
# Dockerfiles and purposes, are the project file's (labreport.toml).
SINGLE_STAGE = "single-stage"
SCRATCH = "scratch"
DISTROLESS = "distroless"
AS_REPORTED = "as-reported"
CGO = "cgo"


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


def _load() -> project.Project:
    """The project file, read once at import; a bad one ends the program with its one line (the site
    build and every command import this module before they could catch it)."""
    try:
        return project.load(project.project_path())
    except project.ProjectError as error:
        raise SystemExit(f"error: {error}") from None


PROJECT = _load()
IMAGE = PROJECT.service.image
BUILDER_REF = PROJECT.builder_ref
PRIMARY = PROJECT.primary.name


def _variant(entry: project.VariantEntry) -> Variant:
    build_base, runtime_base, from_builder = project.bases(PROJECT, entry, project.project_path().parent)
    return Variant(
        name=entry.name,
        dockerfile=entry.dockerfile,
        build_base=build_base,
        runtime_base=runtime_base,
        flavour=entry.flavour,
        from_builder_stage=from_builder,
        published=entry.published,
        starts=entry.purpose != project.FAILURE,
        summary=entry.summary,
    )


# The binary flavours (schema `Flavour`) are the project file's: there, the primary Dockerfile's
# builder stage (alpine and the variants that copy from it) builds CGO_ENABLED=0 -trimpath
# -ldflags="-w -s -buildid=", so that a rebuild repeats the binary; single-stage keeps the report's
# -ldflags="-w -s"; cgo builds CGO_ENABLED=1 -ldflags="-w -s".
VARIANTS: tuple[Variant, ...] = tuple(
    _variant(entry) for entry in PROJECT.variant if entry.purpose != project.CACHE_MOUNT_TIMING
)
_CACHE_MOUNTS = [entry for entry in PROJECT.variant if entry.purpose == project.CACHE_MOUNT_TIMING]
# The primary Dockerfile with BuildKit cache mounts: built (BuildKit only) to time a one-line change,
# never run or analysed, so it is not one of VARIANTS.
CACHE_MOUNT = _CACHE_MOUNTS[0].name if _CACHE_MOUNTS else project.CACHE_MOUNT_TIMING
CACHE_MOUNT_DOCKERFILE = _CACHE_MOUNTS[0].dockerfile if _CACHE_MOUNTS else ""

BY_NAME = {variant.name: variant for variant in VARIANTS}
