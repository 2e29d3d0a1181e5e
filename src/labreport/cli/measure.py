"""`labreport measure`: build, run, probe and analyse every variant into the data file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..contract import invariants, schema
from ..contract.history import HISTORY_FILE
from ..contract.status import STATUS_FILE
from ..contract.variants import BY_NAME, PRIMARY, VARIANTS
from ..measure.lock import measurement_lock
from ..measure.progress import Progress
from ..report.claims import budgets as budget_rules
from .budgets import report as report_budgets
from .check_data import print_problems
from .history import after_measure
from .outcomes import FAILED, SUCCESS, USAGE, CommandError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    measure = subparsers.add_parser(
        "measure",
        help="build, run, probe and analyse every variant into the data file",
        description="Builds every variant through the Docker engine, runs and probes it, analyses its "
        "image and writes the figures with their provenance to the data file (atomically). Skips the "
        "work when the inputs hash matches the recorded data, unless --force; without --force (and "
        "--only), a variant whose own inputs did not change is carried over from that data unmeasured.",
    )
    measure.add_argument(
        "--only",
        action="append",
        choices=sorted(BY_NAME),
        default=[],
        metavar="VARIANT",
        help=f"measure just this variant (repeatable): {', '.join(variant.name for variant in VARIANTS)}",
    )
    measure.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="build timings and pulls repeated N times (median, min, max; default 3)",
    )
    measure.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project file, or its folder (default: ./labreport.toml, else this repository's)",
    )
    measure.add_argument(
        "--force", action="store_true", help="re-measure everything, even when the data is current"
    )
    measure.add_argument(
        "--no-publish",
        dest="publish",
        action="store_false",
        help="skip the local registry push and the pull timings",
    )
    measure.add_argument(
        "--output", type=Path, default=schema.DATA_FILE, help="the data file to write (default: %(default)s)"
    )
    measure.add_argument(
        "--no-analysis-cache",
        dest="analysis_cache",
        action="store_false",
        help="analyse every image afresh, neither reading nor writing the analysis cache "
        "(by image ID, in .artifacts/analysis-cache/ or $LABREPORT_ANALYSIS_CACHE)",
    )
    measure.add_argument("--plain", action="store_true", help="plain progress lines (CI logs)")
    measure.add_argument(
        "--budgets",
        type=Path,
        default=budget_rules.BUDGETS_FILE,
        help="limits checked after the run (exit 4)",
    )
    measure.add_argument(
        "--status-file",
        type=Path,
        default=None,
        help="where to write the progress the site's banner reads (default: beside the site's data "
        "file when writing it, else none)",
    )


def run(arguments: argparse.Namespace) -> int:
    from ..measure import cache
    from ..measure.record import Options
    from ..measure.run import measure

    if arguments.repeat < 1:
        raise CommandError(USAGE, "--repeat must be at least 1")
    status_path = arguments.status_file
    if status_path is None and arguments.output.resolve() == schema.DATA_FILE:
        status_path = STATUS_FILE  # the site's own data: its banner shows this run
    progress = Progress(live=False if arguments.plain else None, status_path=status_path)
    options = Options(
        only=arguments.only,
        repeat=arguments.repeat,
        force=arguments.force,
        output=arguments.output,
        publish=arguments.publish,
        progress=progress,
        analysis_cache=cache.directory() if arguments.analysis_cache else None,
    )
    if options.only and arguments.output == schema.DATA_FILE and PRIMARY not in options.only:
        raise CommandError(
            USAGE, "--only without the primary variant would replace the site's data; pass --output"
        )
    # The lock comes first: a second run must not touch the first one's status file either.
    with measurement_lock(), progress.recording():
        measurements = measure(options)
        if measurements is None:
            return SUCCESS.code
        _print_failures(measurements)
        if not any(image.role == "variant" for image in measurements.images):
            # Nothing was measured: keep the recorded data rather than replace it with failures.
            print(
                f"labreport: no variant could be measured; {options.output} was left as it was",
                file=sys.stderr,
            )
            progress.finish("failed", "no variant could be measured")
            return FAILED.code
        problems = invariants.check(measurements)
        if problems:
            # Numbers that cannot all be true are not saved: the file keeps the last honest run.
            print_problems(problems, f"{options.output} was not written")
            progress.finish("failed", f"{len(problems)} invariant(s) violated")
            return FAILED.code
        schema.save(measurements, options.output)
        # The history lives beside the data file it records, so a test's --output keeps its own.
        after_measure(measurements, options.output.with_name(HISTORY_FILE.name))
        failures = len(measurements.failures)
        progress.finish("done", f"{failures} failure(s) recorded" if failures else None)
    print(
        f"wrote {options.output} in {measurements.provenance.duration_seconds:.0f}s "
        f"({len(measurements.failures)} failure(s))"
    )
    budget_status = report_budgets(measurements, arguments.budgets)
    return FAILED.code if measurements.failures else budget_status


def _print_failures(measurements: schema.Measurements) -> None:
    for failure in measurements.failures:
        print(f"labreport: {failure.phase} {failure.variant or ''} failed: {failure.error}", file=sys.stderr)
