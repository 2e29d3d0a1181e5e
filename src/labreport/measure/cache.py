"""The analysis cache: what `phases.analyse` computes from an image alone, kept under its image ID.

An image ID is the hash of the image's config, which names every layer's content, so the same ID
is the same bytes and the same figures: a base, or a variant whose inputs did not change, need
not be saved, gzipped, scanned by syft and dive and exported again. The SDK stand-ins take most
of a measurement's analysis time this way (issue 22).

Each entry is one JSON file, `<algorithm>-<hex>.json`, in the project's `.artifacts/analysis-cache/`
(`LABREPORT_ANALYSIS_CACHE` moves it): beside the project it was measured for, so `labreport
clean` clears that project's cache and no other, and a CI cache step can keep the folder between
runs. The folder ignores itself in git, as pytest's cache does, whatever the project's .gitignore.

An entry is a hit only if it reads back whole, names the image it is filed under, agrees with
what the engine says of that image (its size and history) and was made by the same tools. Anything
else is re-analysed and the entry rewritten; an entry that cannot be read says so on one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..contract.schema import Efficiency, ImageSize, Surface, first_problem, write_atomically
from ..contract.variants import ROOT
from .buildlog import ImageInfo

ENVIRONMENT = "LABREPORT_ANALYSIS_CACHE"
# Bump when the analysis code changes what a figure is (how a layer is compressed, which files
# count as a shell...): entries made by the old code then miss, as asv drops a benchmark's results
# when its version changes. A change to the records' shape (a new field) needs no bump: the
# version an entry records includes a hash of the shape (`shape`).
ANALYSIS_VERSION = 1
_IMAGE_ID = re.compile(r"^([a-z0-9]+):([0-9a-f]{32,128})$")
_ENTRY = re.compile(r"^[a-z0-9]+-[0-9a-f]{32,128}\.json$")
LAYERS = "layers"  # the folder of the layers' gzipped sizes, inside the cache's
REGISTRY = "registry"  # the local registry's blobs, kept between runs (registry.local_registry)
_IGNORE = "# the analysis cache (labreport measure); `labreport clean` clears it\n*\n"


def directory() -> Path:
    return Path(os.environ.get(ENVIRONMENT) or ROOT / ".artifacts" / "analysis-cache")


class Entry(BaseModel):
    """The records `analyse` made of one image. `image.ref`, `role` and `variant` (and the
    surface's and efficiency's `variant`) are what named it when it was analysed; a run that
    reads the entry puts its own names on the copies it records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    image_id: str
    tools: dict[str, str]
    analysed_at: datetime
    image: ImageSize
    # None for an image analysed for its sizes only (a base).
    surface: Surface | None = None
    efficiency: Efficiency | None = None


