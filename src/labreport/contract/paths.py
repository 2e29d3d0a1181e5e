"""Where the project file is, and so where its data lives: the one lookup every other module reads.

Dependency-free, so that `schema` (the data file's place) and `project` (the file's contents) both
read it without importing each other.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
PROJECT_FILE = REPO_ROOT / "labreport.toml"
#: Set this to measure (and render) the project of another file; `--project` sets it.
PROJECT_ENV = "LABREPORT_PROJECT"


def project_path() -> Path:
    """`PROJECT_ENV`'s file (`--project` sets it), else ./labreport.toml, else this repository's."""
    chosen = os.environ.get(PROJECT_ENV)
    if chosen:
        return Path(chosen).resolve()
    here = Path.cwd() / PROJECT_FILE.name
    return here.resolve() if here.is_file() else PROJECT_FILE


def data_folder() -> Path:
    """A project's measurements, history and progress file live in `data/` beside its project file."""
    return project_path().parent / "data"


def choose_from_argv(argv: list[str]) -> Path | None:
    """Points `PROJECT_ENV` at the file a `--project PATH` in argv names (a folder means its
    labreport.toml), before any module reads the project; returns that file, or None."""
    for index, argument in enumerate(argv):
        if argument == "--project" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif argument.startswith("--project="):
            chosen = argument.split("=", 1)[1]
        else:
            continue
        path = Path(chosen).resolve()
        path = path / PROJECT_FILE.name if path.is_dir() else path
        os.environ[PROJECT_ENV] = str(path)
        return path
    return None
