"""The shape of data/history.json, defined once: one compact record per measurement.

The CLI appends a record after every measurement and merges the previous deployment's file; the
site draws the trends from it. A record keeps what a trend needs and what tells a real change from
a changed testbed: the inputs hash and commit (this repository changed), each base image's id
(a base drifted) and the testbed's fingerprint (another machine, engine or builder).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from .schema import DATA_FILE, BuildKind, DataError, Measurements, Model, first_problem, write_atomically
from .variants import PRIMARY

HISTORY_FILE = DATA_FILE.with_name("history.json")


class Testbed(Model):
    """What the timings and, through the builder, the sizes depend on besides this repository."""

    # None: measured before the CPU model was recorded.
    cpu_model: str | None
    cores: int
    engine_version: str
    #: The builder as the run describes itself, with its version where known.
    builder: str
    #: Every builder the run's builds went through ("legacy", "buildkit"...).
    builders: list[str]
    architecture: str

    def fingerprint(self) -> str:
        """Equal for two runs exactly when a trend may join their points."""
        return "|".join(
            [self.cpu_model or "?", str(self.cores), self.engine_version, self.builder, self.architecture]
        )

    def label(self) -> str:
        cpu = self.cpu_model or "CPU not recorded"
        return f"{cpu}, {self.cores} cores, {self.architecture}, Docker {self.engine_version}, {self.builder}"


class BaseRecord(Model):
    ref: str
    source: Literal["pulled", "present", "standin"]
    image_id: str


class BuildRecord(Model):
    builder: str
    variant: str
    kind: BuildKind
    median_seconds: float


class HistoryRecord(Model):
    run_id: str
    measured_at: datetime
    commit: str
    dirty: bool
    inputs_hash: str
    testbed: Testbed
    bases: list[BaseRecord]
    final_image_bytes: int | None
    #: What a pull of the final image downloads; `download_from` says how it was known.
    download_bytes: int | None
    # "manifest": the registry's manifest after a push; "gzip-estimate": the local gzip estimate.
    download_from: Literal["manifest", "gzip-estimate"] | None
    builder_stage_bytes: int | None
    builds: list[BuildRecord]
    #: The claims ledger's verdicts and how many claims got each; None when they were not judged.
    verdicts: dict[str, int] | None
    failures: int

    def build_median(self, kind: str, builder: str, variant: str = PRIMARY) -> float | None:
        return next(
            (
                item.median_seconds
                for item in self.builds
                if item.kind == kind and item.builder == builder and item.variant == variant
            ),
            None,
        )


class History(Model):
    schema_version: Literal[1] = 1
    records: list[HistoryRecord] = Field(default_factory=list)


class HistoryError(DataError):
    """A history file is not JSON or does not match the model; the message names the file and field."""


def run_id(measured_at: datetime, inputs_hash: str) -> str:
    return f"{measured_at:%Y%m%dT%H%M%SZ}-{inputs_hash[:12]}"


def record(data: Measurements, verdicts: dict[str, int] | None) -> HistoryRecord:
    """The record of one measurement. The verdicts are the report wing's to judge: the caller passes them."""
    provenance = data.provenance
    final = next((image for image in data.images if image.variant == PRIMARY), None)
    pushed = next((item for item in data.publish if item.variant == PRIMARY), None)
    builder_stage = next((image for image in data.images if image.role == "builder"), None)
    download: tuple[int | None, Literal["manifest", "gzip-estimate"] | None] = (
        (pushed.compressed_size, "manifest")
        if pushed is not None
        else (final.compressed_size, "gzip-estimate")
        if final is not None
        else (None, None)
    )
    # Older data has no per-build builder: the schema's default ("legacy") says what it then was.
    builds = [
        BuildRecord(
            builder=build.builder,
            variant=build.variant,
            kind=build.kind,
            median_seconds=build.total.median,
        )
        for build in data.builds
    ]
    return HistoryRecord(
        run_id=run_id(provenance.measured_at, provenance.inputs_hash),
        measured_at=provenance.measured_at,
        commit=provenance.git_commit,
        dirty=provenance.git_dirty,
        inputs_hash=provenance.inputs_hash,
        testbed=Testbed(
            cpu_model=provenance.cpu_model,
            cores=provenance.cpu_count,
            engine_version=provenance.engine.version,
            builder=provenance.builder,
            builders=sorted({build.builder for build in builds}),
            architecture=provenance.engine.architecture,
        ),
        bases=[BaseRecord(ref=b.requested, source=b.source, image_id=b.image_id) for b in provenance.bases],
        final_image_bytes=final.size if final is not None else None,
        download_bytes=download[0],
        download_from=download[1],
        builder_stage_bytes=builder_stage.size if builder_stage is not None else None,
        builds=builds,
        verdicts=verdicts,
        failures=len(data.failures),
    )


def merge(*histories: History) -> History:
    """Every record of every history once (by run id; the first seen is kept), oldest first."""
    by_id: dict[str, HistoryRecord] = {}
    for history in histories:
        for item in history.records:
            by_id.setdefault(item.run_id, item)
    return History(records=sorted(by_id.values(), key=lambda item: (item.measured_at, item.run_id)))


def parse(text: str, source: str) -> History:
    """A history from its JSON text; raises `HistoryError` naming `source` and the first bad field."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise HistoryError(f"{source}: not JSON ({error})") from None
    try:
        return History.model_validate(raw)
    except ValidationError as error:
        raise HistoryError(f"{source}: {first_problem(error)}") from None


def load(path: Path | None = None) -> History:
    """The history in `path`; an empty one when the file does not exist yet."""
    path = path or HISTORY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return History()
    except UnicodeDecodeError as error:
        raise HistoryError(f"{path}: not text ({error})") from None
    return parse(text, str(path))


def save(history: History, path: Path | None = None) -> None:
    """Atomically: an interrupted write leaves the previous history whole."""
    write_atomically(path or HISTORY_FILE, history.model_dump_json(indent=1) + "\n")