def shape(model: type[BaseModel]) -> str:
    """A short hash of a model's JSON Schema: an optional field added to `Surface` would otherwise
    validate in an old entry and come back as its default, not as measured."""
    text = json.dumps(model.model_json_schema(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def entry_path(folder: Path, image_id: str) -> Path | None:
    """Where an image's entry lives; None for an ID that is not `algorithm:hex` (nothing cached)."""
    matched = _IMAGE_ID.match(image_id)
    return None if matched is None else folder / f"{matched[1]}-{matched[2]}.json"


class AnalysisCache:
    """The cache of one run: its folder, the tool versions of this run (asked once, when first
    needed), and where a line about an unusable entry goes."""

    def __init__(
        self, folder: Path, versions: Callable[[], Mapping[str, str]], say: Callable[[str], object]
    ) -> None:
        self.folder = folder
        self._versions = versions
        self._say = say

    @cached_property
    def tools(self) -> dict[str, str]:
        return {**self._versions(), "analysis": f"{ANALYSIS_VERSION}+{shape(Entry)}"}

    @property
    def registry(self) -> Path:
        """Where the local registry keeps its blobs between runs: what a push finds there already
        it does not gzip and upload again. Only docker-registry writes in it."""
        return self.folder / REGISTRY

    @cached_property
    def layers(self) -> LayerSizes:
        """Each layer's gzipped size by its diff ID, for the images not analysed before that share
        layers with one that was (a variant on its base, an edited variant on its old self)."""
        version = f"zlib {self.tools.get('zlib', 'unknown')}, level 6, analysis {ANALYSIS_VERSION}"
        return LayerSizes(self.folder / LAYERS, version)

    def read(self, info: ImageInfo, *, deep: bool, name: str) -> Entry | None:
        """The entry for `info`'s image when it can be trusted and holds what is needed (`deep`:
        packages, files and efficiency too, not only sizes); None means analyse it. `name` is what
        a line about an unusable entry calls the image."""
        path = entry_path(self.folder, info.id)
        if path is None or not path.exists():
            return None
        try:
            entry = Entry.model_validate_json(path.read_bytes())
        except ValidationError as error:
            problem = first_problem(error)
        except OSError as error:
            problem = error.strerror or type(error).__name__
        else:
            problem = _disagreement(entry, info)
        if problem:
            self._say(f"{name}: ignoring the cached analysis {path} ({problem}); analysing again")
            return None
        if entry.tools != self.tools:
            changed = sorted(name for name in {*entry.tools, *self.tools}
                             if entry.tools.get(name) != self.tools.get(name))  # fmt: skip
            old = ", ".join(f"{name} {entry.tools.get(name, 'none')}" for name in changed)
            self._say(f"{name}: the cached analysis was made by {old}; analysing again")
            return None
        if deep and (entry.surface is None or entry.efficiency is None):
            return None  # analysed as a base before: its sizes only
        return entry

    def write(self, entry: Entry, *, name: str) -> None:
        """Files the entry, whole or not at all. A cache that cannot be written costs the next run
        time, not this run its figures: said on one line, not raised."""
        path = entry_path(self.folder, entry.image_id)
        if path is None:
            return
        try:
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                write_atomically(ignore, _IGNORE)
            write_atomically(path, entry.model_dump_json(indent=1) + "\n")
        except OSError as error:
            self._say(f"{name}: could not cache its analysis in {self.folder} ({error}); not kept")


class LayerSizes:
    """One small JSON file per layer, `<algorithm>-<hex>.json` by its diff ID (the sha256 of the
    layer's uncompressed tar: the same ID is the same bytes, so the same gzipped size at the same
    zlib and level). An entry made by another `version`, naming another layer or unreadable is a
    miss, never trusted; one that cannot be written costs the next image time, not figures."""

    def __init__(self, folder: Path, version: str) -> None:
        self.folder = folder
        self.version = version

    def read(self, diff_id: str) -> int | None:
        path = entry_path(self.folder, diff_id)
        try:
            raw = json.loads(path.read_bytes()) if path is not None and path.exists() else None
        except (OSError, ValueError):
            return None
        if not isinstance(raw, dict) or raw.get("diff_id") != diff_id or raw.get("version") != self.version:
            return None
        size = raw.get("gzip_size")
        return size if type(size) is int and size >= 0 else None

    def write(self, diff_id: str, size: int) -> None:
        path = entry_path(self.folder, diff_id)
        if path is None:
            return
        record = {"diff_id": diff_id, "version": self.version, "gzip_size": size}
        with contextlib.suppress(OSError):
            write_atomically(path, json.dumps(record) + "\n")


def _disagreement(entry: Entry, info: ImageInfo) -> str:
    """Why the entry cannot be `info`'s image's, or "" when it can."""
    named = {entry.image_id, entry.image.image_id}
    if named != {info.id}:
        return f"it is the entry of {', '.join(sorted(named - {info.id}))}"
    if entry.image.size != info.size:
        return f"size {entry.image.size}, the engine says {info.size}"
    cached = [(layer.instruction, layer.size) for layer in entry.image.layers]
    if cached != [(layer.instruction, layer.size) for layer in info.layers]:
        return "its layers are not the image's history"
    return ""


def clear(folder: Path) -> int:
    """Removes the cache's entries (and any half-written one) and the folder if that empties it;
    returns how many entries there were. Other files in a folder `LABREPORT_ANALYSIS_CACHE` names
    are left alone."""
    if not folder.is_dir():
        return 0
    shutil.rmtree(folder / REGISTRY, ignore_errors=True)  # all of it the registry's
    layers = folder / LAYERS
    if layers.is_dir():
        for path in layers.iterdir():
            if _ENTRY.match(path.name) or (path.name.startswith(".") and ".json." in path.name):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: files that are not ours stay
            layers.rmdir()
    removed = 0
    for path in folder.iterdir():
        if _ENTRY.match(path.name):
            path.unlink(missing_ok=True)
            removed += 1
        elif (path.name.startswith(".") and ".json." in path.name) or _ours(path):
            path.unlink(missing_ok=True)  # write_atomically's temporary files, and our ignore file
    if not any(folder.iterdir()):
        folder.rmdir()
    return removed


def _ours(path: Path) -> bool:
    return path.name == ".gitignore" and path.read_text(encoding="utf-8", errors="replace") == _IGNORE
