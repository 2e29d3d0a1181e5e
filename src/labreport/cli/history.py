"""`labreport history`: append a measurement's record, merge a previous deployment's history,
rebuild the history from the data file's versions in git, and compare a run with the one before.

A CLI module, not part of the contract: judging the verdicts a record carries is the report
wing's work (its claims ledger), and only the CLI may join the wings.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from pydantic import ValidationError

from ..contract import history, schema
from ..contract.history import HISTORY_FILE, History, HistoryError, HistoryRecord
from ..contract.inputs import git_output
from ..contract.variants import REPO_ROOT
from ..report.markup import table
from ..report.site.mkdocs_config import MKDOCS_FILE, site_url

#: Where the previous deployment's history is read from, instead of mkdocs.yml's `site_url`.
SOURCE_ENV = "LABREPORT_HISTORY_URL"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
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


def run(arguments: argparse.Namespace) -> int:
    if arguments.action == "append":
        after_measure(schema.load(arguments.data), arguments.history)
    elif arguments.action == "merge":
        return merge_from(arguments.source or default_source(), arguments.history)
    else:
        return backfill(arguments.history)
    return 0


def verdicts(data: schema.Measurements) -> dict[str, int]:
    from ..report.claims.judge import verdict_counts
    from ..report.claims.ledger import ledger

    return {str(verdict): count for verdict, count in verdict_counts(ledger(data)).items()}


def record_for(data: schema.Measurements) -> HistoryRecord:
    return history.record(data, verdicts(data))


def append(data: schema.Measurements, path: Path) -> tuple[HistoryRecord | None, HistoryRecord]:
    """Adds `data`'s record to the history in `path`; returns the run before it (or None) and it."""
    current = record_for(data)
    merged = history.merge(history.load(path), History(records=[current]))
    history.save(merged, path)
    earlier = [item for item in merged.records if item.measured_at < current.measured_at]
    return (earlier[-1] if earlier else None), current


def default_source(mkdocs_file: Path = MKDOCS_FILE) -> str | None:
    """The previous deployment's history: $LABREPORT_HISTORY_URL, else `<site_url>/data/history.json`."""
    chosen = os.environ.get(SOURCE_ENV)
    if chosen:
        return chosen
    site = site_url(mkdocs_file)
    return None if site is None else site.rstrip("/") + "/data/history.json"


def read_source(source: str, timeout: float = 15) -> History:
    """The history at a URL or a path; raises `HistoryError` or `OSError` saying what went wrong."""
    if re.match(r"^https?://", source):
        with urllib.request.urlopen(source, timeout=timeout) as response:
            body: bytes = response.read()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise HistoryError(f"{source}: not text ({error})") from None
        return history.parse(text, source)
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"{source}: no such file")
    return history.load(path)


def merge_from(source: str | None, path: Path) -> int:
    """Merges the history at `source` into `path`. An unreachable or malformed source is a warning,
    not a failure: the committed history is still there, and a report must not stop for it."""
    local = history.load(path)
    if source is None:
        print(
            f"labreport: warning: no previous history to merge (no site_url); using {path}", file=sys.stderr
        )
        return 0
    try:
        remote = read_source(source)
    except (OSError, HistoryError, urllib.error.URLError) as error:
        reason = str(error).replace("\n", " ")
        if not reason.startswith(source):
            reason = f"{source}: {reason}"
        print(
            f"labreport: warning: could not read the previous history ({reason}); using {path}",
            file=sys.stderr,
        )
        return 0
    merged = history.merge(local, remote)
    history.save(merged, path)
    added = len(merged.records) - len(local.records)
    print(f"merged {source} into {path}: {added} record(s) added, {len(merged.records)} in all")
    return 0


def backfill(path: Path, root: Path = REPO_ROOT, data_path: str = "data/measurements.json") -> int:
    """Adds a record for every committed version of the data file that still validates; says which
    versions were skipped and why."""
    shas = git_output(root, "log", "--format=%H", "--", data_path).split()
    records = []
    for sha in shas:
        shown = git_output(root, "show", f"{sha}:{data_path}")
        source = f"{sha[:8]}:{data_path}"
        try:
            data = schema.Measurements.model_validate_json(shown)
        except ValidationError as error:
            print(f"labreport: skipped {source}: {schema.first_problem(error)}", file=sys.stderr)
            continue
        records.append(record_for(data))
    merged = history.merge(history.load(path), History(records=records))
    history.save(merged, path)
    print(
        f"backfilled {len(records)} of {len(shas)} version(s) into {path}; "
        f"{len(merged.records)} record(s) in all"
    )
    return 0


def _size(value: int | None) -> str:
    return "not measured" if value is None else f"{value / 1e6:.2f} MB"


def _change(before: float | None, after: float | None, unit: str) -> str:
    if before is None or after is None:
        return ""
    delta = after - before
    percent = f" ({delta / before:+.1%})" if before else ""
    return f"{delta / 1e6:+.2f} MB{percent}" if unit == "bytes" else f"{delta:+.2f} s{percent}"


def _headlines(item: HistoryRecord | None, builders: list[str]) -> list[float | None]:
    if item is None:
        return [None] * (3 + len(builders))
    return [
        item.final_image_bytes,
        item.download_bytes,
        item.builder_stage_bytes,
        *(item.build_median("code_change", builder) for builder in builders),
    ]


def _shown(value: float | None, unit: str) -> str:
    if unit == "bytes":
        return _size(None if value is None else int(value))
    return "not measured" if value is None else f"{value:.2f} s"


def comparison_markdown(previous: HistoryRecord | None, current: HistoryRecord) -> str:
    """The headline figures of this run against the previous one, for a CI job summary."""
    builders = current.testbed.builders
    names = [
        ("final image", "bytes"),
        (f"download ({current.download_from or 'not measured'})", "bytes"),
        ("builder stage", "bytes"),
        *((f"code-change rebuild ({builder})", "seconds") for builder in builders),
    ]
    befores, afters = _headlines(previous, builders), _headlines(current, builders)
    rows = [
        [name, _shown(after, unit)]
        if previous is None
        else [name, _shown(before, unit), _shown(after, unit), _change(before, after, unit)]
        for (name, unit), before, after in zip(names, befores, afters, strict=True)
    ]
    if previous is None:
        intro, header = "No previous run in the history to compare with.", ["figure", "this run"]
    else:
        intro = f"Against {previous.run_id} (commit {previous.commit[:8]}):"
        header = ["figure", "previous", "this run", "change"]
    summary = f"{intro}\n\n" + table(header, rows, align="l" + "r" * (len(header) - 1))
    if previous is not None and previous.testbed.fingerprint() != current.testbed.fingerprint():
        summary += f"\nThe testbed changed: {previous.testbed.label()} → {current.testbed.label()}.\n"
    return summary


def after_measure(data: schema.Measurements, path: Path) -> None:
    """Appends the run's record; in GitHub Actions the job summary gets it against the previous run."""
    previous, current = append(data, path)
    print(f"appended {current.run_id} to {path}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write("## Against the previous run\n\n" + comparison_markdown(previous, current) + "\n")
