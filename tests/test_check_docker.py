"""`labreport check` through the real engine, on a copy of the example project with its project and
claims files removed: init and the drafter write them, the engine measures, the site builds, and the
drafted claims get the verdicts the author's own claims file gets on the same measurement.

One run (`--repeat 1 --no-publish`, a few minutes) serves every test here; both claims files are
judged on its data by `tests/verdicts.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from labreport.cli.outcomes import CLAIMS_DIFFER, FAILED, SUCCESS
from verdicts import judge_both

pytestmark = pytest.mark.docker

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quote-service"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    repo = tmp_path_factory.mktemp("check") / "quote-service"
    shutil.copytree(
        EXAMPLE, repo, ignore=shutil.ignore_patterns("labreport.toml", "claims.toml", "data", "site")
    )
    done = subprocess.run(
        [sys.executable, "-m", "labreport", "check", str(repo), "--repeat", "1", "--no-publish"],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    return repo, done


def test_check_writes_the_project_and_claims_measures_and_builds_the_site(
    checked: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    repo, done = checked
    assert done.returncode in (SUCCESS.code, CLAIMS_DIFFER.code), done.stdout[-3000:] + done.stderr[-3000:]
    assert (repo / "labreport.toml").is_file() and (repo / "claims.toml").is_file()
    data = json.loads((repo / "data" / "measurements.json").read_text())
    assert {image["variant"] for image in data["images"] if image["role"] == "variant"} >= {
        "distroless",
        "scratch",
        "single-stage",
    }
    # The site's pages show the measurement: the ledger's page is there and names every drafted key.
    ledger_page = (repo / "site" / "ledger" / "index.html").read_text()
    drafted = [
        line.split('"')[1]
        for line in (repo / "claims.toml").read_text().splitlines()
        if line.startswith("key = ")
    ]
    assert drafted and all(key in ledger_page for key in drafted[:10])
    # The summary line says how many were judged, and the exit code agrees with it.
    summary = next(line for line in done.stdout.splitlines() if " claims judged (" in line)
    assert (" differs" in summary) == (done.returncode == CLAIMS_DIFFER.code), summary


def test_the_drafted_claims_get_the_verdicts_of_the_authors_claims_on_the_same_run(
    checked: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """Each of the author's claims the drafter also wrote (same line, measure and arguments) gets
    the same verdict on the same fresh measurement, stand-in rules included: the drafter weighs the
    report's own base figures as the author did (drafting/rules.py)."""
    repo, done = checked
    assert (repo / "data" / "measurements.json").is_file(), done.stderr[-2000:]
    pairing = judge_both(repo, repo / "claims.toml", EXAMPLE / "claims.toml")
    print(
        f"{len(pairing.twins)} of {len(pairing.authors)} author's claims drafted, all with the same verdict"
    )
    assert pairing.differing() == []
    assert len(pairing.twins) >= 0.8 * len(pairing.authors), (len(pairing.twins), len(pairing.authors))


SERVICE = {
    "go.mod": "module example.com/tiny\n\ngo 1.22\n",
    "main.go": textwrap.dedent(
        """\
        package main

        import "net/http"

        func main() {
        \thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("{}")) })
        \t_ = http.ListenAndServe(":8080", nil)
        }
        """
    ),
    "REPORT.md": "# Tiny\n\nThe final image is **9.9 MB** uncompressed.\n",
}


def _tiny(tmp_path: Path, dockerfile: str) -> Path:
    repo = tmp_path / "tiny"
    repo.mkdir()
    for name, text in {**SERVICE, "Dockerfile": dockerfile}.items():
        (repo / name).write_text(text)
    return repo


def _check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labreport", "check", str(repo), "--repeat", "1", "--no-publish"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_a_dockerfile_that_fails_is_named_and_exits_1_with_no_site(tmp_path: Path) -> None:
    """Its only variant fails to build: the compiler's words, one line saying nothing could be
    measured, exit 1, and no data file or site made of failures."""
    repo = _tiny(tmp_path, "FROM golang:1.25-alpine AS builder\nWORKDIR /src\nCOPY . .\nRUN exit 3\n")
    done = _check(repo)
    assert done.returncode == FAILED.code, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert "returned a non-zero code: 3" in done.stdout + done.stderr
    assert "check: nothing could be measured" in done.stderr
    assert not (repo / "data" / "measurements.json").exists() and not (repo / "site").exists()


def test_a_base_with_no_stand_in_offline_is_one_line_naming_it(tmp_path: Path) -> None:
    repo = _tiny(tmp_path, "FROM registry.invalid/nobody/sdk:1 AS builder\nRUN true\n")
    done = _check(repo)
    assert done.returncode != SUCCESS.code and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "registry.invalid/nobody/sdk:1 needs the network" in done.stdout + done.stderr
