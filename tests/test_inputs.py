"""Unit tests of inputs: the inputs hash."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from labreport.inputs import inputs_hash


@pytest.fixture
def fake_repo(tmp_path: Path) -> Path:
    files = {
        "Dockerfile": "FROM golang:1.25-alpine AS builder\n",
        ".dockerignore": "*\n!app/*.go\n",
        "requirements.txt": "docker==7.2.0\n",
        "app/main.go": "package main\n\nfunc main() {}\n",
        "app/go.mod": "module example.com/app\n\ngo 1.25\n",
        "variants/scratch.Dockerfile": "FROM scratch\n",
        "src/labreport/cli.py": "print('cli')\n",
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
        "src/labreport/cli.py",
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


@pytest.mark.parametrize("relative", ["docs/x.md", "README.md", "src/labreport/report/figures.py"])
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
