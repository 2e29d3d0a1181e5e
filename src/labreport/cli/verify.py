"""`labreport verify`: the reader's own witness. Every figure in the data file that names an image is
read again from this engine through the docker CLI, one line per figure, one per difference."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..contract import schema
from ..measure.buildkit import CLIUnavailable
from ..measure.witness import NO_REGISTRY, NOT_HERE, Check, NoEngine, Report, witness

DESCRIPTION = """\
Reads again, through the docker CLI (not the SDK the measurement used), every figure in the data
file that names an image, and compares it with what this engine says now:

  /images/N/size, /images/N/layers, /images/N/layers/M/size
      docker image inspect --format '{{.Size}}' ID; docker history --no-trunc --human=false ID
      (layers are matched by instruction, so a missing or extra layer is named, not every size after it)
  /provenance/bases/N/source, requested, recipe_version
      a stand-in's labels (docker image inspect --format '{{json .Config.Labels}}' ID)
  /rebuild/builds/N/diff_ids/M, /rebuild/builds/N/binary_sha256
      .RootFS.Layers, and the program copied out with docker create + docker cp and hashed
  /publish/N/digest
      the manifest the registry serves, hashed; only with --registry, where the push still is

One line per figure checked (its JSON Pointer into the data file), with the recorded value and the
engine's beside it when they differ. An image that is not on this engine (the committed data was
measured on another machine; a later run here replaces an earlier one's images) is named and not
counted as a difference: verify then exits 0 and its last line says how many figures it could
check. Compressed sizes are not re-read.

exit codes: 0 every figure checked agrees (also when some or all images are not on this engine),
1 a figure differs (each is named), 2 the data file is missing or malformed,
3 no Docker engine answers the docker CLI, 130 interrupted."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="re-read every figure that names an image from this engine, through the docker CLI",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data", type=Path, default=schema.DATA_FILE, help="the data file (default: %(default)s)"
    )
    parser.add_argument(
        "--registry",
        metavar="HOST:PORT",
        default=None,
        help="a registry that still holds the data's pushes, to check their digests (default: skipped)",
    )


def run(arguments: argparse.Namespace) -> int:
    try:
        data = schema.load(arguments.data)
    except schema.DataError as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 2
    try:
        report = witness(data, registry=arguments.registry)
    except NoEngine as error:
        print(f"labreport: {error}: start one (`sudo dockerd &`) or set DOCKER_HOST", file=sys.stderr)
        return 3
    except CLIUnavailable as error:
        print(f"labreport: the docker CLI cannot be run ({error}): install docker.io", file=sys.stderr)
        return 3
    print(heading(arguments.data, data, report.engine_version))
    for line in lines(report):
        print(line)
    print(summary(report, len(data.images)))
    if report.differences:
        named = ", ".join(dict.fromkeys(check.pointer for check in report.differences))
        print(
            f"labreport: {len(report.differences)} figure(s) differ from this engine: {named}",
            file=sys.stderr,
        )
        return 1
    return 0


def heading(path: Path, data: schema.Measurements, engine_version: str) -> str:
    facts = data.provenance
    dirty = " (uncommitted changes)" if facts.git_dirty else ""
    return (
        f"{path}: measured {facts.measured_at:%Y-%m-%d %H:%M} UTC at commit {facts.git_commit[:12]}{dirty} "
        f"on {facts.engine.os}, engine {facts.engine.version}, {facts.cpu_model or 'cpu unknown'}; "
        f"this engine: {engine_version}"
    )


def value(pointer: str, raw: object) -> str:
    """A recorded or observed value as a reader reads it: counts and sizes with their unit."""
    if raw is None:
        return "nothing"
    if isinstance(raw, int) and not isinstance(raw, bool):
        unit = {"size": "bytes", "layers": "layers", "diff_ids": "diff IDs"}.get(pointer.rsplit("/", 1)[-1])
        return f"{raw} {unit}" if unit else str(raw)
    return str(raw)


def line(check: Check) -> str:
    if check.agrees:
        return f"  agrees   {check.pointer}  {value(check.pointer, check.recorded)}"
    recorded, observed = value(check.pointer, check.recorded), value(check.pointer, check.observed)
    return f"  DIFFERS  {check.pointer}  recorded {recorded}; on this engine {observed}"


def lines(report: Report) -> list[str]:
    printed: list[str] = []
    for subject in report.subjects:
        printed.append(f"{subject.name} ({subject.pointer})")
        if subject.skipped:
            printed.append(f"  {subject.skipped}")
            continue
        printed += [f"  $ {command}" for command in subject.commands]
        printed += [line(check) for check in subject.checks]
    return printed


def summary(report: Report, image_count: int) -> str:
    checked, differ = len(report.checks), len(report.differences)
    absent = len(
        {subject.image_id for subject in report.subjects if (subject.skipped or "").startswith(NOT_HERE)}
    )
    skipped = sum(1 for subject in report.subjects if (subject.skipped or "").startswith(NO_REGISTRY))
    text = f"{checked} figure(s) checked: {checked - differ} agree, {differ} differ"
    if absent:
        text += f"; {absent} image(s) {NOT_HERE}"
    if skipped:
        text += f"; {skipped} push(es) skipped (registry not running)"
    if checked == 0 and image_count:
        text += (
            ". None of the images is on this engine: the data was measured elsewhere. "
            "`make measure`, then `labreport verify`, checks a run of your own"
        )
    return text
