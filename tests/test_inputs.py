"""Unit tests of inputs: the inputs hash."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from labreport.contract.inputs import (
    git_dirty,
    git_output,
    input_files,
    inputs_hash,
    untracked_inputs,
    variant_inputs_hashes,
)
from labreport.contract.variants import BY_NAME, PRIMARY, PROJECT, REPO_ROOT


@pytest.fixture
def fake_repo(tmp_path: Path) -> Path:
    files = {
        "Dockerfile": "FROM golang:1.25-alpine AS builder\n",
        ".dockerignore": "*\n!app/*.go\n",
        "requirements.txt": "docker==7.2.0\n",
        "app/main.go": "package main\n\nfunc main() {}\n",
        "app/go.mod": "module example.com/app\n\ngo 1.25\n",
        "variants/scratch.Dockerfile": "FROM scratch\n",
        "src/labreport/contract/schema.py": "print('schema')\n",
        "src/labreport/measure/phases.py": "print('phases')\n",
        "src/labreport/cli/__init__.py": "print('cli')\n",
        "src/labreport/measure/recipes/alpine.Dockerfile": "FROM scratch\n",
        "src/labreport/measure/recipes/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
        "src/labreport/report/figures.py": "print('site')\n",
        "docs/x.md": "# Notes\n",
        "README.md": "# Readme\n",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    return tmp_path


def test_inputs_hash_is_stable(fake_repo: Path) -> None:
    first = inputs_hash(fake_repo)
    assert first == inputs_hash(fake_repo)
    assert re.fullmatch(r"[0-9a-f]{16}", first)


@pytest.mark.parametrize(
    "relative",
    [
        "app/main.go",
        "app/go.mod",
        "Dockerfile",
        ".dockerignore",
        "variants/scratch.Dockerfile",
        "requirements.txt",
        "src/labreport/contract/schema.py",
        "src/labreport/measure/phases.py",
        "src/labreport/measure/recipes/alpine.Dockerfile",
        "src/labreport/measure/recipes/etc/passwd",
    ],
)
def test_inputs_hash_changes_with_an_input(fake_repo: Path, relative: str) -> None:
    before = inputs_hash(fake_repo)
    with (fake_repo / relative).open("a") as stream:
        stream.write("# changed\n")
    assert inputs_hash(fake_repo) != before


def test_inputs_hash_changes_when_a_go_file_is_added(fake_repo: Path) -> None:
    before = inputs_hash(fake_repo)
    (fake_repo / "app" / "handlers.go").write_text("package main\n")
    assert inputs_hash(fake_repo) != before


@pytest.mark.parametrize(
    "relative", ["docs/x.md", "README.md", "src/labreport/report/figures.py", "src/labreport/cli/__init__.py"]
)
def test_inputs_hash_ignores_unrelated_files(fake_repo: Path, relative: str) -> None:
    before = inputs_hash(fake_repo)
    with (fake_repo / relative).open("a") as stream:
        stream.write("changed\n")
    (fake_repo / "docs" / "new.md").write_text("new\n")
    assert inputs_hash(fake_repo) == before


def test_inputs_hash_depends_on_content_not_on_where_the_repo_is(
    fake_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    copy_root = tmp_path_factory.mktemp("elsewhere") / "repo"
    shutil.copytree(fake_repo, copy_root)
    assert inputs_hash(copy_root) == inputs_hash(fake_repo)


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def committed_repo(fake_repo: Path) -> Path:
    _git(fake_repo, "init", "-q")
    _git(fake_repo, "add", "-A")
    _git(fake_repo, "commit", "-q", "-m", "inputs")
    return fake_repo


def test_a_clean_commit_is_not_dirty(committed_repo: Path) -> None:
    assert git_dirty(committed_repo) is False
    assert untracked_inputs(committed_repo) == []


def test_an_untracked_go_file_makes_the_tree_dirty_and_moves_the_hash(committed_repo: Path) -> None:
    """Issue 9: an untracked app/*.go reaches the build context, yet git_dirty stayed false."""
    before = inputs_hash(committed_repo)
    (committed_repo / "app" / "embed.go").write_text("package main\n")
    assert untracked_inputs(committed_repo) == [committed_repo / "app" / "embed.go"]
    assert git_dirty(committed_repo) is True
    assert inputs_hash(committed_repo) != before


def test_an_ignored_input_is_dirty_too(committed_repo: Path) -> None:
    (committed_repo / ".gitignore").write_text("app/generated.go\n")
    _git(committed_repo, "add", ".gitignore")
    _git(committed_repo, "commit", "-q", "-m", "ignore")
    (committed_repo / "app" / "generated.go").write_text("package main\n")
    assert git_dirty(committed_repo) is True


def test_untracked_files_outside_the_inputs_leave_it_clean(committed_repo: Path) -> None:
    (committed_repo / "docs" / "draft.md").write_text("# Draft\n")
    assert git_dirty(committed_repo) is False


def test_a_modified_tracked_file_is_dirty(committed_repo: Path) -> None:
    (committed_repo / "README.md").write_text("# Changed\n")
    assert git_dirty(committed_repo) is True


def test_the_repository_hash_covers_the_contract_and_the_measuring_wing_only() -> None:
    names = {path.relative_to(REPO_ROOT).as_posix() for path in input_files()}
    assert {"src/labreport/contract/variants.py", "src/labreport/measure/engine.py", "Dockerfile"} <= names
    assert not [name for name in names if name.startswith(("src/labreport/cli/", "src/labreport/report/"))]
    assert "src/labreport/__init__.py" not in names


def test_git_output_is_what_git_prints_and_nothing_when_git_fails(committed_repo: Path) -> None:
    # The witness: the commit as git's own files record it, not as a git command prints it.
    head = (committed_repo / ".git" / "HEAD").read_text().split(": ", 1)[1].strip()
    sha = (committed_repo / ".git" / head).read_text().strip()
    assert git_output(committed_repo, "rev-parse", "HEAD") == sha + "\n"
    assert git_output(committed_repo, "show", "no-such-revision:README.md") == ""
    assert git_output(committed_repo.parent, "status") == ""  # not a checkout


def test_each_variants_hash_changes_with_its_own_dockerfile_the_source_and_the_tool(fake_repo: Path) -> None:
    before = variant_inputs_hashes(fake_repo)
    assert set(before) == {entry.name for entry in PROJECT.variant}
    assert len(set(before.values())) == len(before), "each variant's entry is in its hash"

    def changed_by(relative: str) -> set[str]:
        path = fake_repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        original = path.read_bytes() if path.exists() else None
        path.write_text((original or b"").decode() + "# edited\n")
        after = variant_inputs_hashes(fake_repo)
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
        assert variant_inputs_hashes(fake_repo) == before
        return {name for name in before if after[name] != before[name]}

    # scratch's Dockerfile: scratch alone. The primary's: the primary and the variants that copy
    # from its builder stage. The source, .dockerignore or the measuring code: every one.
    assert changed_by("variants/scratch.Dockerfile") == {"scratch"}
    builder_users = {variant.name for variant in BY_NAME.values() if variant.uses_builder_image}
    assert builder_users and changed_by("Dockerfile") == {PRIMARY, *builder_users}
    everyone = set(before)
    assert changed_by("app/main.go") == everyone
    assert changed_by(".dockerignore") == everyone
    assert changed_by("src/labreport/measure/phases.py") == everyone
    assert changed_by("src/labreport/report/figures.py") == set()
    assert changed_by("docs/x.md") == set()
