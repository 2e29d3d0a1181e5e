"""The evidence behind one figure of measurements.json, named by its JSON Pointer: the raw value and
its unit, how the measurement took it, the command a reader runs to see it, and the base images it
rests on (a stand-in's recipe is there). `labreport explain` prints it; the site can show the same.

Part of the contract: it reads only the data file's models, never an engine.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .pointer import resolve, tokens
from .schema import BaseImage, Measurements, Provenance
from .variants import BY_NAME, CACHE_MOUNT, CACHE_MOUNT_DOCKERFILE, PRIMARY

SPREAD_FIELDS = ("median", "min", "max", "samples")  # a timing's parts all carry its unit
PROGRAM = "/app/devops-info-service"  # what the primary image's CMD runs
UNITS = {
    "score": "ratio (0 to 1)",
    "packages": "packages",
    "files": "files",
    "cpus": "CPUs",
    "cpu_count": "CPUs",
}


@dataclass(frozen=True, kw_only=True)
class Evidence:
    pointer: str
    value: Any
    unit: str  # "bytes", "s", "layers", ...; "" for a name, a flag or a digest
    how: str  # how the measurement took it
    command: str | None  # what a reader runs to see it; None where nothing reads it back
    bases: list[BaseImage]  # the base images the figure rests on


@dataclass(frozen=True, kw_only=True)
class _Making:
    how: str
    command: str | None = None
    bases: tuple[BaseImage, ...] = ()


def unit_of(parts: list[str], value: Any) -> str:
    """The unit of the field `parts` ends in, by its name, as the schema names fields."""
    field = next((part for part in reversed(parts) if not part.isdigit() and part not in SPREAD_FIELDS), "")
    if isinstance(value, list) and parts[-1] != "samples":
        return {"layers": "layers", "diff_ids": "diff IDs", "steps": "steps"}.get(field, "")
    number = value[0] if isinstance(value, list) and value else value  # a timing's samples: its unit
    if isinstance(number, bool) or not isinstance(number, int | float):
        return ""
    if field in ("size", "compressed_size") or field.endswith("_bytes"):
        return "bytes"
    if field.endswith("seconds") or field == "total":
        return "s"
    return UNITS.get(field, "")


def bases_of(data: Measurements, variant: str | None, image_id: str | None = None) -> tuple[BaseImage, ...]:
    """The bases a variant (or the builder, or the cache-mount build) rests on; a base image's own."""
    own = tuple(base for base in data.provenance.bases if base.image_id == image_id)
    if own:
        return own
    name = PRIMARY if variant in ("builder", CACHE_MOUNT) else variant
    refs = BY_NAME[name].bases if name in BY_NAME else ()
    return tuple(base for base in data.provenance.bases if base.requested in refs)


def _image(data: Measurements, parts: list[str]) -> _Making:
    image = data.images[int(parts[1])]
    what = f"{image.ref}, a {image.role} image,"
    bases = bases_of(data, image.variant or ("builder" if image.role == "builder" else None), image.image_id)
    if parts[-1] == "compressed_size":
        how = f"each layer of {what} as `docker save` writes it, gzipped at level 6 (what a pull downloads)"
        command = f"docker save {image.image_id} -o image.tar, then gzip -6 each layer manifest.json lists"
        return _Making(how=how, command=command, bases=bases)
    if parts[2:3] == ["layers"]:
        how = f"the history of {what} bottom first (docker history lists it top first)"
        if len(parts) > 3:
            how += f"; layer {parts[3]} is line {len(image.layers) - int(parts[3])} of docker history's"
        template = "'{{.Size}}\\t{{.CreatedBy}}'"
        command = f"docker history --no-trunc --human=false --format {template} {image.image_id}"
        return _Making(how=how, command=command, bases=bases)
    template = {"size": "{{.Size}}", "image_id": "{{.Id}}"}.get(parts[-1], "{{json .}}")
    how = f"the engine's record of {what} read by docker-py's image inspect during `labreport measure`"
    return _Making(
        how=how, command=f"docker image inspect --format '{template}' {image.image_id}", bases=bases
    )


def _rebuild(data: Measurements, parts: list[str]) -> _Making:
    rebuild = data.rebuild
    assert rebuild is not None  # the pointer resolved
    build = rebuild.builds[int(parts[2])] if len(parts) > 2 else rebuild.builds[0]
    bases = bases_of(data, rebuild.variant)
    if parts[-1] == "binary_sha256":
        how = "the program the image runs, read from a container created from it (never started), hashed"
        command = (
            f"id=$(docker create {build.image_id}) && docker cp $id:{PROGRAM} - | tar -xO | sha256sum; "
            "docker rm $id"
        )
        return _Making(how=how, command=command, bases=bases)
    how = (
        f"{rebuild.variant} built twice from nothing ({rebuild.builder}, no cache), to see which bytes repeat"
    )
    command = f"docker image inspect --format '{{{{json .RootFS.Layers}}}}' {build.image_id}"
    return _Making(how=how, command=command, bases=bases)


