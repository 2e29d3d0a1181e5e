"""`labreport site`: a project's site from its data file, its own pages or the generic ones.

`build_site` is the command's core, for `labreport check` too: it checks the project file and the
data file in this process (one line each when they are missing or bad), then runs `mkdocs build
--strict` in a new process, because the project is read into module globals as they load and this
process may hold another one. The site is built beside `out` and moved into place only when the
build succeeded, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..contract import project, schema
from ..contract.project import REPO_ROOT
from ..contract.variants import ROOT
from ..report.site import generic, locations
from ..report.site.build import DATA_ENV, STATUS_ENV
from .outcomes import FAILED, NO_DATA, NO_PROJECT, SUCCESS, CommandError

#: How long one site build may take (a cold build draws every figure: about 10 s here).
BUILD_SECONDS = 600


@dataclass(frozen=True, kw_only=True)
class SiteBuilt:
    out: Path
    data: Path
    #: True when the project's own mkdocs.yml was built, False for the generic pages.
    own_pages: bool


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "site",
        help="build a project's site from its data file",
        description="Builds the site of a project from its data/measurements.json, strictly: its own "
        "mkdocs.yml when it has one beside its project file, else the generic pages (sizes, layers, "
        "build times, the service's answers, the claims ledger), which link the project's REPORT.md. "
        f"Exit {NO_PROJECT.code}: no project file; {NO_DATA.code}: no data file; "
        f"{FAILED.code}: a bad data file or a failed build.",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project file, or its folder (default: ./labreport.toml, else this repository's)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the site (default: site/ beside the project)",
    )


def run(arguments: argparse.Namespace) -> int:
    chosen = arguments.project.resolve() if arguments.project else ROOT
    folder = chosen.parent if chosen.is_file() else chosen
    built = build_site(folder, arguments.out or folder / "site")
    pages = "its own pages" if built.own_pages else "the generic pages"
    print(f"wrote {built.out} from {built.data} ({pages})")
    return SUCCESS.code


def build_site(project_dir: Path, out: Path) -> SiteBuilt:
    """Builds the site of the project in `project_dir` into `out`; raises `CommandError` (one line,
    with its exit code) for a missing project or data file, a bad one, or a failed build."""
    folder = project_dir.resolve()
    project_file = folder / locations.PROJECT_NAME
    if not project_file.is_file():
        raise CommandError(
            NO_PROJECT, f"{project_file}: no project file; `labreport init {folder}` writes one"
        )
    declared = project.load(project_file)  # a bad one raises ProjectError: its one line, exit 1
    data = locations.data_file(folder)
    if not data.is_file():
        raise CommandError(NO_DATA, f"{data}: no data file; run `labreport measure --project {folder}`")
    try:
        schema.load(data)
    except schema.DataError as error:
        raise CommandError(FAILED, str(error)) from None
    own = folder / locations.MKDOCS_NAME
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".site-", dir=out.parent) as scratch:
        building = Path(scratch) / "site"
        config = own if own.is_file() else generic.stage(declared, folder, Path(scratch) / "pages", building)
        _mkdocs(config, building, project_file, data, cwd=folder if own.is_file() else REPO_ROOT)
        _replace(out, building)
    return SiteBuilt(out=out, data=data, own_pages=own.is_file())


def _mkdocs(config: Path, out: Path, project_file: Path, data: Path, *, cwd: Path) -> None:
    environment = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        project.PROJECT_ENV: str(project_file),
        DATA_ENV: str(data),
        # The project's own status file: a measurement running for it shows on its pages.
        STATUS_ENV: str(locations.status_file(project_file.parent)),
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config)]
    try:
        result = subprocess.run(
            [*command, "--site-dir", str(out)],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=BUILD_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CommandError(FAILED, f"the site build took over {BUILD_SECONDS} s and was stopped") from None
    if result.returncode != 0:
        raise CommandError(FAILED, f"the site build failed: {_first_error(result.stderr)}")


def _first_error(stderr: str) -> str:
    """MkDocs' own line for what stopped the build: its first error, else (a strict build stops on
    warnings) its first warning, else its last line."""
    lines = [" ".join(line.split()) for line in stderr.splitlines() if line.strip()]
    for marks in (("Error:", "ERROR"), ("WARNING",)):
        for line in lines:
            if line.startswith(marks):
                return line
    return lines[-1] if lines else "mkdocs printed nothing"


def _replace(out: Path, built: Path) -> None:
    """`built` becomes `out`; the previous `out` goes only once the new one is in place."""
    if out.exists():
        old = built.with_name("previous")
        out.rename(old)
        built.rename(out)
        shutil.rmtree(old)
    else:
        built.rename(out)
