"""Unit tests of standins: recipe versions follow everything that shapes a stand-in."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from typing import Any, cast

import pytest

from labreport.contract.schema import BaseImage
from labreport.measure import standins
from labreport.measure.buildlog import Build


@pytest.fixture
def recipes_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copied = tmp_path / "standins"
    shutil.copytree(standins.RECIPES_DIR, copied)
    monkeypatch.setattr(standins, "RECIPES_DIR", copied)
    return copied


def _versions() -> dict[str, str]:
    return {ref: standins.recipe_version(ref) for ref in standins.RECIPES}


def test_recipe_version_is_deterministic_and_distinct() -> None:
    versions = _versions()
    assert versions == _versions()
    assert len(set(versions.values())) == len(versions)
    assert all(re.fullmatch(r"[0-9a-f]{16}", version) for version in versions.values())


def test_recipe_version_depends_on_content_not_location(recipes_copy: Path) -> None:
    original_dir = Path(standins.__file__).parent / "recipes"
    copied = _versions()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(standins, "RECIPES_DIR", original_dir)
        assert _versions() == copied


def test_recipe_version_follows_the_recipes_it_builds_on(recipes_copy: Path) -> None:
    before = _versions()
    with (recipes_copy / "alpine.Dockerfile").open("a") as dockerfile:
        dockerfile.write("LABEL edited=1\n")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {"alpine:3.19", "golang:1.25-alpine"}


def test_recipe_version_follows_the_account_files(recipes_copy: Path) -> None:
    before = _versions()
    with (recipes_copy / "etc" / "passwd").open("a") as passwd:
        passwd.write("extra:x:1234:1234::/nonexistent:/sbin/nologin\n")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {ref for ref, recipe in standins.RECIPES.items() if recipe.dockerfile is not None}


def test_recipe_version_follows_the_debian_base(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _versions()
    debian = standins.RECIPES[standins.DEBIAN]
    monkeypatch.setitem(
        standins.RECIPES, standins.DEBIAN, dataclasses.replace(debian, summary=debian.summary + " (trixie)")
    )
    after = _versions()
    # Everything builds on Debian, directly or (golang-alpine) through alpine.
    assert all(before[ref] != after[ref] for ref in before)


def test_recipe_version_follows_the_go_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _versions()
    monkeypatch.setattr(standins, "go_version", lambda: "9.99.0")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {ref for ref, recipe in standins.RECIPES.items() if recipe.with_go}
    assert changed  # the table has Go recipes, so the check above means something


class _StandinEngine:
    """Builds nothing; answers a multi-stage recipe's build with the log the legacy builder prints."""

    def __init__(self) -> None:
        self.removed: list[tuple[str, ...]] = []

    def build(self, context: Path, **options: object) -> Build:
        log = (
            "Step 2/9 : FROM ${DEBIAN_IMAGE} AS parts",
            " ---> 49fd1625f491",
            "Step 3/9 : RUN make busybox",
            " ---> 5e6f7a8b9c0d",
            "Step 4/9 : FROM scratch",
            "Step 5/9 : COPY --from=parts /bin/busybox-alpine /bin/busybox",
            " ---> 1111aaaa2222",
        )
        return Build(image_id="sha256:" + "1" * 64, seconds=1.0, steps=(), log=log)

    def remove_untagged(self, image_ids: tuple[str, ...]) -> None:
        self.removed.append(image_ids)


def test_a_multi_stage_standin_build_removes_its_untagged_parts_stage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9: `make test` left a 612 MB untagged `parts` stage (labelled as the Debian stand-in,
    its base) whenever a stand-in was built outside `measure`, whose sweep alone removed it."""
    monkeypatch.setattr(
        standins,
        "ensure_base",
        lambda engine, ref, echo: BaseImage(requested=ref, source="standin", image_id="sha256:debian"),
    )
    engine = _StandinEngine()
    recipe = standins.RECIPES["alpine:3.19"]
    image_id = standins._build_standin(cast(Any, engine), recipe, "v1", echo=lambda text: None)
    assert image_id == "sha256:" + "1" * 64
    assert engine.removed == [("5e6f7a8b9c0d",)]
