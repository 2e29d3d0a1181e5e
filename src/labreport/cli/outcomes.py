"""Every exit code of `labreport`, in one table: what `--help` lists, what `main` returns for an
error that carries its outcome, and what `serve` says when its background measurement ends so.

Pure (no wing imported), so that `serve` can read it without loading the measuring wing.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    code: int
    meaning: str
    #: What `serve` says when its background `labreport measure` ends with this code; None: the
    #: generic line, which points at the banner.
    serve_says: str | None = None


SUCCESS = Outcome(0, "success", "the data is current; the site shows the new figures if any were taken")
FAILED = Outcome(
    1,
    "a measurement failed (recorded in the data file), or a file's content is invalid",
    "the measurement recorded failures; the banner shows them",
)
USAGE = Outcome(2, "bad usage")
NO_ENGINE = Outcome(
    3, "no Docker engine answers", "no Docker engine answers: serving the recorded measurements"
)
BUDGET_BROKEN = Outcome(4, "a budget (budgets.toml) is broken")
ENGINE_BUSY = Outcome(
    5,
    "another measurement holds the engine",
    "another measurement holds the engine: not starting a second one",
)
NOTHING_RECOGNISED = Outcome(6, "`claims draft` recognised no figure in the report")
NO_DOCKERFILE = Outcome(7, "`init` found no Dockerfile in the folder")
CLAIMS_DIFFER = Outcome(8, "a claim differs from the measurement (`claims judge`, `check`)")
NO_PROJECT = Outcome(9, "no project file (labreport.toml) where --project points")
NO_DATA = Outcome(10, "the project has no data file yet (`labreport measure --project DIR` writes it)")
INTERRUPTED = Outcome(130, "interrupted", "the measurement was interrupted; the recorded data is unchanged")

OUTCOMES = (
    SUCCESS,
    FAILED,
    USAGE,
    NO_ENGINE,
    BUDGET_BROKEN,
    ENGINE_BUSY,
    NOTHING_RECOGNISED,
    NO_DOCKERFILE,
    CLAIMS_DIFFER,
    NO_PROJECT,
    NO_DATA,
    INTERRUPTED,
)


class CommandError(Exception):
    """A command's end other than success: one line for stderr, and the outcome it exits with."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome

    @property
    def exit_code(self) -> int:
        return self.outcome.code


def help_text() -> str:
    """The exit codes as `labreport --help` lists them."""
    listed = ", ".join(f"{outcome.code} {outcome.meaning}" for outcome in OUTCOMES)
    return textwrap.fill(f"Exit codes: {listed}.", width=100)
