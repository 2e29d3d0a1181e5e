"""`labreport site`: a project's site, its own pages or the generic ones; one line for each thing
missing, with its exit code; and the example project's site, checked against its data file."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from labreport.cli import site
from labreport.cli.outcomes import FAILED, NO_DATA, NO_PROJECT, CommandError
from labreport.report.site import generic
from records import write_data
from records_example import EXAMPLE, EXAMPLE_DATA, example_measurements


def _project(tmp_path: Path, *, data: bytes | None = None) -> Path:
    """A copy of the example project, with `data` as its data file (none if None)."""
    folder = tmp_path / "quote-service"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("data", "site"))
    if data is not None:
        (folder / "data").mkdir()
        (folder / "data" / "measurements.json").write_bytes(data)
    return folder


def test_no_project_file_is_its_own_exit_code(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"labreport.toml: no project file; `labreport init") as raised:
        site.build_site(tmp_path, tmp_path / "site")
    assert raised.value.outcome == NO_PROJECT


def test_no_project_file_from_the_command_line(tmp_path: Path) -> None:
    # __main__ says it before the CLI loads (the modules read the project as they load).
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "site", "--project", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(site.__file__).parents[2])},
    )
    assert result.returncode == NO_PROJECT.code
    assert result.stderr.splitlines() == [
        f"labreport: {tmp_path / 'labreport.toml'}: missing; `labreport init` writes one from the Dockerfiles"
    ]


def test_no_data_file_says_to_measure(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    with pytest.raises(CommandError) as raised:
        site.build_site(folder, tmp_path / "site")
    assert raised.value.outcome == NO_DATA
    assert str(raised.value) == (
        f"{folder / 'data' / 'measurements.json'}: no data file; run `labreport measure --project {folder}`"
    )


@pytest.mark.parametrize("content", [b"{", b'{"schema_version": 1}'], ids=["not-json", "missing-fields"])
def test_a_corrupt_data_file_is_one_line_naming_it(tmp_path: Path, content: bytes) -> None:
    folder = _project(tmp_path, data=content)
    with pytest.raises(CommandError) as raised:
        site.build_site(folder, tmp_path / "site")
    assert raised.value.outcome == FAILED
    assert str(folder / "data" / "measurements.json") in str(raised.value)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "site").exists()


def test_a_failed_build_leaves_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _project(tmp_path)
    write_data(example_measurements(), folder / "data" / "measurements.json")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site", encoding="utf-8")

    def failing(*args: object, **kwargs: object) -> None:
        raise CommandError(FAILED, "the site build failed: Error: boom")

    monkeypatch.setattr(site, "_mkdocs", failing)
    with pytest.raises(CommandError, match="boom"):
        site.build_site(folder, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["quote-service", "site"]  # no scratch left


def test_the_build_failure_named_is_mkdocs_own_line() -> None:
    warned = (
        "INFO - Cleaning\nWARNING -  Doc file 'ledger.md' contains a link 'x.md'\nAborted with 1 warnings"
    )
    assert site._first_error(warned) == "WARNING - Doc file 'ledger.md' contains a link 'x.md'"
    errored = "INFO - a\nWARNING - b\nError: Config value 'site_name': missing\n"
    assert site._first_error(errored) == "Error: Config value 'site_name': missing"
    assert site._first_error("") == "mkdocs printed nothing"


@pytest.mark.site
def test_the_example_projects_site_shows_its_data_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built from the example's committed measurement when there is one, else from a fake data set
    in a copy of it; every figure checked here is read from the data file with `json`, not the code."""
    if EXAMPLE_DATA.is_file():
        folder, data = EXAMPLE, EXAMPLE_DATA
        report = "examples/quote-service/REPORT.md"  # its path in this repository
    else:
        folder = _project(tmp_path)
        data = write_data(example_measurements(), folder / "data" / "measurements.json")
        report = "REPORT.md"  # the copy is in no repository: the path in its folder
    monkeypatch.setenv(generic.REPO_URL_ENV, "https://example.invalid/owner/repo")
    out = tmp_path / "out"
    built = site.build_site(folder, out)
    assert built.out == out and built.data == data and not built.own_pages

    declared = tomllib.loads((folder / "labreport.toml").read_text(encoding="utf-8"))
    primary = f"{declared['service']['image']}:{declared['variant'][0]['name']}"
    recorded = json.loads(data.read_text(encoding="utf-8"))
    (image,) = [each for each in recorded["images"] if each["ref"] == primary]
    assert 1e6 <= image["size"] < 1e9, "the check below formats megabytes"
    sizes = _article(out / "sizes" / "index.html")
    row = next(line for line in sizes.split("<tr>") if f"<code>{primary}</code>" in line)
    # Docker's `docker images` figure: decimal megabytes to three significant digits.
    assert f"{image['size'] / 1e6:.3g} MB" in _text(row)
    assert image["image_id"].removeprefix("sha256:")[:12] in row
    # Each layer the project's Dockerfile adds (a base's are folded into one row) is listed.
    bases = {
        (layer["instruction"], layer["size"])
        for each in recorded["images"]
        if each["role"] == "base"
        for layer in each["layers"]
    }
    layers = _text(_article(out / "layers" / "index.html"))
    own = [layer for layer in image["layers"] if (layer["instruction"], layer["size"]) not in bases]
    assert own and all(" ".join(layer["instruction"][:60].split()) in layers for layer in own)

    home = _article(out / "index.html")
    assert f'href="https://example.invalid/owner/repo/blob/main/{report}"' in home
    assert "REPORT" not in _text(home).replace(Path(report).name, "")  # linked, not copied
    # The claims ledger has a row per claim of the claims file, in its order.
    claims = tomllib.loads((folder / "claims.toml").read_text(encoding="utf-8"))["claim"]
    ledger = _article(out / "ledger" / "index.html")
    rows = re.findall(r'data-claim="([^"]+)" data-claim-field="topic"', ledger)
    assert rows == [claim["key"] for claim in claims]


def _article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
