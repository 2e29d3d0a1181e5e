"""`labreport explain KEY`: the evidence behind one figure, in a terminal. KEY is a JSON Pointer
(RFC 6901) into the data file, as `labreport verify` prints them (e.g. /images/3/size)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..contract import schema
from ..contract.evidence import Evidence, explain, facts
from ..contract.pointer import PointerError

DESCRIPTION = """\
Prints, for one figure of the data file named by its JSON Pointer (e.g. /images/3/size): its raw
value and unit, how the measurement took it, the command a reader runs to see it, when, on which
testbed and at which commit it was measured, and the base images it rests on (for a stand-in, its
recipe). `labreport verify` prints the pointers of every figure it checks.

exit codes: 0 explained, 2 KEY names nothing in the data file, or the data file is missing or
malformed."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="the evidence behind one figure: value, unit, how it was measured, the command to see it",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("key", metavar="KEY", help="a JSON Pointer into the data file, e.g. /images/3/size")
    parser.add_argument(
        "--data", type=Path, default=schema.DATA_FILE, help="the data file (default: %(default)s)"
    )


def run(arguments: argparse.Namespace) -> int:
    if not arguments.key.startswith("/"):
        print(
            f"labreport: {arguments.key!r} is not a JSON Pointer into the data file (e.g. /images/0/size; "
            "`labreport verify` lists them)",
            file=sys.stderr,
        )
        return 2
    try:
        data = schema.load(arguments.data)
        evidence = explain(data, arguments.key)
    except (schema.DataError, PointerError) as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 2
    for line in lines(evidence, data):
        print(line)
    return 0


def shown(value: object) -> str:
    return (
        value
        if isinstance(value, str)
        else json.dumps(value, indent=1 if isinstance(value, dict | list) else None)
    )


def lines(evidence: Evidence, data: schema.Measurements) -> list[str]:
    value = shown(evidence.value)
    printed = [f"{evidence.pointer} = {value}{f' {evidence.unit}' if evidence.unit else ''}"]
    return printed + [f"  {label}: {said}" for label, said in facts(evidence, data.provenance)]
