"""The independent witness: every figure in a data file that names an image, read again from the
engine through the docker CLI, not the Docker SDK the measurement used.

What it reads, per image the data names by ID:
- `images[]`: the size (`docker image inspect`), and the layers, counted and sized from
  `docker history --no-trunc --human=false`, matched to the recorded ones by instruction, so a
  missing or extra layer is named rather than shifting every size after it;
- `provenance.bases[]`: a stand-in's labels (what it stands in for, its recipe version);
- `rebuild.builds[]`: each layer's diff ID (`.RootFS.Layers`), and the sha256 of the program the
  image runs, copied out with `docker create` + `docker cp` and hashed here;
- `publish[]`: the pushed manifest's digest, where the registry it was pushed to still answers.

An image whose ID is not on this engine is reported as such and not counted as a difference: the
committed data was measured on another machine, and a later run here replaces the images of an earlier one.
Compressed sizes are not re-read (that is `docker save` and gzip, the measurement's own formula).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import json
import posixpath
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ..contract.pointer import pointer
from ..contract.schema import ImageSize, Measurements, Publish, RebuiltImage
from ..contract.variants import IMAGE
from .buildkit import run_cli
from .buildlog import tidy_instruction
from .engine import LABEL, RECIPE, STANDIN_FOR

# Runs `docker ARGS...` and returns what it printed; unit tests pass recorded output instead.
Docker = Callable[[Sequence[str]], subprocess.CompletedProcess[str]]
NOT_HERE = "not on this engine"
NO_REGISTRY = "registry not running: skipped"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


class NoEngine(RuntimeError):
    """The docker CLI runs but no engine answers it (or it stopped answering part-way)."""


@dataclass(frozen=True, kw_only=True)
class Check:
    """One figure compared: what the data file records and what the engine says now."""

    pointer: str
    recorded: object
    observed: object

    @property
    def agrees(self) -> bool:
        return self.recorded == self.observed


@dataclass(frozen=True, kw_only=True)
class Subject:
    """One image (or push) the data names, with the command a reader runs to see it, and either
    its checks or why it could not be checked here."""

    pointer: str
    name: str
    image_id: str | None  # None for a push, which names a registry's manifest
    commands: tuple[str, ...]
    checks: list[Check] = field(default_factory=list)
    skipped: str | None = None  # NOT_HERE or NO_REGISTRY, with the detail after a colon


@dataclass(frozen=True, kw_only=True)
class Report:
    engine_version: str
    subjects: list[Subject]

    @property
    def checks(self) -> list[Check]:
        return [check for subject in self.subjects for check in subject.checks]

    @property
    def differences(self) -> list[Check]:
        return [check for check in self.checks if not check.agrees]


def default_docker(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return run_cli(args, timeout=600)


def _first_line(result: subprocess.CompletedProcess[str]) -> str:
    text = (result.stderr or result.stdout).strip()
    return text.splitlines()[0] if text else f"exit code {result.returncode}"


def engine_version(docker: Docker) -> str:
    """The engine's version, asked through the CLI; NoEngine when nothing answers."""
    result = docker(["version", "--format", "{{.Server.Version}}"])
    if result.returncode != 0 or not result.stdout.strip():
        raise NoEngine(f"no Docker engine answers the docker CLI ({_first_line(result)})")
    return result.stdout.strip()


def _inspect(docker: Docker, ref: str) -> dict[str, Any] | None:
    """`docker image inspect REF` as JSON; None when the engine has no such image."""
    result = docker(["image", "inspect", ref])
    if result.returncode != 0:
        if "no such" in result.stderr.lower():
            return None
        raise NoEngine(f"docker image inspect {ref}: {_first_line(result)}")
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found[0]


def _history(docker: Docker, image_id: str) -> list[tuple[str, int]]:
    """(instruction, bytes) of every history entry, bottom first, as the data lists layers."""
    result = docker(["history", "--no-trunc", "--human=false", "--format", "{{json .}}", image_id])
    if result.returncode != 0:
        raise NoEngine(f"docker history {image_id}: {_first_line(result)}")
    entries = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return [(tidy_instruction(str(entry["CreatedBy"])), int(entry["Size"])) for entry in reversed(entries)]


def _elsewhere(docker: Docker, image_id: str, ref: str | None) -> str:
    """Why an image is missing, as a reader needs it: the tag may name a later build here."""
    current = _inspect(docker, ref) if ref else None
    if current is None:
        return f"{NOT_HERE}: {image_id[:19]} was measured elsewhere or has been removed"
    return f"{NOT_HERE}: {image_id[:19]} is gone; {ref} here is {str(current['Id'])[:19]}, another build"


def inspect_command(image_id: str, template: str = "{{.Size}}") -> str:
    return f"docker image inspect --format '{template}' {image_id}"


