"""`labreport check` through the real engine, on a copy of the example project with its project and
claims files removed: init and the drafter write them, the engine measures, the site builds, and the
drafted claims get the verdicts the author's own claims file gets on the same measurement.

One run (`--repeat 1 --no-publish`, a few minutes) serves every test here. The verdicts of both
claims files are judged on that run's data in a child process on the copied project (the modules
read the project they work on as they load), with the author's claims named by LABREPORT_CLAIMS.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from labreport.cli.outcomes import CLAIMS_DIFFER, SUCCESS

pytestmark = pytest.mark.docker

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quote-service"

#: In the copied project: each claim file judged on the same data, and the drafted claim that stands
#: for each of the author's (on the same report line, with the same measure and arguments).
JUDGE_BOTH = textwrap.dedent(
    """
    import json, sys, tomllib
    from pathlib import Path
    from labreport.contract.schema import DATA_FILE, load
    from labreport.report.claims import claimsfile
    from labreport.report.claims.ledger import ledger

    data = load(DATA_FILE)
    found = {}
    for name in ("drafted", "authors"):
        path = Path(sys.argv[1 if name == "drafted" else 2])
        claims = claimsfile.load(path)
        tables = {table["key"]: table for table in tomllib.loads(path.read_text())["claim"]}
        found[name] = [
            {**{k: tables[c.key].get(k) for k in ("line", "measure", "of", "against", "kind", "check",
               "endpoint", "field", "flavour")}, "key": c.key, "verdict": c.verdict, "measured": c.measured,
               "standin": c.standin, "ruled": any(k in tables[c.key] for k in ("vary", "held", "rests_on"))}
            for c in ledger(data, claims)
        ]
    print(json.dumps(found))
    """
)


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
    the same verdict on the same data. One difference is by design: an author's claim that carries
    a stand-in rule (`vary`, `held`, `rests_on`: a person's weighing of the report's base figures,
    which the drafter does not guess) is a "stand-in" verdict, where the drafted one is judged on
    the raw value; that drafted claim must then be marked as resting on a stand-in."""
    repo, done = checked
    assert (repo / "data" / "measurements.json").is_file(), done.stderr[-2000:]
    judged = subprocess.run(
        [sys.executable, "-c", JUDGE_BOTH, str(repo / "claims.toml"), str(EXAMPLE / "claims.toml")],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    both = json.loads(judged.stdout)
    arguments = ("line", "measure", "of", "against", "kind", "check", "endpoint", "field")
    compared, equal = 0, 0
    for theirs in both["authors"]:
        same = [
            mine
            for mine in both["drafted"]
            if all(theirs[name] is None or mine[name] == theirs[name] for name in arguments)
        ]
        if not same:
            continue  # not drafted (tests/test_drafting_example.py grades how many are)
        compared += 1
        if theirs["verdict"] in {mine["verdict"] for mine in same}:
            equal += 1
            continue
        assert theirs["ruled"] and theirs["verdict"] == "stand-in", (theirs, same)
        assert any(mine["standin"] and mine["verdict"] != "differs" for mine in same), (theirs, same)
    print(f"{compared} of {len(both['authors'])} author's claims drafted; {equal} with the same verdict")
    assert compared >= 0.7 * len(both["authors"]), (compared, len(both["authors"]))
    assert equal >= 0.5 * compared
