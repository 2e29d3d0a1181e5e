"""Unit tests of standins: recipe versions follow everything that shapes a stand-in."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from labreport.measure import standins


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