def history_command(image_id: str) -> str:
    return f"docker history --no-trunc --human=false --format '{{{{.Size}}}}\\t{{{{.CreatedBy}}}}' {image_id}"


def compare_layers(
    at: str, recorded: Sequence[tuple[str, int]], engine: Sequence[tuple[str, int]]
) -> list[Check]:
    """The count, then each recorded layer's size beside the engine's layer with the same
    instruction; a layer only one side has is named by its position, instruction and size."""
    checks = [Check(pointer=f"{at}/layers", recorded=len(recorded), observed=len(engine))]
    matcher = difflib.SequenceMatcher(
        None, [text for text, _ in recorded], [text for text, _ in engine], autojunk=False
    )
    for tag, first, last, engine_first, engine_last in matcher.get_opcodes():
        mine, theirs = range(first, last), range(engine_first, engine_last)
        if tag == "equal" or (tag == "replace" and len(mine) == len(theirs)):
            for index, other in zip(mine, theirs, strict=True):
                size, observed = recorded[index][1], engine[other][1]
                checks.append(Check(pointer=f"{at}/layers/{index}/size", recorded=size, observed=observed))
            continue
        for index in mine:
            text = f"{recorded[index][1]} bytes: {recorded[index][0]}"
            checks.append(Check(pointer=f"{at}/layers/{index}", recorded=text, observed="no such layer"))
        for index in theirs:
            text = f"layer {index}, {engine[index][1]} bytes: {engine[index][0]}"
            checks.append(Check(pointer=f"{at}/layers", recorded="no such layer", observed=text))
    return checks


def image_checks(
    at: str, recorded: ImageSize, inspected: dict[str, Any], history: Sequence[tuple[str, int]]
) -> list[Check]:
    layers = [(layer.instruction, layer.size) for layer in recorded.layers]
    size = Check(pointer=f"{at}/size", recorded=recorded.size, observed=int(inspected["Size"]))
    return [size, *compare_layers(at, layers, history)]


def _images(data: Measurements, docker: Docker) -> Iterator[Subject]:
    for index, image in enumerate(data.images):
        at = pointer("images", index)
        commands = (inspect_command(image.image_id), history_command(image.image_id))
        inspected = _inspect(docker, image.image_id)
        if inspected is None:
            yield Subject(
                pointer=at,
                name=image.ref,
                image_id=image.image_id,
                commands=commands,
                skipped=_elsewhere(docker, image.image_id, image.ref),
            )
            continue
        checks = image_checks(at, image, inspected, _history(docker, image.image_id))
        yield Subject(pointer=at, name=image.ref, image_id=image.image_id, commands=commands, checks=checks)


def _bases(data: Measurements, docker: Docker) -> Iterator[Subject]:
    """A stand-in carries its labels; a pulled or present base has only its ID to show."""
    for index, base in enumerate(data.provenance.bases):
        at = pointer("provenance", "bases", index)
        commands = (inspect_command(base.image_id, "{{json .Config.Labels}}"),)
        inspected = _inspect(docker, base.image_id)
        if inspected is None:
            yield Subject(
                pointer=at,
                name=base.requested,
                image_id=base.image_id,
                commands=commands,
                skipped=_elsewhere(docker, base.image_id, base.requested),
            )
            continue
        labels = (inspected.get("Config") or {}).get("Labels") or {}
        # The engine cannot tell pulled from present; it can tell a stand-in by its label.
        observed = "standin" if STANDIN_FOR in labels else base.source if base.source != "standin" else None
        checks = [Check(pointer=f"{at}/source", recorded=base.source, observed=observed)]
        if base.source == "standin":
            checks += [
                Check(pointer=f"{at}/requested", recorded=base.requested, observed=labels.get(STANDIN_FOR)),
                Check(
                    pointer=f"{at}/recipe_version", recorded=base.recipe_version, observed=labels.get(RECIPE)
                ),
            ]
        yield Subject(
            pointer=at, name=base.requested, image_id=base.image_id, commands=commands, checks=checks
        )


@contextlib.contextmanager
def _created(docker: Docker, image_id: str) -> Iterator[str]:
    """A container created from the image, never started, and removed whatever happens."""
    result = docker(["create", "--label", f"{LABEL}=1", image_id])
    if result.returncode != 0:
        raise NoEngine(f"docker create {image_id}: {_first_line(result)}")
    container = result.stdout.strip()
    try:
        yield container
    finally:
        docker(["rm", "--force", container])


