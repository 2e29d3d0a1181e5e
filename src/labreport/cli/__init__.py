"""labreport: measure the multi-stage build of devops-info-service, manage stand-in base images.

Exit codes: 0 success, 1 a measurement failed (recorded in the data file), 2 bad usage,
3 no Docker engine answers, 4 a budget (budgets.toml) is broken, 5 another measurement holds the
engine, 6 `claims draft` recognised no figure in the report, 7 `init` found no Dockerfile,
130 interrupted. A bad project file (labreport.toml) is exit 1.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
from pathlib import Path

from ..contract import invariants, project, schema
from ..contract.history import HISTORY_FILE
from ..contract.status import STATUS_FILE
from ..contract.variants import BUILDER_REF, BY_NAME, PRIMARY, PROJECT_PATH, VARIANTS
from ..drafting import command as claims_command
from ..measure import rebuilds, standins
from ..measure.engine import Engine, EngineUnavailable
from ..measure.lock import LockHeld, measurement_lock
from ..measure.progress import Progress
from ..report.claims import budgets
from . import explain as explain_command
from . import history as history_ops
from . import init as init_command
from . import verify as verify_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labreport", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    measure = commands.add_parser(
        "measure",
        help="build, run, probe and analyse every variant into the data file",
        description="Builds every variant through the Docker engine, runs and probes it, analyses its "
        "image and writes the figures with their provenance to the data file (atomically). Skips the "
        "work when the inputs hash matches the recorded data, unless --force.",
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
    measure.add_argument("--force", action="store_true", help="re-measure even when the data is current")
    measure.add_argument(
        "--no-publish",
        dest="publish",
        action="store_false",
        help="skip the local registry push and the pull timings",
    )
    measure.add_argument(
        "--output", type=Path, default=schema.DATA_FILE, help="the data file to write (default: %(default)s)"
    )
    measure.add_argument("--plain", action="store_true", help="plain progress lines (CI logs)")
    measure.add_argument(
        "--budgets", type=Path, default=budgets.BUDGETS_FILE, help="limits checked after the run (exit 4)"
    )
    measure.add_argument(
        "--status-file",
        type=Path,
        default=None,
        help="where to write the progress the site's banner reads (default: beside the site's data "
        "file when writing it, else none)",
    )

    serve = commands.add_parser(
        "serve",
        help="serve the site at once; re-measure in the background when the inputs changed",
        description="Serves the site from the recorded data at once and runs `labreport measure` in the "
        "background (SERVE_MEASURE=0 turns it off); the pages reload when the data or status changes.",
    )
    serve.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default 8000)")
    serve.add_argument("--data", type=Path, default=None, help="the data file to serve and re-measure")
    serve.add_argument(
        "--measure-args",
        default="",
        metavar="ARGS",
        help='options for the background measure, e.g. "--repeat 1"',
    )

    commands.add_parser(
        "standins",
        help="build (or reuse) the stand-in base images for every variant",
        description="Pulls each base image, or, where no registry answers, builds a "
        "labelled stand-in from its recipe. An existing stand-in with the same recipe is "
        "reused.",
    )
    commands.add_parser("clean", help="remove the project's images, stand-ins and leftover containers")
    commands.add_parser("check-data", help="validate the data file against the schema and the invariants")
    commands.add_parser("write-schema", help="regenerate data/measurements.schema.json from schema.py")
    _history_parser(commands)
    verify_command.add_parser(commands)
    explain_command.add_parser(commands)
    init_command.add_parser(commands)
    claims_command.add_parser(commands)
    check_budgets = commands.add_parser(
        "budgets",
        help="check the recorded data against budgets.toml (exit 4 when one is broken)",
        description="Checks the data file's figures against the limits in budgets.toml; prints one "
        "line per budget and exits 4 when any is broken. `measure` does the same after each run.",
    )
    check_budgets.add_argument("--budgets", type=Path, default=budgets.BUDGETS_FILE, help="the budgets file")
    check_budgets.add_argument("--data", type=Path, default=schema.DATA_FILE, help="the data file")
    return parser


def _history_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "history",
        help="keep data/history.json: one record per measurement, for the report over time",
        description="append: the data file's record; merge: a previous deployment's history (a URL or "
        "a path; default <site_url>/data/history.json), a warning and no change when it cannot be read; "
        "backfill: a record for every committed version of the data file.",
    )
    parser.add_argument("action", choices=["append", "merge", "backfill"])
    parser.add_argument("--from", dest="source", metavar="URL_OR_PATH", help="merge: the history to merge")
    parser.add_argument("--history", type=Path, default=HISTORY_FILE, help="the history file")
    parser.add_argument("--data", type=Path, default=schema.DATA_FILE, help="append: the data file")


def _history(arguments: argparse.Namespace) -> int:
    if arguments.action == "append":
        history_ops.after_measure(schema.load(arguments.data), arguments.history)
    elif arguments.action == "merge":
        return history_ops.merge_from(arguments.source or history_ops.default_source(), arguments.history)
    else:
        return history_ops.backfill(arguments.history)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _chosen_project(argv: list[str] | None) -> int | None:
    """A `--project` other than the loaded one: the modules read the project as they load, so the
    program starts again on it (`python -m labreport` reads the flag before loading any)."""
    chosen = project.choose_from_argv(sys.argv[1:] if argv is None else argv)
    if chosen is None or chosen == PROJECT_PATH:
        return None
    if argv is not None:
        print(f"labreport: --project {chosen}: pass it to `python -m labreport`", file=sys.stderr)
        return 2
    os.execv(sys.executable, [sys.executable, "-m", "labreport", *sys.argv[1:]])


def main(argv: list[str] | None = None) -> int:
    restarted = _chosen_project(argv)
    if restarted is not None:
        return restarted
    arguments = _parser().parse_args(argv)
    # A CI runner's SIGTERM cleans up the same way as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if arguments.command == "measure":
            return _measure(arguments)
        if arguments.command == "serve":
            from .serve import options_from, serve

            return serve(options_from(arguments.port, shlex.split(arguments.measure_args), arguments.data))
        if arguments.command == "check-data":
            problems = invariants.check(schema.load())
            _print_problems(problems, f"{schema.DATA_FILE} holds numbers that cannot all be true")
            if problems:
                return 1
            print(f"{schema.DATA_FILE}: valid")
            return 0
        if arguments.command == "budgets":
            return _check_budgets(schema.load(arguments.data), arguments.budgets)
        if arguments.command == "history":
            return _history(arguments)
        if arguments.command == "verify":
            return verify_command.run(arguments)
        if arguments.command == "init":
            return init_command.run(arguments)
        if arguments.command == "explain":
            return explain_command.run(arguments)
        if arguments.command == "claims":
            return claims_command.run(arguments)
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
            for ref in [*(variant.ref for variant in VARIANTS), BUILDER_REF, *rebuilds.REBUILD_REFS]:
                engine.remove_image(ref)
            for image_id in standins.standin_images(engine):
                engine.remove_image(image_id)
            print("removed the project's containers, images and stand-ins")
        return 0
    except EngineUnavailable as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 3
    except LockHeld as error:
        print(f"labreport: {error}", file=sys.stderr)
        return 5
    except (schema.DataError, budgets.BudgetError) as error:  # a HistoryError is a DataError
        print(f"labreport: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("labreport: interrupted; containers and temporary images were removed", file=sys.stderr)
        return 130


def _measure(arguments: argparse.Namespace) -> int:
    from ..measure.record import Options
    from ..measure.run import measure

    if arguments.repeat < 1:
        print("labreport: --repeat must be at least 1", file=sys.stderr)
        return 2
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
    )
    if options.only and arguments.output == schema.DATA_FILE and PRIMARY not in options.only:
        print(
            "labreport: --only without the primary variant would replace the site's data; pass --output",
            file=sys.stderr,
        )
        return 2
    # The lock comes first: a second run must not touch the first one's status file either.
    with measurement_lock(), progress.recording():
        measurements = measure(options)
        if measurements is None:
            return 0
        _print_failures(measurements)
        if not any(image.role == "variant" for image in measurements.images):
            # Nothing was measured: keep the recorded data rather than replace it with failures.
            print(
                f"labreport: no variant could be measured; {options.output} was left as it was",
                file=sys.stderr,
            )
            progress.finish("failed", "no variant could be measured")
            return 1
        problems = invariants.check(measurements)
        if problems:
            # Numbers that cannot all be true are not saved: the file keeps the last honest run.
            _print_problems(problems, f"{options.output} was not written")
            progress.finish("failed", f"{len(problems)} invariant(s) violated")
            return 1
        schema.save(measurements, options.output)
        # The history lives beside the data file it records, so a test's --output keeps its own.
        history_ops.after_measure(measurements, options.output.with_name(HISTORY_FILE.name))
        failures = len(measurements.failures)
        progress.finish("done", f"{failures} failure(s) recorded" if failures else None)
    print(
        f"wrote {options.output} in {measurements.provenance.duration_seconds:.0f}s "
        f"({len(measurements.failures)} failure(s))"
    )
    budget_status = _check_budgets(measurements, arguments.budgets)
    return 1 if measurements.failures else budget_status


def _check_budgets(data: schema.Measurements, path: Path) -> int:
    """One line per budget; a broken one makes the exit status 4. In GitHub Actions the job
    summary gets the table too."""
    outcomes = budgets.check(data, budgets.load(path))
    for outcome in outcomes:
        print(f"labreport: budget {outcome.line()}", file=sys.stderr if outcome.broken else sys.stdout)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write("## Budgets\n\n" + budgets.summary_markdown(outcomes) + "\n")
    return 4 if any(outcome.broken for outcome in outcomes) else 0


def _print_problems(problems: list[str], outcome: str) -> None:
    for problem in problems:
        print(f"labreport: invariant violated: {problem}", file=sys.stderr)
    if problems:
        print(f"labreport: {len(problems)} invariant(s) violated; {outcome}", file=sys.stderr)


def _print_failures(measurements: schema.Measurements) -> None:
    for failure in measurements.failures:
        print(f"labreport: {failure.phase} {failure.variant or ''} failed: {failure.error}", file=sys.stderr)
