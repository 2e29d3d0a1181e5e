"""The project file: this repository's labreport.toml gives the variants the code declared before,
and each kind of bad entry is one line naming the file, the entry and the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labreport.contract import project
from labreport.contract.project import ProjectError, load
from labreport.contract.variants import BY_NAME, CACHE_MOUNT, CACHE_MOUNT_DOCKERFILE, PRIMARY, VARIANTS

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
[service]
image = "demo"
source = "app"
port = 9000
endpoints = ["/", "/health"]
health = "/health"

[[variant]]
name = "main"
dockerfile = "Dockerfile"
purpose = "runtime"
flavour = "stripped"
summary = "the primary"
"""

DOCKERFILE = """ARG GO=golang:1.23-alpine
FROM ${GO} AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /app
EXPOSE 9000/tcp
"""


def _project(tmp_path: Path, text: str = GOOD) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    path = tmp_path / "labreport.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_this_repositorys_project_gives_each_variant_its_bases_from_the_from_lines() -> None:
    # Witness: the FROM lines as grep reads them, ARG defaults filled in by hand.
    assert PRIMARY == "alpine" and [variant.name for variant in VARIANTS][1:3] == ["single-stage", "scratch"]
    assert (BY_NAME[PRIMARY].build_base, BY_NAME[PRIMARY].runtime_base) == (
        "golang:1.25-alpine",
        "alpine:3.19",
    )
    assert BY_NAME["single-stage"].bases == ("golang:1.25",)
    scratch, cgo = BY_NAME["scratch"], BY_NAME["cgo"]
    assert scratch.bases == () and scratch.uses_builder_image and scratch.from_builder_stage
    assert cgo.bases == ("golang:1.25", "alpine:3.19") and not cgo.starts and not cgo.from_builder_stage
    assert BY_NAME["distroless"].runtime_base == "gcr.io/distroless/static-debian12:latest"
    assert CACHE_MOUNT == "cache-mount" and CACHE_MOUNT_DOCKERFILE == "variants/cache-mount.Dockerfile"
    assert [variant.name for variant in VARIANTS if variant.published] == ["alpine", "single-stage"]


def test_another_project_reads_its_own_service_and_bases(tmp_path: Path) -> None:
    loaded = load(_project(tmp_path))
    assert (
        loaded.service.port == 9000 and loaded.service.spec is None and loaded.builder_ref == "demo:builder"
    )
    assert project.bases(loaded, loaded.primary, tmp_path) == (
        "golang:1.23-alpine",
        "gcr.io/distroless/static:nonroot",
        True,
    )
    overridden = loaded.primary.model_copy(update={"runtime_base": "", "build_args": {"GO": "golang:1.24"}})
    assert project.bases(loaded, overridden, tmp_path) == ("golang:1.24", None, True)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('flavour = "stripped"', 'flavour = "striped"', "variant 'main': field 'flavour': Input should be"),
        ('purpose = "runtime"', 'purpose = "runtme"', "variant 'main': field 'purpose': Input should be"),
        (
            "port = 9000",
            "port = 90000",
            "[service]: field 'port': Input should be less than or equal to 65535",
        ),
        (
            'health = "/health"',
            'health = "health"',
            "[service]: field 'health': must start with '/', not 'health'",
        ),
        ('image = "demo"\n', "", "[service]: field 'image': Field required"),
        ('summary = "the primary"\n', "", "variant 'main': field 'summary': Field required"),
        (
            'summary = "the primary"',
            'summary = "x"\ncolour = "red"',
            "variant 'main': field 'colour': Extra inputs",
        ),
        (
            'dockerfile = "Dockerfile"',
            'dockerfile = "Nofile"',
            "variant 'main': field 'dockerfile': Nofile does not exist",
        ),
        ('purpose = "runtime"', 'purpose = "comparison"', "exactly one variant has purpose 'runtime'"),
    ],
)
def test_a_bad_entry_is_one_line_naming_file_entry_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    path = _project(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ProjectError) as raised:
        load(path)
    text = str(raised.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="missing; `labreport init` writes one"):
        load(tmp_path / "labreport.toml")
    with pytest.raises(ProjectError, match="not TOML"):
        load(_project(tmp_path, "[service\n"))
    twice = GOOD + GOOD[GOOD.index("[[variant]]") :].replace('"runtime"', '"comparison"')
    with pytest.raises(ProjectError, match="variant 'main' is declared twice"):
        load(_project(tmp_path, twice))


def test_a_bad_project_file_stops_every_command_with_one_line(tmp_path: Path) -> None:
    path = _project(tmp_path, GOOD.replace("port = 9000", 'port = "x"'))
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "check-data"],
        env={"PYTHONPATH": str(ROOT / "src"), project.PROJECT_ENV: str(path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"labreport: {path}: [service]: field 'port': Input should be a valid integer, "
        "unable to parse string as an integer"
    ]


def test_measure_project_names_the_file_before_anything_loads(tmp_path: Path) -> None:
    """`--project` is read before the modules load the project: a bad one is its one line, exit 1,
    whichever project the working directory holds."""
    path = _project(tmp_path, GOOD.replace('purpose = "runtime"', 'purpose = "primary"'))
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "measure", "--project", str(tmp_path), "--repeat", "1"],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"labreport: {path}: variant 'main': field 'purpose': Input should be 'runtime', 'comparison', "
        "'failure' or 'cache-mount'"
    ]


def test_choose_from_argv_takes_a_file_or_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # choose_from_argv writes os.environ itself: setenv first, so the teardown removes what it wrote
    # (a delenv of an unset name restores nothing, and later tests' subprocesses met other.toml).
    monkeypatch.setenv(project.PROJECT_ENV, "unset by the teardown")
    monkeypatch.delenv(project.PROJECT_ENV)
    assert project.choose_from_argv(["measure", "--repeat", "1"]) is None
    assert project.choose_from_argv(["measure", "--project", str(tmp_path)]) == tmp_path / "labreport.toml"
    other = tmp_path / "other.toml"
    assert project.choose_from_argv([f"--project={other}"]) == other
    assert project.project_path() == other
