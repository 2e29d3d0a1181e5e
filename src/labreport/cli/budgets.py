"""`labreport budgets`: the recorded data checked against budgets.toml; `measure` does the same."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..contract import schema
from ..report.claims import budgets
from .outcomes import BUDGET_BROKEN, SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "budgets",
        help="check the recorded data against budgets.toml (exit 4 when one is broken)",
        description="Checks the data file's figures against the limits in budgets.toml; prints one "
        "line per budget and exits 4 when any is broken. `measure` does the same after each run.",
    )
    parser.add_argument("--budgets", type=Path, default=budgets.BUDGETS_FILE, help="the budgets file")
    parser.add_argument("--data", type=Path, default=schema.DATA_FILE, help="the data file")


def run(arguments: argparse.Namespace) -> int:
    return report(schema.load(arguments.data), arguments.budgets)


def report(data: schema.Measurements, path: Path) -> int:
    """One line per budget; a broken one makes the exit status 4. In GitHub Actions the job
    summary gets the table too."""
    checked = budgets.check(data, budgets.load(path))
    for outcome in checked:
        print(f"labreport: budget {outcome.line()}", file=sys.stderr if outcome.broken else sys.stdout)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write("## Budgets\n\n" + budgets.summary_markdown(checked) + "\n")
    broken = any(outcome.broken for outcome in checked)
    return BUDGET_BROKEN.code if broken else SUCCESS.code
