"""What a measurement in progress is doing, for the site's banner: written by the measuring wing,
read by the report wing.

The file sits beside the data file, so `mkdocs serve` (which watches `data/`) rebuilds when it
changes and every page's banner shows the progress. It is advisory: an unreadable status file, or
one whose writer has died, reads as "no measurement running".
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from .schema import DATA_FILE, Model, write_atomically

STATUS_FILE = DATA_FILE.with_name(".measure-status.json")

State = Literal["running", "done", "failed", "interrupted"]


class MeasureStatus(Model):
    state: State
    pid: int
    started_at: datetime
    updated_at: datetime
    phase: str
    done: int | None = None  # steps finished in this phase, when it counts them
    total: int | None = None
    elapsed_seconds: float
    message: str | None = None  # why it failed or stopped

    def summary(self) -> str:
        """One line: "builds 3/7, 37 s" while running, else what became of the run."""
        counted = f" {self.done}/{self.total}" if self.total else ""
        if self.state == "running":
            return f"{self.phase}{counted}, {self.elapsed_seconds:.0f} s"
        return f"{self.state} after {self.elapsed_seconds:.0f} s" + (
            f": {self.message}" if self.message else ""
        )


def write_status(status: MeasureStatus, path: Path = STATUS_FILE) -> None:
    write_atomically(path, status.model_dump_json() + "\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def read_status(path: Path = STATUS_FILE) -> MeasureStatus | None:
    """The status, or None when there is none worth showing. A "running" status whose process is
    gone reads as interrupted, so a killed run never leaves the banner saying "re-measuring"."""
    try:
        status = MeasureStatus.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return None
    if status.state == "running" and not _alive(status.pid):
        return status.model_copy(update={"state": "interrupted", "message": "its process is gone"})
    return status
