"""`labreport check REPO`: from a repository with a Go service, a Dockerfile and a report, to the
verdicts on the report's claims and a site that shows them, in one command.

The steps are the commands a person would run, in order, each skipped when its file is there:
`init` (no labreport.toml), `claims draft` (no claims file), `measure --project REPO` (skipped by
measure itself when the data is current), `site --project REPO --out OUT`, `claims judge`. The
measuring and rendering steps run as child processes, because the modules read the project they
work on as they load.

Exits 0 when every claim is judged and none differs; 8 when one differs; 1 when the measurement
recorded a failure (a Dockerfile that does not build, a base with no stand-in offline), after the
site and the verdicts on what was measured are written (at once, with no site, when nothing could
be measured); the first failing step's code otherwise
(3 no engine, 6 a report with nothing to parse, 7 no Dockerfile...).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from ..contract import project
from ..contract.schema import write_atomically
from ..report.site import locations
from .claims import draft_into
from .init import draft as draft_project
from .outcomes import FAILED, NO_DOCKERFILE, SUCCESS, USAGE, CommandError

#: Where a report is looked for when `--report` names none, in this order.
REPORT_NAMES = ("REPORT.md", "report.md", "LAB.md", "README.md")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="one command from a repository to its report's verdicts: init, draft, measure, site, judge",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("repo", type=Path, help="the repository: a Go service, a Dockerfile, a report")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help=f"the report, relative to REPO (default: the first of {', '.join(REPORT_NAMES)})",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="the site's folder (default: REPO/site, a folder of its own)"
    )
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="build timings repeated N times")
    parser.add_argument("--force", action="store_true", help="re-measure even when the data is current")
    parser.add_argument(
        "--no-publish", dest="publish", action="store_false", help="skip the local registry push"
    )


def run(arguments: argparse.Namespace) -> int:
    repo: Path = arguments.repo.resolve()
    if not repo.is_dir():
        raise CommandError(USAGE, f"{arguments.repo}: not a folder; check takes a repository's folder")
    project_file = repo / project.PROJECT_FILE.name
    ours = not project_file.is_file()  # a project file this run writes is this run's to amend
    if ours:
        _init(repo, project_file)
    chosen = project.load(project_file)
    claims_file = repo / chosen.claims
    if not claims_file.is_file():
        _draft(repo, _report(repo, arguments.report), project_file, claims_file)
        if ours:
            _ask_what_the_report_asked(repo, project_file, claims_file, chosen.service.endpoints)
    measure = ["measure", "--repeat", str(arguments.repeat), *(["--force"] if arguments.force else [])]
    measured = _step([*measure, *([] if arguments.publish else ["--no-publish"])], repo)
    if measured not in (SUCCESS.code, FAILED.code, 4):  # failures and broken budgets still have data
        return measured
    if not locations.data_file(repo).is_file():  # nothing was measured
        print(
            "check: nothing could be measured (the failure is named above), so there is no site; "
            "fix the build and run check again",
            file=sys.stderr,
        )
        return measured
    out = (arguments.out or repo / "site").resolve()
    built = _step(["site", "--out", str(out)], repo)
    if built != SUCCESS.code:
        return built
    judged = _step(["claims", "judge"], repo)
    print(f"check: the site is in {out}")
    if measured != SUCCESS.code:  # what failed outweighs the verdicts on what did not
        print(
            f"check: the measurement recorded a failure (exit {measured}, named above and on the site); "
            "fix the build and run check again",
            file=sys.stderr,
        )
        return measured
    return judged


def _init(repo: Path, project_file: Path) -> None:
    found = draft_project(repo)
    if found is None:
        raise CommandError(NO_DOCKERFILE, f"{repo}: no Dockerfile; check measures a repository's Dockerfiles")
    write_atomically(project_file, found.text)
    for guess in found.guesses:
        print(f"check: guessed {guess}")
    print(f"check: wrote {project_file} (labreport init); confirm what it guessed")


def _ask_what_the_report_asked(
    repo: Path, project_file: Path, claims_file: Path, endpoints: Sequence[str]
) -> None:
    """Declares the paths the report's answers came from (`curl .../quote/1`) as endpoints, so the
    probe asks them too and the drafted claims on their answers can be judged."""
    claims = tomllib.loads(claims_file.read_text(encoding="utf-8")).get("claim", [])
    asked = list(
        dict.fromkeys(
            str(claim["endpoint"])
            for claim in claims
            if claim.get("measure") == "probe-field" and claim.get("endpoint") not in (None, *endpoints)
        )
    )
    found = draft_project(repo, asked) if asked else None
    if found is not None:
        write_atomically(project_file, found.text)
        print(f"check: added the paths the report asks to the endpoints: {', '.join(asked)}")


def _report(repo: Path, named: Path | None) -> Path:
    if named is not None:
        chosen = repo / named
        if not chosen.is_file():
            raise CommandError(USAGE, f"{chosen}: no such report")
        return chosen
    found = next((repo / name for name in REPORT_NAMES if (repo / name).is_file()), None)
    if found is None:
        raise CommandError(USAGE, f"{repo}: no report ({', '.join(REPORT_NAMES)}); name it with --report")
    return found


def _draft(repo: Path, report: Path, project_file: Path, claims_file: Path) -> None:
    text = report.read_text(encoding="utf-8", errors="replace")
    name = report.relative_to(repo).as_posix()
    written = draft_into(claims_file, report, text, project_file, report_name=name)
    print(
        f"check: wrote {claims_file} (claims draft): {written.drafted} claims drafted, "
        f"{written.unmatched} figures not matched"
    )


def _step(command: list[str], repo: Path) -> int:
    """One `labreport` command on the project, in a child process; its output passes through."""
    print(f"check: labreport {' '.join(command)} --project {repo}", flush=True)
    child = [sys.executable, "-m", "labreport", *command, "--project", str(repo)]
    return subprocess.run(child, check=False).returncode
