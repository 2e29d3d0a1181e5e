"""`labreport standins`: the base image of every variant, pulled or built as a labelled stand-in."""

from __future__ import annotations

import argparse

from ..contract.variants import VARIANTS
from ..measure import standins
from ..measure.engine import Engine
from .outcomes import SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subparsers.add_parser(
        "standins",
        help="build (or reuse) the stand-in base images for every variant",
        description="Pulls each base image, or, where no registry answers, builds a "
        "labelled stand-in from its recipe. An existing stand-in with the same recipe is "
        "reused.",
    )


def run(arguments: argparse.Namespace) -> int:
    engine = Engine.connect()
    for ref in sorted({base for variant in VARIANTS for base in variant.bases}):
        base = standins.ensure_base(engine, ref)
        print(f"{ref}: {base.source} {base.image_id[:19]}")
    return SUCCESS.code
