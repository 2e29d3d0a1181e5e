"""The drafted claims written as a claims file (TOML, one `[[claim]]` table each), atomically,
keeping what a person already did to it.

Each drafted entry carries `drafted = "<stamp>"`, a hash of its own fields. On the next run an
entry whose stamp still matches its fields is the drafter's and is drafted anew; an entry whose
fields no longer match its stamp was edited, and one without a stamp was confirmed (the person
deleted the line) or written by hand: both are kept as they are. A drafted claim finds its entry
by key, else by the report line and text it was read from. Figures no measure was found for are
listed under `[[unmatched]]`, drafted anew each run. The report's own figure for each base
(`[reported_bases]`, what the stand-in rules weigh a base at) is drafted too; a figure the file
already holds for a base is kept as it is (delete it to have it drafted again).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from ..contract.schema import write_atomically
from .claim import DraftedClaim

STAMP = "drafted"
_HEADER = """\
# Claims drafted from {report} by `labreport claims draft`; each one is for a person to confirm.
# An entry that still has its `drafted` line is the drafter's and is drafted anew on the next run.
# Delete that line to confirm an entry; an entry you edit or confirm is kept as you left it.
# [[unmatched]]: figures no measure was found for; copy one into a [[claim]] to have it judged.
# [reported_bases]: the report's own figure for each base, which `vary` and `held` weigh it at;
# a figure kept here is yours (delete it to have it drafted again).

"""


class ClaimsFileError(ValueError):
    """A claims file that cannot be read: one line naming the file and what to do."""


@dataclass(frozen=True, kw_only=True)
class Written:
    drafted: int  # entries written from this run's draft (new or drafted anew)
    kept: int  # entries kept as the person left them
    unmatched: int


def stamp(entry: Mapping[str, Any]) -> str:
    fields = {name: value for name, value in entry.items() if name != STAMP}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:12]


def _untouched(entry: Mapping[str, Any]) -> bool:
    return STAMP in entry and entry[STAMP] == stamp(entry)


def _fresh(claim: DraftedClaim, key: str) -> dict[str, Any]:
    entry = claim.entry() | {"key": key}
    return entry | {STAMP: stamp(entry)}


def read_claims(path: Path) -> list[dict[str, Any]]:
    """The `[[claim]]` entries of an existing claims file; none when there is no file."""
    claims = _read(path).get("claim", [])
    if not isinstance(claims, list) or not all(isinstance(entry, dict) for entry in claims):
        raise ClaimsFileError(
            f"{path}: `claim` must be an array of tables ([[claim]]); fix it or move it away"
        )
    return claims


def read_reported_bases(path: Path) -> dict[str, Any]:
    """The `[reported_bases]` table of an existing claims file; empty when there is none."""
    table = _read(path).get("reported_bases", {})
    if not isinstance(table, dict):
        raise ClaimsFileError(f"{path}: [reported_bases] must be a table of base reference = size")
    return table


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ClaimsFileError(
            f"{path}: not a TOML claims file ({error}); fix it or write to another file"
        ) from error
    return data


def _find(claim: DraftedClaim, existing: Sequence[Mapping[str, Any]], used: set[int]) -> int | None:
    for index, entry in enumerate(existing):
        if index not in used and entry.get("key") == claim.key:
            return index
    placed = [
        index
        for index, entry in enumerate(existing)
        if index not in used and entry.get("line") == claim.line and entry.get("text") == claim.text
    ]
    same_measure = [index for index in placed if existing[index].get("measure") == claim.measure]
    chosen = same_measure or placed
    return chosen[0] if chosen else None


def merge(
    drafted: Sequence[DraftedClaim], existing: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Written]:
    """The claims file's entries (existing order first, new ones after) and its unmatched figures."""
    entries: list[dict[str, Any] | None] = [dict(entry) for entry in existing]
    used: set[int] = set()
    new: list[DraftedClaim] = []
    redrafted = 0
    for claim in (claim for claim in drafted if claim.matched):
        index = _find(claim, existing, used)
        if index is None:
            new.append(claim)
            continue
        used.add(index)
        if _untouched(existing[index]):
            entries[index] = _fresh(claim, str(existing[index].get("key", claim.key)))
            redrafted += 1
    for index, entry in enumerate(existing):
        if index not in used and _untouched(entry):
            entries[index] = None  # the drafter's own entry for a figure the report no longer prints
    kept = [entry for entry in entries if entry is not None]
    keys = {str(entry.get("key")) for entry in kept}
    for claim in new:
        key, suffix = claim.key, 2
        while key in keys:
            key, suffix = f"{claim.key}-{suffix}", suffix + 1
        keys.add(key)
        kept.append(_fresh(claim, key))
    placed = {(entry.get("line"), entry.get("text")) for entry in kept}
    unmatched = [
        {"line": claim.line, "text": claim.text, "claimed": claim.claimed, "note": claim.note or ""}
        for claim in drafted
        if not claim.matched and (claim.line, claim.text) not in placed
    ]
    written = Written(
        drafted=redrafted + len(new), kept=len(kept) - redrafted - len(new), unmatched=len(unmatched)
    )
    return kept, unmatched, written


def write_claims(
    path: Path,
    drafted: Sequence[DraftedClaim],
    existing: Sequence[Mapping[str, Any]] | None = None,
    *,
    report: str = "the report",
    reported_bases: Mapping[str, str] | None = None,
    existing_bases: Mapping[str, Any] | None = None,
) -> Written:
    """Writes the claims file atomically; `existing` is what it held (`read_claims`), if anything,
    and `existing_bases` its `[reported_bases]` (`read_reported_bases`), kept over the draft's."""
    claims, unmatched, written = merge(drafted, existing or [])
    bases = dict(reported_bases or {}) | dict(existing_bases or {})
    tables: dict[str, Any] = {"reported_bases": bases} if bases else {}
    text = _HEADER.format(report=report) + tomli_w.dumps(tables | {"claim": claims, "unmatched": unmatched})
    write_atomically(path, text)
    return written
