"""`labreport standins`: the base image of every variant, pulled or built as a labelled stand-in."""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from ..contract.schema import BaseImage
from ..contract.variants import VARIANTS
from ..measure import standins
from ..measure.engine import Engine
from .outcomes import SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "standins",
        help="build (or reuse) the stand-in base images for every variant",
        description="Pulls each base image, or, where no registry answers, builds a "
        "labelled stand-in from its recipe. An existing stand-in with the same recipe is "
        "reused.",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="one line per base image, not the output of its build"
    )


def run(arguments: argparse.Namespace) -> int:
    engine = Engine.connect()
    refs = sorted({base for variant in VARIANTS for base in variant.bases})

    def ensure(ref: str) -> BaseImage:
        # Side by side: one recipe downloads packages while another compiles.
        echo = (lambda text: None) if arguments.quiet else (lambda text: print(f"{ref}: {text}"))
        return standins.ensure_base(engine, ref, echo=echo)

    with ThreadPoolExecutor(max_workers=len(refs) or 1) as pool:
        for ref, base in zip(refs, pool.map(ensure, refs), strict=True):
            print(f"{ref}: {base.source} {base.image_id[:19]}")
    return SUCCESS.code
