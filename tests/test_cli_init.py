"""`labreport init`: a project file read from a repository's Dockerfiles and Go source, never over
an existing one; a folder with no Dockerfile is one line and exit 7."""

from __future__ import annotations

import argparse
import shutil
import tomllib
from pathlib import Path

import pytest

from labreport.cli import init
from labreport.contract import project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quote-service"


def _init(folder: Path) -> int:
    return init.run(argparse.Namespace(dir=folder))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    copied = tmp_path / "quote-service"
    shutil.copytree(EXAMPLE, copied, ignore=shutil.ignore_patterns("labreport.toml"))
    return copied


def test_the_example_gets_a_project_file_that_loads(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(example) == 0
    written = project.load(example / "labreport.toml")
    # Witnesses read apart from the code: the Dockerfile's EXPOSE, go.mod's module, server.go's routes.
    assert (written.service.image, written.service.source, written.service.port) == (
        "quote-service",
        ".",
        9090,
    )
    assert written.service.endpoints == ("/", "/health", "/quote")  # /quote/{id} has a parameter
    assert written.service.health == "/health"
    assert [(e.name, e.dockerfile, e.purpose) for e in written.variant] == [
        ("distroless", "Dockerfile", "runtime"),
        ("scratch", "Dockerfile.scratch", "comparison"),
        ("single-stage", "Dockerfile.single-stage", "comparison"),
    ]
    assert {entry.flavour for entry in written.variant} == {"stripped_trimpath"}  # -trimpath -s -w
    assert "guessed:" in capsys.readouterr().out


def test_the_written_file_differs_from_the_examples_own_only_where_it_says_it_guessed(example: Path) -> None:
    """The issue's check, beside the project file the example's author wrote: every field of every
    table is compared, and each one that differs is on a line init marked `# guessed`."""
    assert _init(example) == 0
    written = (example / "labreport.toml").read_text()
    mine, theirs = project.load(example / "labreport.toml"), project.load(EXAMPLE / "labreport.toml")

    def marked(field: str, table_start: str) -> bool:
        table = written[written.index(table_start) :]
        line = next(line for line in table.splitlines() if line.startswith(f"{field} = "))
        return "# guessed" in line

    differing = [
        field
        for field in project.Service.model_fields
        if getattr(mine.service, field) != getattr(theirs.service, field)
    ]
    assert all(marked(field, "[service]") for field in differing), differing
    assert "endpoints" in differing  # the author added /quote/1 and /quote/9: the test can see a guess
    assert mine.primary.name == theirs.primary.name
    assert {entry.name for entry in mine.variant} == {entry.name for entry in theirs.variant}
    for entry in mine.variant:
        other = next(each for each in theirs.variant if each.name == entry.name)
        for field in project.VariantEntry.model_fields:
            if getattr(entry, field) != getattr(other, field):
                assert marked(field, f'name = "{entry.name}"'), (entry.name, field)
    # Top-level settings: init writes none, so the defaults must be what the author wrote.
    assert (mine.budgets, mine.claims) == (theirs.budgets, theirs.claims)


def test_an_existing_project_file_is_never_overwritten(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (example / "labreport.toml").write_text("# mine\n")
    assert _init(example) == init.EXISTS == 2
    assert (example / "labreport.toml").read_text() == "# mine\n"
    assert capsys.readouterr().err.count("\n") == 1


def test_a_folder_with_no_dockerfile_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.go").write_text("package main\n")
    assert _init(tmp_path) == init.NO_DOCKERFILE == 7
    err = capsys.readouterr().err
    assert err == f"labreport: {tmp_path}: no Dockerfile here; init reads a repository's Dockerfiles\n"
    assert not (tmp_path / "labreport.toml").exists()


def test_a_port_in_the_code_and_a_cgo_failure_are_read_and_marked(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "go.mod").write_text("module example.com/team/hello\n\ngo 1.24\n")
    (tmp_path / "svc" / "main.go").write_text(
        'package main\nconst port = "7070"\nfunc main() { mux.HandleFunc("/ready", nil) }\n'
    )
    (tmp_path / "Dockerfile").write_text(
        "FROM golang:1.24 AS b\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n"
    )
    (tmp_path / "cgo.Dockerfile").write_text(
        "FROM golang:1.24 AS b\nRUN CGO_ENABLED=1 go build -o /app .\nFROM alpine:3.20\n"
    )
    assert _init(tmp_path) == 0
    text = (tmp_path / "labreport.toml").read_text()
    parsed = tomllib.loads(text)
    assert parsed["service"]["source"] == "svc" and parsed["service"]["image"] == "hello"
    assert parsed["service"]["port"] == 7070 and "port = 7070  # guessed from the Go code" in text
    assert parsed["service"]["endpoints"] == ["/ready"]
    assert [(v["name"], v["purpose"], v["flavour"]) for v in parsed["variant"]] == [
        ("alpine", "runtime", "default"),
        ("cgo", "failure", "cgo"),
    ]
