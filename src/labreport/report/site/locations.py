"""Where a project keeps its measured files: `data/` in its own folder, as this repository does.

`contract.paths` says it for the project this process loaded (`schema.DATA_FILE` and the files
beside it); this says it for any project's folder, which `labreport site` builds in a new process.
"""

from __future__ import annotations

from pathlib import Path

from ...contract.history import HISTORY_FILE
from ...contract.project import PROJECT_FILE
from ...contract.schema import DATA_FILE
from ...contract.status import STATUS_FILE

#: The project file's name in a project's folder.
PROJECT_NAME = PROJECT_FILE.name
#: A project's own MkDocs configuration, beside its project file, when it has pages of its own.
MKDOCS_NAME = "mkdocs.yml"
#: The folder, beside the project file, that holds the data file and the files kept with it.
DATA_FOLDER = DATA_FILE.parent.name


def data_file(folder: Path) -> Path:
    """`folder/data/measurements.json`: the data file of the project whose folder is `folder`."""
    return folder / DATA_FOLDER / DATA_FILE.name


def status_file(folder: Path) -> Path:
    return folder / DATA_FOLDER / STATUS_FILE.name


def history_file(folder: Path) -> Path:
    return folder / DATA_FOLDER / HISTORY_FILE.name
