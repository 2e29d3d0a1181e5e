"""`labreport clean`: the project's analysis cache, images, stand-ins and leftover containers removed."""

from __future__ import annotations

import argparse

from ..contract.variants import BUILDER_REF, VARIANTS
from ..measure import cache, rebuilds, standins
from ..measure.engine import Engine
from .outcomes import SUCCESS


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subparsers.add_parser(
        "clean", help="remove the project's analysis cache, images, stand-ins and leftover containers"
    )


def run(arguments: argparse.Namespace) -> int:
    # First, as it needs no engine: without one the command still fails (exit 3), the cache gone.
    folder = cache.directory()
    print(f"removed {cache.clear(folder)} cached analyses from {folder}")
    engine = Engine.connect()
    engine.remove_leftovers()
    for ref in [*(variant.ref for variant in VARIANTS), BUILDER_REF, *rebuilds.REBUILD_REFS]:
        engine.remove_image(ref)
    for image_id in standins.standin_images(engine):
        engine.remove_image(image_id)
    print("removed the project's containers, images and stand-ins")
    return SUCCESS.code
