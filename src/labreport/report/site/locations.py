"""Where a project keeps its measured files: `data/` in its own folder, as this repository does.

Here rather than in the contract so that naming a path never changes the inputs hash; the command
line (`measure`, `serve`, `check-data`, `site`) and the plugin read it from this one place.
"""

from __future__ import annotations

from pathlib import Path

from ...contract.history import HISTORY_FILE
from ...contract.project import PROJECT_FILE, REPO_ROOT
from ...contract.schema import DATA_FILE
from ...contract.status import STATUS_FILE

#: The project file's name in a project's folder.
PROJECT_NAME = PROJECT_FILE.name
#: A project's own MkDocs configuration, beside its project file, when it has pages of its own.
MKDOCS_NAME = "mkdocs.yml"


def data_file(folder: Path) -> Path:
    """`folder/data/measurements.json`: this repository's `DATA_FILE` for its own folder."""
    return folder / DATA_FILE.relative_to(REPO_ROOT)


def status_file(folder: Path) -> Path:
    return folder / STATUS_FILE.relative_to(REPO_ROOT)


def history_file(folder: Path) -> Path:
    return folder / HISTORY_FILE.relative_to(REPO_ROOT)
