"""Pure readers of what the tools and the engine hand back: no Docker, no subprocesses here.

Keeping them pure lets unit tests feed them recorded output.
"""

from __future__ import annotations

import gzip
import json
import statistics
import struct
import tarfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..contract.schema import Linking, LintFinding, Spread
from . import stopping

# -- timings -------------------------------------------------------------------------------


def spread(samples: Iterable[float]) -> Spread:
    values = [round(value, 3) for value in samples]
    if not values:
        raise ValueError("a spread needs at least one sample")
    return Spread(
        median=round(statistics.median(values), 3), min=min(values), max=max(values), samples=values
    )


# -- ELF -----------------------------------------------------------------------------------

PT_INTERP = 3


def elf_linking(binary: bytes) -> tuple[Linking, str | None]:
    """('static' | 'dynamic', ELF interpreter or None) of a 64-bit little-endian ELF file."""
    if len(binary) < 64 or binary[:4] != b"\x7fELF" or binary[4] != 2 or binary[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    try:
        return _program_interpreter(binary)
    except (struct.error, IndexError, UnicodeDecodeError) as error:
        raise ValueError(f"truncated ELF file: {error}") from error


def _program_interpreter(binary: bytes) -> tuple[Linking, str | None]:
    (program_headers,) = struct.unpack_from("<Q", binary, 0x20)
    entry_size, count = struct.unpack_from("<HH", binary, 0x36)
    # Only a loader makes a binary depend on its base image: a static-pie has PT_DYNAMIC but no
    # interpreter, and runs on an empty image.
    for index in range(count):
        base = program_headers + index * entry_size
        (kind,) = struct.unpack_from("<I", binary, base)
        if kind == PT_INTERP:
            offset, _, _, size = struct.unpack_from("<QQQQ", binary, base + 8)
            if offset + size > len(binary):
                raise IndexError("interpreter outside the file")
            return "dynamic", binary[offset : offset + size].rstrip(b"\0").decode()
    return "static", None


# -- docker save archives ------------------------------------------------------------------


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def write(self, data: bytes) -> int:
        self.count += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def gzip_size(stream: IO[bytes]) -> int:
    counter = _Counter()
    with gzip.GzipFile(fileobj=counter, mode="wb", compresslevel=6, mtime=0) as zipped:
        while chunk := stream.read(1 << 20):
            stopping.check()  # a layer of the SDK is seconds of deflate
            zipped.write(chunk)
    return counter.count


def compressed_layer_sizes(
    archive_path: Path,
    known: Callable[[str], int | None] = lambda diff_id: None,
    learned: Callable[[str, int], object] = lambda diff_id, size: None,
) -> list[int]:
    """What a pull downloads: each layer of a `docker save` archive gzipped at level 6. A layer is
    named by its diff ID (the sha256 of its uncompressed tar, from the image's config), so one that
    `known` has a size for (the same layer in an image analysed before: a base's, under a variant)
    is not gzipped again; `learned` is told the size of each that is."""
    sizes: list[int] = []
    with tarfile.open(archive_path) as archive:
        manifest = json.load(_member(archive, "manifest.json"))
        names = manifest[0]["Layers"]
        config = json.load(_member(archive, manifest[0]["Config"]))
        diff_ids = (config.get("rootfs") or {}).get("diff_ids") or []
        if len(diff_ids) != len(names):  # not an archive that names its layers' content: gzip all
            diff_ids = [""] * len(names)
        for name, diff_id in zip(names, diff_ids, strict=True):
            size = known(diff_id) if diff_id else None
            if size is None:
                size = gzip_size(_member(archive, name))
                if diff_id:
                    learned(diff_id, size)
            sizes.append(size)
    return sizes


def history_has_layer(archive_path: Path) -> list[bool]:
    """For each history entry of a `docker save` archive's image, oldest first (as `Engine.image`
    lists them): whether it added a layer. A RUN or COPY that changed nothing still adds an empty
    layer with size 0, so a history size of 0 does not tell; the config's `empty_layer` does."""
    with tarfile.open(archive_path) as archive:
        manifest = json.load(_member(archive, "manifest.json"))
        config = json.load(_member(archive, manifest[0]["Config"]))
    return [not entry.get("empty_layer", False) for entry in config.get("history", [])]


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    member = archive.extractfile(name)
    if member is None:
        raise ValueError(f"{name} missing from the image archive")
    return member


# -- tool output ---------------------------------------------------------------------------


def syft_package_count(report: Mapping[str, Any]) -> int:
    return len(report.get("artifacts") or [])


def dive_efficiency(report: Mapping[str, Any]) -> tuple[float, int]:
    image = report["image"]
    return float(image["efficiencyScore"]), int(image["inefficientBytes"])


def hadolint_findings(report: Iterable[Mapping[str, Any]]) -> list[LintFinding]:
    return [
        LintFinding(
            code=str(item["code"]),
            level=str(item["level"]),
            line=int(item["line"]),
            message=str(item["message"]),
        )
        for item in report
    ]


# -- attack surface ------------------------------------------------------------------------

SHELLS = ("bin/sh", "bin/bash", "bin/ash", "bin/dash", "usr/bin/bash", "usr/bin/dash")
PACKAGE_MANAGERS = ("sbin/apk", "usr/bin/apt", "usr/bin/apt-get", "usr/bin/dpkg", "bin/apk")
COMPILERS = ("usr/local/go/bin/go", "usr/bin/gcc", "usr/bin/cc", "usr/bin/g++", "usr/local/bin/go")
CA_BUNDLES = ("etc/ssl/certs/ca-certificates.crt", "etc/ssl/cert.pem")


def surface_facts(members: Iterable[tarfile.TarInfo], program: str) -> dict[str, Any]:
    """Shell, package manager, compiler, CA bundle, tzdata and setuid files in an image's files,
    and who owns the program the image runs (an absolute path)."""
    names: set[str] = set()
    files = 0
    setuid: list[str] = []
    owner = mode = ""
    for member in members:
        name = member.name.removeprefix("./").rstrip("/")
        names.add(name)
        if "/" + name == program:
            owner, mode = f"{member.uid}:{member.gid}", f"{member.mode & 0o7777:04o}"
        if member.isfile():
            files += 1
            if member.mode & 0o6000:
                setuid.append("/" + name)
    return {
        "files": files,
        "has_shell": any(path in names for path in SHELLS),
        "has_package_manager": any(path in names for path in PACKAGE_MANAGERS),
        "has_compiler": any(path in names for path in COMPILERS),
        "has_ca_bundle": any(path in names for path in CA_BUNDLES),
        "has_tzdata": any(name.startswith("usr/share/zoneinfo/") for name in names),
        "setuid_files": sorted(setuid),
        "program": program,
        "program_owner": owner,
        "program_mode": mode,
    }


def container_memory(stats: Mapping[str, Any]) -> int:
    """Memory in use as `docker stats` shows it: usage less the inactive page cache
    (`total_inactive_file` on cgroup v1, `inactive_file` on v2), when that is below usage."""
    memory = stats.get("memory_stats") or {}
    usage = int(memory.get("usage", 0))
    details = memory.get("stats") or {}
    for key in ("total_inactive_file", "inactive_file"):
        if key in details:
            cache = int(details[key])
            return usage - cache if cache < usage else usage
    return usage
