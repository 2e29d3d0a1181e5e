"""The history page's data and tables: data/history.json, read once per build and validated.

A missing history is "no history yet"; a malformed one raises `HistoryError` (a `DataError`, so
the plugin fails the build with one line naming the file and the field).
"""

from __future__ import annotations

import os
from pathlib import Path

from ...contract.history import HISTORY_FILE, History, HistoryRecord, load
from .. import escape
from ..markup import table
from .registry import macro

#: Set this to build the site from another history file (tests, previews); default data/history.json.
HISTORY_ENV = "LABREPORT_HISTORY"
NO_HISTORY = "No history yet: `labreport measure` appends a record after every run."

_cache: dict[tuple[Path, int, int], History] = {}


def history_path() -> Path:
    chosen = os.environ.get(HISTORY_ENV)
    return Path(chosen).resolve() if chosen else HISTORY_FILE


def site_history() -> History:
    """The validated history; read again only when the file changed (figures and macros ask often)."""
    path = history_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return History()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load(path)
    return _cache[key]


def run_label(record: HistoryRecord) -> str:
    """A run as the figures name it: the commit's short sha, starred when the tree was dirty."""
    return record.commit[:7] + ("*" if record.dirty else "")


def causes(previous: HistoryRecord, current: HistoryRecord) -> list[str]:
    """What differs between two runs that could explain a change in their figures."""
    found = []
    if previous.inputs_hash != current.inputs_hash:
        commits = (
            f"commit {previous.commit[:7]} → {current.commit[:7]}"
            if previous.commit != current.commit
            else f"uncommitted changes at {current.commit[:7]}"
        )
        found.append(f"this repository's inputs ({commits})")
    before = {base.ref: base for base in previous.bases}
    for base in current.bases:
        old = before.get(base.ref)
        if old is not None and old.image_id != base.image_id:
            kind = "stand-in rebuilt" if base.source == old.source == "standin" else "drift"
            found.append(f"base {base.ref}: {old.image_id[7:19]} → {base.image_id[7:19]} ({kind})")
        elif old is not None and old.source != base.source:
            found.append(f"base {base.ref}: {old.source} → {base.source}")
    if previous.testbed.fingerprint() != current.testbed.fingerprint():
        found.append(f"the testbed ({current.testbed.label()})")
    return found or ["nothing recorded (the same inputs, bases and testbed: run-to-run noise)"]


def _size_change(before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return "not measured"
    delta = after - before
    # A few bytes is a real difference (a timestamp in a layer), not "+0.000 MB".
    return f"{delta:+,} B" if abs(delta) < 10_000 else f"{delta / 1e6:+.3f} MB"


def _evidenced(at: int, field: str, previous: HistoryRecord | None, current: HistoryRecord) -> str:
    """The change of size `field` into run `at`, with its evidence in the published history."""
    if previous is None:
        return ""
    before, after = getattr(previous, field), getattr(current, field)
    # Here, not at the top: evidence -> site build -> figures -> this module's helpers.
    from ..popover import history_change

    showing = _size_change(before, after)
    return showing if before is None or after is None else history_change(showing, field, at, after, before)


@macro
def history_changes() -> str:
    """Each run against the one before: what changed in the inputs, the bases or the testbed."""
    records = site_history().records
    if not records:
        return NO_HISTORY
    rows = []
    for at, (previous, current) in enumerate(zip([None, *records], records, strict=False)):
        changed = "the first run recorded" if previous is None else "; ".join(causes(previous, current))
        final = _evidenced(at, "final_image_bytes", previous, current)
        stage = _evidenced(at, "builder_stage_bytes", previous, current)
        when = f"{current.measured_at:%Y-%m-%d %H:%M}"
        rows.append([escape.code(run_label(current)), when, final, stage, escape.text(changed)])
    return table(["run", "measured", "final image", "builder stage", "what changed"], rows, align="llrrl")


def testbed_name(record: HistoryRecord) -> str:
    """A short name for the record's testbed, "testbed 1" for the first one the history meets: the
    figures' legends use it, and the testbeds table says what each one is."""
    fingerprints = list(dict.fromkeys(item.testbed.fingerprint() for item in site_history().records))
    return f"testbed {fingerprints.index(record.testbed.fingerprint()) + 1}"


@macro
def history_testbeds() -> str:
    """The testbeds the history was measured on, with how many runs each: the figures' lines."""
    records = site_history().records
    if not records:
        return NO_HISTORY
    counts: dict[str, tuple[str, str, int]] = {}
    for record in records:
        name, label, count = counts.get(
            record.testbed.fingerprint(), (testbed_name(record), record.testbed.label(), 0)
        )
        counts[record.testbed.fingerprint()] = (name, label, count + 1)
    rows = [[name, escape.text(label), count] for name, label, count in counts.values()]
    return table(["line", "testbed", "runs"], rows, align="llr")


@macro
def history_count() -> str:
    """How many runs the history holds, as a phrase."""
    count = len(site_history().records)
    return "no runs yet" if count == 0 else f"{count} run{'s' if count != 1 else ''}"
