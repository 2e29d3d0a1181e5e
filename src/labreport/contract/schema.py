"""The shape of data/measurements.json, defined once: the measurement writes it, the site reads it.

`load` turns any missing or malformed field into one error naming the field and the file.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from . import paths

SCHEMA_VERSION: Literal[1] = 1
#: The project's data file (data/ beside its labreport.toml); the JSON Schema is the tool's own.
DATA_FILE = paths.data_folder() / "measurements.json"
SCHEMA_FILE = paths.REPO_ROOT / "data" / "measurements.schema.json"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BaseImage(Model):
    requested: str
    source: Literal["pulled", "present", "standin"]
    image_id: str
    recipe: str | None = None
    recipe_version: str | None = None


class EngineFacts(Model):
    version: str
    api_version: str
    storage_driver: str
    os: str
    architecture: str
    cpus: int


class CachedAnalysis(Model):
    """Figures a run read from the analysis cache (`measure/cache.py`) instead of computing them:
    an image's sizes, packages, files and efficiency, which depend on the image alone."""

    image_id: str
    ref: str  # what named the image in this run
    analysed_at: datetime  # when the cached figures were computed, in an earlier run
    tools: dict[str, str]  # the versions that computed them (dive, syft, zlib, the analysis code)
    pointers: list[str]  # JSON Pointers to the records of this file that the cache gave (/images/3)


class CarriedOver(Model):
    """Records a run took from the previous data file instead of measuring them again, because the
    inputs they rest on (`Provenance.variant_inputs`) hash as they did then: one variant's
    (`what` is its name), the primary's build timings (`what` is "timings") or, where a variant's
    build gave the same image as then (`Provenance.image_inputs`), its probe ("<variant> probe")."""

    what: str
    inputs_hash: str  # the unchanged hash of what they rest on
    measured_at: datetime  # when they were measured: the run that measured them, not the previous one
    git_commit: str  # the commit that run measured
    pointers: list[str]  # JSON Pointers to the records of this file it gave (/probes/2)


class Provenance(Model):
    measured_at: datetime
    git_commit: str
    git_dirty: bool
    engine: EngineFacts
    builder: str
    host_os: str
    host_architecture: str
    cpu_count: int
    python_version: str
    go_version: str
    bases: list[BaseImage]
    inputs_hash: str
    repeats: int
    only: list[str]
    duration_seconds: float
    docker_seconds: float
    tool_seconds: float
    # The builder of record's versions: the engine's embedded BuildKit (None where the engine does not
    # report it, as 20.10 does not) and the docker CLI that drives it (docker-py cannot, #2230).
    buildkit_version: str | None = None
    docker_cli_version: str | None = None
    # /proc/cpuinfo's "model name": timings from two machines are not one trend. None where the
    # kernel does not say, and in data measured before this field existed.
    cpu_model: str | None = None
    # Which figures came from the analysis cache rather than from this run; empty when none did,
    # and in data measured before the cache existed.
    cached_analyses: list[CachedAnalysis] = []
    # Each variant's inputs hash (its Dockerfile, its project entry, the service and its source,
    # the build context's .dockerignore, its bases' image IDs, the measuring code, the repeats), and
    # "timings" for the primary's build timings: what decides, in the next run without --force,
    # whether its records are carried over. Empty in data measured before it existed.
    variant_inputs: dict[str, str] = {}
    # Each variant's image inputs hash: the ID of the image this run built for it (or carried over),
    # the measuring code, the service's and the variant's project entries and the repeats. A run
    # whose build gives the same image again (a source edit that leaves the binary as it was) takes
    # that variant's probe from the run that made it. Empty in data measured before it existed.
    image_inputs: dict[str, str] = {}
    # What this run carried over from an earlier one, unmeasured; empty when it measured everything.
    carried_over: list[CarriedOver] = []


class Spread(Model):
    """Repeated timings: the median, the range and every sample."""

    median: float
    min: float
    max: float
    samples: list[float]


class Layer(Model):
    instruction: str
    size: int
    # Gzipped at level 6, as a pull downloads it; None for a history entry that adds no layer
    # (ENV, CMD...) and in data measured before this field existed.
    compressed_size: int | None = None


class ImageSize(Model):
    ref: str
    role: Role
    variant: str | None
    image_id: str
    size: int
    compressed_size: int
    layers: list[Layer]


class StepTiming(Model):
    number: int
    instruction: str
    seconds: Spread
    cached: bool


class BuildTiming(Model):
    variant: str  # a variant's name, or "cache-mount" for variants/cache-mount.Dockerfile
    kind: BuildKind
    total: Spread
    steps: list[StepTiming]
    # BuildKit's steps are timed by BuildKit itself (`#N DONE 0.6s`), the legacy builder's from the
    # arrival of each step's first line; data measured before BuildKit timings existed is legacy.
    builder: Builder = "legacy"
    # Cold builds only, where the bases came from a registry: removing and pulling them again just
    # before the build, timed apart from it. None offline, where the bases were local stand-ins.
    base_pull_seconds: Spread | None = None


