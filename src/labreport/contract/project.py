"""The project file (labreport.toml): everything one report measures, and nothing else declares it.

The service (its source folder, port, endpoints and the response spec they answer to), each
Dockerfile the report compares with what it is for, and the budgets and claims files. The bases of
each variant are read from its Dockerfile's `FROM` lines and may be overridden. PROJECT.md documents
the format; a bad file is one line naming the file, the entry and the field.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import dockerfile
from .paths import PROJECT_ENV, PROJECT_FILE, REPO_ROOT, choose_from_argv, project_path
from .schema import DataError, Flavour

__all__ = ["PROJECT_ENV", "PROJECT_FILE", "REPO_ROOT", "choose_from_argv", "project_path"]


#: What a variant is for: the primary image (one, listed first), an image set beside it, one whose
#: failure to start is the point, or the primary Dockerfile with cache mounts, built only to time a
#: one-line change.
Purpose = Literal["runtime", "comparison", "failure", "cache-mount"]
RUNTIME, COMPARISON, FAILURE, CACHE_MOUNT_TIMING = get_args(Purpose)
#: Response specs built in, by name.
Spec = Literal["devops-info-service"]


class ProjectError(DataError):
    """The project file is missing, not TOML, or has a bad entry; the message names file, entry, field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Strict):
    #: The name the images are tagged under (`<image>:<variant>`).
    image: str = Field(min_length=1)
    source: str = Field(min_length=1)  # the Go module's folder
    port: int = Field(ge=1, le=65535)
    endpoints: tuple[str, ...] = Field(min_length=1)  # the first is the service's root
    health: str  # the endpoint timed until it first answers 200
    spec: Spec | None = None

    @field_validator("endpoints", "health")
    @classmethod
    def _paths(cls, value: tuple[str, ...] | str) -> tuple[str, ...] | str:
        for path in (value,) if isinstance(value, str) else value:
            if not path.startswith("/"):
                raise ValueError(f"must start with '/', not {path!r}")
        return value


class VariantEntry(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    dockerfile: str  # relative to the project folder, which is the build context
    purpose: Purpose
    flavour: Flavour
    published: bool = False
    summary: str
    build_args: dict[str, str] = {}
    #: Overrides of what the `FROM` lines say: "" for none (scratch, or the builder stage's image).
    build_base: str | None = None
    runtime_base: str | None = None


class Project(_Strict):
    service: Service
    budgets: str = "budgets.toml"
    claims: str = "claims.toml"
    variant: tuple[VariantEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_primary(self) -> Project:
        names = [entry.name for entry in self.variant]
        doubled = sorted({name for name in names if names.count(name) > 1})
        if doubled:
            raise ValueError(f"variant {doubled[0]!r} is declared twice")
        if self.variant[0].purpose != RUNTIME or sum(e.purpose == RUNTIME for e in self.variant) != 1:
            raise ValueError("exactly one variant has purpose 'runtime', the primary, and it comes first")
        if sum(entry.purpose == CACHE_MOUNT_TIMING for entry in self.variant) > 1:
            raise ValueError("at most one variant has purpose 'cache-mount'")
        return self

    @property
    def primary(self) -> VariantEntry:
        return self.variant[0]

    @property
    def builder_ref(self) -> str:
        """The primary Dockerfile's builder stage, built on its own and tagged this."""
        return f"{self.service.image}:builder"


def _where(raw: object, location: tuple[int | str, ...]) -> str:
    """`variant 'cgo': field 'flavour'` for ("variant", 5, "flavour"): the entry by its name."""
    if len(location) >= 2 and location[0] == "variant" and isinstance(location[1], int):
        entries = raw.get("variant", []) if isinstance(raw, dict) else []
        name = entries[location[1]].get("name") if location[1] < len(entries) else None
        entry = f"variant {name!r}" if isinstance(name, str) else f"variant #{location[1] + 1}"
        rest = location[2:]
        return entry + (f": field {'.'.join(map(str, rest))!r}" if rest else "")
    if len(location) >= 2:
        return f"[{location[0]}]: field {'.'.join(map(str, location[1:]))!r}"
    return f"field {location[0]!r}" if location else "the file"


def load(path: Path) -> Project:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path}: missing; `labreport init` writes one from the Dockerfiles") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProjectError(f"{path}: not TOML ({error})") from None
    try:
        project = Project.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ProjectError(f"{path}: {_where(raw, tuple(first['loc']))}: {message}") from None
    for entry in project.variant:
        if not (path.parent / entry.dockerfile).is_file():
            raise ProjectError(
                f"{path}: variant {entry.name!r}: field 'dockerfile': {entry.dockerfile} does not exist"
            )
    return project


def bases(project: Project, entry: VariantEntry, root: Path) -> tuple[str | None, str | None, bool]:
    """(build base, runtime base, copies from the builder stage) of a variant, read from its
    Dockerfile's `FROM` lines unless the entry overrides them. A stage `FROM <image>:builder` takes
    the primary's builder stage: no build base of its own."""
    parsed = dockerfile.read(root / entry.dockerfile, entry.build_args)
    if not parsed.stages:
        raise ProjectError(f"{entry.dockerfile}: no FROM line")
    first, last = parsed.base_of(parsed.stages[0]), parsed.base_of(parsed.stages[-1])
    from_builder = first == project.builder_ref
    build = None if from_builder else first
    if entry.purpose == RUNTIME:
        from_builder = True  # its own builder stage is the builder stage
    build = build if entry.build_base is None else entry.build_base or None
    runtime = last if entry.runtime_base is None else entry.runtime_base or None
    return build, runtime, from_builder


def builder_stage(project: Project, root: Path) -> str | None:
    """The name of the primary Dockerfile's first stage, the one the other stages copy the binary
    from; None when it has one stage. A multi-stage primary whose first stage has no name cannot be
    built on its own: that is a bad project, said in one line."""
    parsed = dockerfile.read(root / project.primary.dockerfile, project.primary.build_args)
    if len(parsed.stages) < 2:
        return None
    alias = parsed.stages[0].alias
    if alias is None:
        raise ProjectError(
            f"{project.primary.dockerfile}: its first stage has no name; write `FROM <image> AS builder`"
        )
    return alias
