"""`labreport check-data`: the data file validated against the schema and the invariants."""

from __future__ import annotations

import argparse
import sys

from ..contract import invariants, schema
from .outcomes import FAILED, SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subparsers.add_parser("check-data", help="validate the data file against the schema and the invariants")


def run(arguments: argparse.Namespace) -> int:
    problems = invariants.check(schema.load())
    print_problems(problems, f"{schema.DATA_FILE} holds numbers that cannot all be true")
    if problems:
        return FAILED.code
    print(f"{schema.DATA_FILE}: valid")
    return SUCCESS.code


def print_problems(problems: list[str], consequence: str) -> None:
    for problem in problems:
        print(f"labreport: invariant violated: {problem}", file=sys.stderr)
    if problems:
        print(f"labreport: {len(problems)} invariant(s) violated; {consequence}", file=sys.stderr)
