"""labreport: measure the multi-stage build of devops-info-service, manage stand-in base images.

The parser is assembled from one module per command (each with `add_parser` and `run`); the
exit codes are `outcomes.OUTCOMES`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import ModuleType

from ..contract import project, schema
from ..contract.variants import PROJECT_PATH
from ..measure.engine import EngineUnavailable
from ..measure.lock import LockHeld
from ..report.claims.budgets import BudgetError
from . import (
    budgets,
    check,
    check_data,
    claims,
    clean,
    explain,
    history,
    init,
    measure,
    outcomes,
    serve,
    site,
    standins,
    verify,
    write_schema,
)
from .outcomes import CommandError, Outcome

#: The commands, in the order `--help` lists them.
COMMANDS: dict[str, ModuleType] = {
    "measure": measure,
    "serve": serve,
    "standins": standins,
    "clean": clean,
    "check-data": check_data,
    "write-schema": write_schema,
    "history": history,
    "verify": verify,
    "explain": explain,
    "init": init,
    "claims": claims,
    "budgets": budgets,
    "check": check,
    "site": site,
}

#: The outcome of an error a wing raises: the wings know nothing of exit codes. (A HistoryError is
#: a DataError.)
WING_ERRORS: tuple[tuple[type[Exception], Outcome], ...] = (
    (EngineUnavailable, outcomes.NO_ENGINE),
    (LockHeld, outcomes.ENGINE_BUSY),
    (schema.DataError, outcomes.FAILED),
    (BudgetError, outcomes.FAILED),
    (project.ProjectError, outcomes.FAILED),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labreport",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=outcomes.help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS.values():
        command.add_parser(subparsers)
    return parser


def _interrupt(signum: int, frame: object) -> None:
    # The clean-up this starts (the daemon's build step, containers, images, serve's children) must
    # run to its end: a second SIGTERM or Ctrl-C is only noted from now on.
    for each in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(each) is not signal.SIG_IGN:
            signal.signal(each, _still_stopping)
    raise KeyboardInterrupt


def _still_stopping(signum: int, frame: object) -> None:
    # os.write, not print: this can run in the middle of another write to stderr.
    os.write(2, b"labreport: still cleaning up; it stops when that is done\n")


def stop_on_signals() -> None:
    """SIGTERM (a supervisor, a CI runner, `docker stop`) cleans up the same way as Ctrl-C. An
    ignored SIGINT stays ignored: the shell ignores it for a job it starts with `&`."""
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupt)


def _chosen_project(argv: list[str] | None) -> int | None:
    """A `--project` other than the loaded one: the modules read the project as they load, so the
    program starts again on it (`python -m labreport` reads the flag before loading any)."""
    chosen = project.choose_from_argv(sys.argv[1:] if argv is None else argv)
    if chosen is None or chosen == PROJECT_PATH:
        return None
    if argv is not None:
        print(f"labreport: --project {chosen}: pass it to `python -m labreport`", file=sys.stderr)
        return outcomes.USAGE.code
    os.execv(sys.executable, [sys.executable, "-m", "labreport", *sys.argv[1:]])


def main(argv: list[str] | None = None) -> int:
    restarted = _chosen_project(argv)
    if restarted is not None:
        return restarted
    arguments = _parser().parse_args(argv)
    stop_on_signals()
    try:
        code: int = COMMANDS[arguments.command].run(arguments)
        return code
    except CommandError as error:
        return _exit(error.outcome, str(error))
    except tuple(error_type for error_type, _ in WING_ERRORS) as error:
        outcome = next(outcome for error_type, outcome in WING_ERRORS if isinstance(error, error_type))
        return _exit(outcome, str(error))
    except KeyboardInterrupt:
        return _exit(outcomes.INTERRUPTED, "interrupted; containers and temporary images were removed")


def _exit(outcome: Outcome, message: str) -> int:
    print(f"labreport: {message}", file=sys.stderr)
    return outcome.code