def _publish(data: Measurements, parts: list[str]) -> _Making:
    push = data.publish[int(parts[1])]
    bases = bases_of(data, push.variant)
    repository, _, tag = push.pushed_ref.rpartition(":")
    manifest = (
        f"curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "
        f"http://REGISTRY/v2/{repository}/manifests/{tag}"
    )
    if parts[2:3] == ["pull_seconds"]:
        how = f"pulls of {push.pushed_ref} from a local registry into a second, empty dockerd, each timed"
        return _Making(how=how, command=f"time docker pull REGISTRY/{push.pushed_ref}", bases=bases)
    if parts[2:3] == ["compressed_size"]:
        return _Making(
            how="the pushed manifest: its config's size plus every layer's", command=manifest, bases=bases
        )
    how = f"the digest the engine reported when it pushed {push.pushed_ref} to a local registry"
    return _Making(how=how, command=f"{manifest} | sha256sum", bases=bases)


def _build(data: Measurements, parts: list[str]) -> _Making:
    build = data.builds[int(parts[1])]
    dockerfile = CACHE_MOUNT_DOCKERFILE if build.variant == CACHE_MOUNT else BY_NAME[build.variant].dockerfile
    if build.builder == "buildkit":
        how = f"BuildKit's {build.kind} build of {build.variant}, timed by the client; its steps by BuildKit"
        command = f"DOCKER_BUILDKIT=1 docker build --progress=plain -f {dockerfile} ."
    else:
        how = (
            f"the legacy builder's {build.kind} build of {build.variant}, each step timed from its first line"
        )
        command = f"DOCKER_BUILDKIT=0 docker build -f {dockerfile} ."
    return _Making(how=how, command=command, bases=bases_of(data, build.variant))


def go_command(flags: str) -> str:
    """`CGO_ENABLED=0 -ldflags=-s -w -trimpath` as a shell runs it: the linker flags quoted as one."""
    environment, _, rest = flags.partition(" ")
    match = re.fullmatch(r"-ldflags=(.*?)((?: -trimpath)?)", rest)
    go_flags = (
        f"-ldflags={shlex.quote(match.group(1))}{match.group(2)} " if match else (f"{rest} " if rest else "")
    )
    return f"cd app && {environment} go build {go_flags}-o service . && stat -c %s service"


def _binary(data: Measurements, parts: list[str]) -> _Making:
    binary = data.binaries[int(parts[1])]
    return _Making(
        how=f"the service built on the host with Go ({binary.flavour}), its file's size",
        command=go_command(binary.flags),
    )


def _variant_record(data: Measurements, parts: list[str]) -> _Making:
    variant = str(getattr(data, parts[0])[int(parts[1])].variant)
    how = {
        "probes": f"a container of {variant} run and probed over HTTP (docker-py), then stopped",
        "surfaces": f"the file list of {variant} (a created container's export) and syft's package count",
        "efficiency": f"dive's analysis of {variant}'s `docker save` archive",
    }[parts[0]]
    command = f"docker run --rm -p 8080:8080 devops-info-service:{variant}" if parts[0] == "probes" else None
    return _Making(how=how, command=command, bases=bases_of(data, variant))


RULES: dict[str, Callable[[Measurements, list[str]], _Making]] = {
    "images": _image,
    "rebuild": _rebuild,
    "publish": _publish,
    "builds": _build,
    "binaries": _binary,
    "probes": _variant_record,
    "surfaces": _variant_record,
    "efficiency": _variant_record,
}


def explain(data: Measurements, text: str, document: Any = None) -> Evidence:
    """The evidence for the figure `text` names; PointerError when it names nothing. `document` is
    `data` as JSON, for a caller explaining many figures of one data file (the site): dumping it is
    most of the cost."""
    value = resolve(data.model_dump(mode="json") if document is None else document, text)
    parts = tokens(text)
    rule = RULES.get(parts[0]) if len(parts) > 1 else None
    making = (
        rule(data, parts) if rule else _Making(how="recorded by `labreport measure` about the run itself")
    )
    return Evidence(
        pointer=text,
        value=value,
        unit=unit_of(parts, value),
        how=making.how,
        command=making.command,
        bases=list(making.bases),
    )


def facts(evidence: Evidence, provenance: Provenance) -> list[tuple[str, str]]:
    """The evidence as labelled lines, after its value: how, the command, when and where, each base.
    `labreport explain` prints them and the site's popovers show them, so both say the same."""
    found = [("how", evidence.how)]
    if evidence.command:
        found.append(("see it yourself", evidence.command))
    dirty = ", with uncommitted changes" if provenance.git_dirty else ""
    found.append(
        ("measured", f"{provenance.measured_at:%Y-%m-%d %H:%M} UTC at commit {provenance.git_commit}{dirty}")
    )
    cpu = f" ({provenance.cpu_model})" if provenance.cpu_model else ""
    found.append(
        (
            "testbed",
            f"{provenance.host_os} {provenance.host_architecture}, {provenance.cpu_count} CPUs{cpu}; "
            f"Docker {provenance.engine.version} ({provenance.engine.storage_driver}, "
            f"{provenance.engine.os}); builder: {provenance.builder}",
        )
    )
    for base in evidence.bases:
        if base.source == "standin":
            said = (
                f"a stand-in built here ({base.image_id[:19]}): {base.recipe} (recipe {base.recipe_version})"
            )
        else:
            said = f"{base.source} ({base.image_id[:19]})"
        found.append((f"base {base.requested}", said))
    return found