Flavour = Literal["default", "stripped", "stripped_trimpath", "cgo"]
Linking = Literal["static", "dynamic"]
BuildKind = Literal["cold", "cached", "code_change"]
Builder = Literal["buildkit", "legacy"]
Role = Literal["base", "builder", "variant"]


class Binary(Model):
    flavour: Flavour
    flags: str
    size: int
    linking: Linking
    interpreter: str | None


class Answer(Model):
    """What one of the project's declared endpoints answered, beyond the root and the health check."""

    path: str
    status: int
    body: Any  # the answer's JSON; None when it is not JSON


class Probe(Model):
    """One run of a variant's container. healthcheck_status is None when the image defines no
    HEALTHCHECK; for a variant that is expected not to start, error_text holds what it printed."""

    variant: str
    started: bool
    seconds_to_healthy: float | None
    root_body: dict[str, Any] | None
    health_body: dict[str, Any] | None
    not_found_status: int | None
    not_found_body: dict[str, Any] | None
    spec_problems: list[str]
    process_uid: int | None
    healthcheck_status: str | None
    memory_bytes: int | None
    stop_seconds: float | None
    exit_code: int | None
    error_text: str | None
    logs: list[str]
    # Clocked from just before the create call, as `docker run` would be: container set-up, process
    # start and the service binding its port, up to the first 200 on `/`.
    run_to_first_200_seconds: float | None = None
    # Every other endpoint the project file declares, asked once, in its order.
    answers: list[Answer] = []


class Surface(Model):
    variant: str  # a variant's name, or "builder" for the builder stage
    packages: int
    files: int
    has_shell: bool
    has_package_manager: bool
    has_compiler: bool
    has_ca_bundle: bool
    has_tzdata: bool
    setuid_files: list[str]
    user: str
    program: str
    program_owner: str
    program_mode: str


class Efficiency(Model):
    variant: str
    score: float
    wasted_bytes: int


class LintFinding(Model):
    code: str
    level: str
    line: int
    message: str


class Lint(Model):
    dockerfile: str
    findings: list[LintFinding]


class Publish(Model):
    variant: str
    pushed_ref: str
    digest: str
    compressed_size: int
    pull_seconds: Spread
    docker_hub: str | None


class Failure(Model):
    phase: str
    variant: str | None
    error: str
    # The last lines the failing step printed (a compiler's error, a tool's complaint): the why.
    output_tail: list[str] = []


class RebuiltImage(Model):
    image_id: str
    binary_sha256: str  # of the program the image runs, read from the image's file system
    diff_ids: list[str]  # each layer's, bottom first, as `docker image inspect` lists RootFS.Layers


class Rebuild(Model):
    """The primary variant built twice from nothing (no cache), to see which bytes repeat."""

    variant: str
    builder: Builder
    # Set (to the last commit's time) only where the engine's BuildKit honours it (0.11 and later).
    source_date_epoch: int | None
    builds: list[RebuiltImage]


class Measurements(Model):
    schema_version: Literal[1]
    provenance: Provenance
    images: list[ImageSize]
    builds: list[BuildTiming]
    cold_build_log: list[str]
    binaries: list[Binary]
    probes: list[Probe]
    surfaces: list[Surface]
    efficiency: list[Efficiency]
    lint: list[Lint]
    publish: list[Publish]
    failures: list[Failure]
    # BuildKit's plain progress of the first cold build, beside the legacy builder's cold_build_log.
    buildkit_cold_log: list[str] = []
    rebuild: Rebuild | None = None


class DataError(ValueError):
    """The data file is missing or does not match the schema; the message says which field."""


def load(path: Path | None = None) -> Measurements:
    path = path or DATA_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DataError(f"{path}: missing; run `make measure` to create it") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataError(
            f"{path}: not JSON ({error}); restore it with `git checkout {path.name}` or run `make measure`"
        ) from error
    try:
        return Measurements.model_validate(raw)
    except ValidationError as error:
        raise DataError(f"{path}: {first_problem(error)}; run `make measure`") from error


def first_problem(error: ValidationError) -> str:
    """The first field pydantic refused and why, with how many problems there are in all: what a
    message about a data, history or other JSON file says after naming the file."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"field {where}: {first['msg']} ({error.error_count()} problem(s))"


def save(measurements: Measurements, path: Path | None = None) -> None:
    """Writes atomically: a failed or interrupted run leaves the previous file intact."""
    write_atomically(path or DATA_FILE, measurements.model_dump_json(indent=1) + "\n")


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        # mkstemp makes the file private; give it the mode a plain write would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def json_schema_text() -> str:
    return json.dumps(Measurements.model_json_schema(), indent=1, sort_keys=True) + "\n"
