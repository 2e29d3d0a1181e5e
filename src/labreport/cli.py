"""labreport: measure the multi-stage build of devops-info-service, manage stand-in base images.

Exit codes: 0 success, 1 a measurement failed (recorded in the data file), 2 bad usage,
3 no Docker engine answers.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from . import schema
from .measure import standins
from .measure.engine import Engine, EngineUnavailable
from .measure.progress import Progress
from .variants import BUILDER_REF, BY_NAME, PRIMARY, VARIANTS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labreport", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    measure = commands.add_parser(
        "measure", help="build, run, probe and analyse every variant into the data file",
        description="Builds every variant through the Docker engine, runs and probes it, analyses its "
        "image and writes the figures with their provenance to the data file (atomically). Skips the "
        "work when the inputs hash matches the recorded data, unless --force.")
    measure.add_argument("--only", action="append", choices=sorted(BY_NAME), default=[],
                         metavar="VARIANT", help=f"measure just this variant (repeatable): "
                         f"{', '.join(variant.name for variant in VARIANTS)}")
    measure.add_argument("--repeat", type=int, default=3, metavar="N",
                         help="build timings and pulls repeated N times (median, min, max; default 3)")
    measure.add_argument("--force", action="store_true", help="re-measure even when the data is current")
    measure.add_argument("--no-publish", dest="publish", action="store_false",
                         help="skip the local registry push and the pull timings")
    measure.add_argument("--output", type=Path, default=schema.DATA_FILE,
                         help="the data file to write (default: %(default)s)")
    measure.add_argument("--plain", action="store_true", help="plain progress lines (CI logs)")

    commands.add_parser("standins", help="build (or reuse) the stand-in base images for every variant",
                        description="Pulls each base image, or, where no registry answers, builds a "
                        "labelled stand-in from its recipe. An existing stand-in with the same recipe is "
                        "reused.")
    commands.add_parser("clean", help="remove the project's images, stand-ins and leftover containers")
    commands.add_parser("check-data", help="validate the data file against the schema")
    commands.add_parser("write-schema", help="regenerate data/measurements.schema.json from schema.py")
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    # A CI runner's SIGTERM cleans up the same way as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if arguments.command == "measure":
            return _measure(arguments)
        if arguments.command == "check-data":
            schema.load()
            print(f"{schema.DATA_FILE}: valid")
            return 0
        if arguments.command == "write-schema":
            schema.write_atomically(schema.SCHEMA_FILE, schema.json_schema_text())
            print(f"wrote {schema.SCHEMA_FILE}")
            return 0
        engine = Engine.connect()
        if arguments.command == "standins":
            for ref in sorted({base for variant in VARIANTS for base in variant.bases}):
                base = standins.ensure_base(engine, ref)
                print(f"{ref}: {base.source} {base.image_id[:19]}")
        elif arguments.command == "clean":
            engine.remove_leftovers()
            for ref in [*(variant.ref for variant in VARIANTS), BUILDER_REF]:
                engine.remove_image(ref)
            for image_id in standins.standin_images(engine):
                engine.remove_image(image_id)
            print("removed the project's containers, images and stand-ins")
        return 0
    except EngineUnavailable as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 3
    except schema.DataError as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("labreport: interrupted; containers and temporary images were removed", file=sys.stderr)
        return 130


def _measure(arguments: argparse.Namespace) -> int:
    from .measure.run import Options, measure

    if arguments.repeat < 1:
        print("labreport: --repeat must be at least 1", file=sys.stderr)
        return 2
    options = Options(only=arguments.only, repeat=arguments.repeat, force=arguments.force,
                      output=arguments.output, publish=arguments.publish,
                      progress=Progress(live=False if arguments.plain else None))
    if options.only and arguments.output == schema.DATA_FILE and PRIMARY not in options.only:
        print("labreport: --only without the primary variant would replace the site's data; "
              "pass --output", file=sys.stderr)
        return 2
    measurements = measure(options)
    if measurements is None:
        return 0
    _print_failures(measurements)
    if not any(image.role == "variant" for image in measurements.images):
        # Nothing was measured: keep the recorded data rather than replace it with failures.
        print(f"labreport: no variant could be measured; {options.output} was left as it was",
              file=sys.stderr)
        return 1
    schema.save(measurements, options.output)
    print(f"wrote {options.output} in {measurements.provenance.duration_seconds:.0f}s "
          f"({len(measurements.failures)} failure(s))")
    return 1 if measurements.failures else 0


def _print_failures(measurements: schema.Measurements) -> None:
    for failure in measurements.failures:
        print(f"labreport: {failure.phase} {failure.variant or ''} failed: {failure.error}", file=sys.stderr)
