"""`labreport explain KEY`: the evidence behind one figure, in a terminal. KEY is a JSON Pointer
(RFC 6901) into the data file, as `labreport verify` prints them (e.g. /images/3/size), or a claim's
key in the claims file (e.g. final): the claim as the ledger judges it, then each figure it rests on."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..contract import schema
from ..contract.evidence import Evidence, explain, facts
from ..contract.pointer import PointerError, locations, pointer
from ..report.claims import claimsfile
from ..report.claims.judge import Claim, show_difference
from ..report.claims.ledger import ledger
from ..report.evidence import FORMULAS

DESCRIPTION = """\
Prints, for one figure of the data file named by its JSON Pointer (e.g. /images/3/size): its raw
value and unit, how the measurement took it, the command a reader runs to see it, when, on which
testbed and at which commit it was measured, and the base images it rests on (for a stand-in, its
recipe). `labreport verify` prints the pointers of every figure it checks.

For a claim's key in the claims file (e.g. final): what the report said, the value measured here,
the verdict and the difference as the claims ledger shows them, the arithmetic of a derived value,
and then the same evidence for each figure of the data file the value is computed from.

exit codes: 0 explained, 2 KEY names nothing in the data file or the claims file, or the data file is
missing or malformed."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="the evidence behind one figure: value, unit, how it was measured, the command to see it",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "key", metavar="KEY", help="a JSON Pointer into the data file (e.g. /images/3/size), or a claim's key"
    )
    parser.add_argument(
        "--data", type=Path, default=schema.DATA_FILE, help="the data file (default: %(default)s)"
    )


def run(arguments: argparse.Namespace) -> int:
    try:
        data = schema.load(arguments.data)
        if not arguments.key.startswith("/"):
            return explain_claim(data, arguments.key)
        evidence = explain(data, arguments.key)
    except (schema.DataError, PointerError) as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 2
    for line in lines(evidence, data):
        print(line)
    return 0


def explain_claim(data: schema.Measurements, key: str) -> int:
    found = {claim.key: claim for claim in ledger(data)}
    if key not in found:
        print(
            f"labreport: {key!r} is no claim in {claimsfile.claims_path()} and not a JSON Pointer into "
            "the data file (e.g. /images/0/size; `labreport verify` lists them)",
            file=sys.stderr,
        )
        return 2
    claim = found[key]
    at = locations(data)
    inputs = () if claim.evidence is None else claim.evidence.inputs
    pointers = [at[id(record)] + pointer(*fields) for record, fields in inputs]
    for line in claim_lines(claim, pointers):
        print(line)
    for each in pointers:
        for line in lines(explain(data, each), data):
            print(line)
    return 0


def claim_lines(claim: Claim, pointers: list[str]) -> list[str]:
    """The claim as the ledger judges it: the report's words, ours, the verdict and how it is computed."""
    number, report_line = claimsfile.current().located[claim.key]
    printed = [
        f"claim {claim.key}: {claim.topic}",
        f"  the report said: {claim.claimed} (report line {report_line}; "
        f"{claimsfile.claims_path().name}, [[claim]] #{number})",
        f"  measured here: {claim.measured}",
        f"  verdict: {claim.verdict}",
    ]
    if claim.difference is not None:
        printed[-1] += f", {show_difference(claim)} against the report (tolerance {claim.tolerance})"
    if claim.evidence is not None and claim.evidence.formula:
        arithmetic = FORMULAS[claim.evidence.formula].format(*pointers, n=claim.evidence.factor)
        exact = "" if claim.value is None else f" = {claim.value:,.4f}"
        printed.append(f"  derived: {arithmetic}{exact}")
    if claim.note:
        printed.append(f"  note: {claim.note}")
    if not pointers:
        printed.append("  no figure of the data file measures it")
    return printed


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
