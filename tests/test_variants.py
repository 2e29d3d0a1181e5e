"""The variants and their roles as another project's file declares them: roles are read from
purposes and FROM lines, never from this report's names; the inputs and the builder stage are the
project's. Each case loads the project in a fresh interpreter, as the CLI and the site do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from labreport.contract import project, variants

ROOT = Path(__file__).resolve().parents[1]

PROJECT = """
[service]
image = "quotes"
source = "."
port = 9090
endpoints = ["/"]
health = "/"

[[variant]]
name = "slim"
dockerfile = "Dockerfile"
purpose = "runtime"
flavour = "stripped_trimpath"
summary = "two stages"
build_args = { GO = "golang:1.24-alpine" }

[[variant]]
name = "bare"
dockerfile = "bare.Dockerfile"
purpose = "comparison"
flavour = "stripped_trimpath"
summary = "the binary alone"
"""

PRIMARY_DOCKERFILE = """ARG GO=golang:1.23
FROM ${GO} AS compile
COPY *.go ./
FROM gcr.io/distroless/static:nonroot
COPY --from=compile /out/app /app
"""

PROBE = """
import json
from labreport.contract import variants as v
from labreport.contract.inputs import input_files
from labreport.report import derive
print(json.dumps({
    "roles": [v.SINGLE_STAGE, v.SCRATCH, v.DISTROLESS, v.AS_REPORTED, v.CGO],
    "target": v.BUILDER_TARGET, "root": str(v.ROOT), "args": v.BY_NAME["slim"].build_args,
    "bases": list(derive.BASES), "sdk": derive.SDK,
    "inputs": sorted(p.relative_to(v.ROOT).as_posix() for p in input_files() if p.is_relative_to(v.ROOT)),
}))
"""


def _load(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env={"PYTHONPATH": str(ROOT / "src"), project.PROJECT_ENV: str(folder / "labreport.toml")},
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def _write_project(folder: Path) -> Path:
    (folder / "labreport.toml").write_text(PROJECT)
    (folder / "Dockerfile").write_text(PRIMARY_DOCKERFILE)
    (folder / "bare.Dockerfile").write_text("FROM quotes:builder AS build\nFROM scratch\n")
    (folder / "main.go").write_text("package main\n")
    (folder / "notes.md").write_text("# not an input of a build? it is in the source folder\n")
    return folder


def test_another_project_fills_the_roles_from_its_purposes_and_bases(tmp_path: Path) -> None:
    result = _load(_write_project(tmp_path))
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    # No single-stage, distroless-like, as-reported or failure variant: those roles are empty.
    assert loaded["roles"] == ["", "bare", "", "", ""]
    assert loaded["target"] == "compile"  # the primary's first stage, by its own name
    assert loaded["root"] == str(tmp_path)
    assert loaded["args"] == {"GO": "golang:1.24-alpine"}
    # The build argument decides the FROM line, as `docker build --build-arg` would.
    assert loaded["bases"] == ["golang:1.24-alpine", "gcr.io/distroless/static:nonroot"]
    assert loaded["sdk"] == ""
    assert loaded["inputs"] == ["Dockerfile", "bare.Dockerfile", "labreport.toml", "main.go", "notes.md"]


def test_a_primary_whose_first_stage_has_no_name_is_one_line(tmp_path: Path) -> None:
    folder = _write_project(tmp_path)
    (folder / "Dockerfile").write_text("FROM golang:1.24\nFROM scratch\n")
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "check-data"],
        env={"PYTHONPATH": str(ROOT / "src"), project.PROJECT_ENV: str(folder / "labreport.toml")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "labreport: Dockerfile: its first stage has no name; write `FROM <image> AS builder`"
    ]


def test_this_repositorys_roles_are_its_variants() -> None:
    """The roles this report's pages use, read from labreport.toml's purposes and FROM lines."""
    assert (variants.SINGLE_STAGE, variants.SCRATCH, variants.DISTROLESS) == (
        "single-stage",
        "scratch",
        "distroless",
    )
    assert (variants.AS_REPORTED, variants.CGO, variants.BUILDER_TARGET) == ("as-reported", "cgo", "builder")
