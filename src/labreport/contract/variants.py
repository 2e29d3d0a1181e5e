"""The images the report compares: the primary multi-stage build and the variants beside it.

Every fact about a variant lives on its `Variant` here, and only here, made from the project file
(labreport.toml, `project`): its Dockerfile, the base
image in each role, the binary flavour it builds, whether it copies from the builder stage, whether
it is published. Other modules name a variant by the constant below, never by a string
(`tests/test_layout.py` reads the source to keep it so). The roles (SINGLE_STAGE, SCRATCH...) are
read from each variant's purpose and bases, so another project's variants fill them under its own
names; a role no variant plays is "".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import project
from .schema import Flavour

#: The tool's own repository: its code and requirements are inputs of every measurement.
REPO_ROOT = project.REPO_ROOT


@dataclass(frozen=True, kw_only=True)
class Variant:
    name: str
    dockerfile: str  # relative to the project's folder (`ROOT`), which is the build context
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
    build_args: dict[str, str] = field(default_factory=dict)  # the project's --build-arg values

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


# The project file, read once at import. A bad one raises `project.ProjectError` (one line naming
# the file, entry and field): the CLI's entry point turns it into exit 1, the site build into a
# failed build.
PROJECT_PATH = project.project_path()
#: The project's folder: the build context, and where its Dockerfiles and service source are.
ROOT = PROJECT_PATH.parent
PROJECT = project.load(PROJECT_PATH)
IMAGE = PROJECT.service.image
BUILDER_REF = PROJECT.builder_ref
PRIMARY = PROJECT.primary.name
#: The primary Dockerfile's builder stage, built on its own as `BUILDER_REF` (None: one stage).
BUILDER_TARGET = project.builder_stage(PROJECT, ROOT)


def _variant(entry: project.VariantEntry) -> Variant:
    build_base, runtime_base, from_builder = project.bases(PROJECT, entry, ROOT)
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
        build_args=dict(entry.build_args),
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


def _first(matches: list[Variant]) -> str:
    return matches[0].name if matches else ""


# The roles the report's pages and claims refer to, read from purposes and bases, "" when none plays
# it: a comparison built and run in one image; the binary alone on no base; another runtime base;
# the primary's runtime base again (its runtime stage as written); the failure to start.
_PRIMARY = BY_NAME[PRIMARY]
_OTHERS = [variant for variant in VARIANTS if variant.name != PRIMARY and variant.starts]
SINGLE_STAGE = _first([v for v in _OTHERS if v.build_base is not None and v.build_base == v.runtime_base])
SCRATCH = _first([variant for variant in _OTHERS if variant.runtime_base is None])
_SDK = BY_NAME[SINGLE_STAGE].build_base if SINGLE_STAGE else None
DISTROLESS = _first(
    [v for v in _OTHERS if v.runtime_base not in (None, _PRIMARY.runtime_base, _SDK, _PRIMARY.build_base)]
)
AS_REPORTED = _first(
    [v for v in _OTHERS if v.name != SINGLE_STAGE and v.runtime_base == _PRIMARY.runtime_base]
)
CGO = _first([variant for variant in VARIANTS if not variant.starts])
