"""`labreport check-data`: the data file validated against the schema and the invariants."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..contract import invariants, schema
from .outcomes import FAILED, SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check-data", help="validate the data file against the schema and the invariants"
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project file, or its folder, whose data/measurements.json to check "
        "(default: ./labreport.toml, else this repository's)",
    )


def project_data() -> Path:
    """The loaded project's data file (`--project` chose the project before the modules loaded)."""
    return schema.DATA_FILE


def run(arguments: argparse.Namespace) -> int:
    path = project_data()
    problems = invariants.check(schema.load(path))
    print_problems(problems, f"{path} holds numbers that cannot all be true")
    if problems:
        return FAILED.code
    print(f"{path}: valid")
    return SUCCESS.code


def print_problems(problems: list[str], consequence: str) -> None:
    for problem in problems:
        print(f"labreport: invariant violated: {problem}", file=sys.stderr)
    if problems:
        print(f"labreport: {len(problems)} invariant(s) violated; {consequence}", file=sys.stderr)