def program_sha256(docker: Docker, image_id: str, inspected: dict[str, Any]) -> str:
    """sha256 of the program the image runs, copied out of a created container and hashed here."""
    config = inspected.get("Config") or {}
    command = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
    if not command:
        return "the image names no program"
    program = posixpath.normpath(posixpath.join(config.get("WorkingDir") or "/", command[0]))
    with (
        _created(docker, image_id) as container,
        tempfile.TemporaryDirectory(prefix="labreport-witness-") as scratch,
    ):
        copied = Path(scratch) / "program"
        result = docker(["cp", "--follow-link", f"{container}:{program}", str(copied)])
        if result.returncode != 0 or not copied.is_file():
            return f"no file at {program} ({_first_line(result)})"
        digest = hashlib.sha256()
        with copied.open("rb") as stream:
            for block in iter(functools.partial(stream.read, 1 << 20), b""):
                digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def rebuild_checks(at: str, recorded: RebuiltImage, inspected: dict[str, Any], sha256: str) -> list[Check]:
    diff_ids = [str(each) for each in (inspected.get("RootFS") or {}).get("Layers") or []]
    checks = [Check(pointer=f"{at}/binary_sha256", recorded=recorded.binary_sha256, observed=sha256)]
    if len(diff_ids) != len(recorded.diff_ids):
        return [
            *checks,
            Check(pointer=f"{at}/diff_ids", recorded=len(recorded.diff_ids), observed=len(diff_ids)),
        ]
    return checks + [
        Check(pointer=f"{at}/diff_ids/{index}", recorded=mine, observed=theirs)
        for index, (mine, theirs) in enumerate(zip(recorded.diff_ids, diff_ids, strict=True))
    ]


def _rebuilds(data: Measurements, docker: Docker) -> Iterator[Subject]:
    if data.rebuild is None:
        return
    for index, build in enumerate(data.rebuild.builds):
        at = pointer("rebuild", "builds", index)
        name = f"rebuild {index + 1} of {data.rebuild.variant}"
        commands = (
            inspect_command(build.image_id, "{{json .RootFS.Layers}}"),
            f"docker create {build.image_id}, then docker cp CONTAINER:PROGRAM . and sha256sum it",
        )
        inspected = _inspect(docker, build.image_id)
        if inspected is None:
            yield Subject(
                pointer=at,
                name=name,
                image_id=build.image_id,
                commands=commands,
                skipped=_elsewhere(docker, build.image_id, None),
            )
            continue
        checks = rebuild_checks(at, build, inspected, program_sha256(docker, build.image_id, inspected))
        yield Subject(pointer=at, name=name, image_id=build.image_id, commands=commands, checks=checks)


def manifest_digest(registry: str, pushed_ref: str) -> str | None:
    """sha256 of the manifest the registry serves for the tag, computed here from its bytes; None
    when the registry does not answer."""
    repository, _, tag = pushed_ref.rpartition(":")
    try:
        response = requests.get(
            f"http://{registry}/v2/{repository}/manifests/{tag}", headers={"Accept": MANIFEST_V2}, timeout=10
        )
    except requests.RequestException:
        return None
    if response.status_code == 404:
        return "no such tag in the registry"
    if not response.ok:
        return None
    return f"sha256:{hashlib.sha256(response.content).hexdigest()}"


def _pushes(data: Measurements, registry: str | None) -> Iterator[Subject]:
    for index, push in enumerate(data.publish):
        at = pointer("publish", index)
        yield _push(at, push, registry)


def _push(at: str, push: Publish, registry: str | None) -> Subject:
    commands = (f"curl -s -H 'Accept: {MANIFEST_V2}' {_manifest_url(registry, push.pushed_ref)} | sha256sum",)
    name = f"push of {push.variant} ({push.pushed_ref})"
    if registry is None:
        return Subject(
            pointer=at,
            name=name,
            image_id=None,
            commands=commands,
            skipped=f"{NO_REGISTRY}: the measurement's local registry stops with it; "
            "--registry HOST:PORT checks one that still holds the push",
        )
    digest = manifest_digest(registry, push.pushed_ref)
    if digest is None:
        return Subject(
            pointer=at,
            name=name,
            image_id=None,
            commands=commands,
            skipped=f"{NO_REGISTRY}: nothing answers at {registry}",
        )
    return Subject(
        pointer=at,
        name=name,
        image_id=None,
        commands=commands,
        checks=[Check(pointer=f"{at}/digest", recorded=push.digest, observed=digest)],
    )


def _manifest_url(registry: str | None, pushed_ref: str) -> str:
    repository, _, tag = pushed_ref.rpartition(":")
    return f"http://{registry or 'REGISTRY'}/v2/{repository or IMAGE}/manifests/{tag}"


def witness(data: Measurements, docker: Docker = default_docker, registry: str | None = None) -> Report:
    """Every figure that names an image, compared with what the engine (and registry) says now."""
    version = engine_version(docker)
    subjects = [
        *_images(data, docker),
        *_bases(data, docker),
        *_rebuilds(data, docker),
        *_pushes(data, registry),
    ]
    return Report(engine_version=version, subjects=subjects)
