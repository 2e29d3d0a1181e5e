"""`labreport write-schema`: data/measurements.schema.json regenerated from contract/schema.py."""

from __future__ import annotations

import argparse

from ..contract import schema
from .outcomes import SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subparsers.add_parser("write-schema", help="regenerate data/measurements.schema.json from schema.py")


def run(arguments: argparse.Namespace) -> int:
    schema.write_atomically(schema.SCHEMA_FILE, schema.json_schema_text())
    print(f"wrote {schema.SCHEMA_FILE}")
    return SUCCESS.code
