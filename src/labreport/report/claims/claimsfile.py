"""The claims file (claims.toml): every claim of the report as data, read and checked here.

One `[[claim]]` table per claim, judged in the file's order, and a `[reported_bases]` table: the
report's own figure for each base image, the most its real image may weigh when a claim is judged
through a stand-in. Every field is checked when the file is read, so a typo fails the site build
with one line naming the file, the claim and the field (PROJECT.md documents the format).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ...contract.project import project_path
from ...contract.schema import DataError
from ...contract.variants import PROJECT, VARIANTS
from ..derive import BASES
from .checks import CHECK_DEFAULT_OF, CHECK_NEEDS, FACTS, Fact
from .judge import Quantity
from .measures import DOMAINS, MEASURES, Arguments
from .printed import UnreadableValue, read_tolerance, read_value
from .readings import READINGS, Text

#: The project file names it (`claims`), relative to the project's folder.
CLAIMS_FILE = project_path().parent / PROJECT.claims
#: Set this to judge the claims of another file (tests).
CLAIMS_ENV = "LABREPORT_CLAIMS"

#: Fields every claim has, and the ones it may have, with their types.
REQUIRED = {"key": str, "topic": str, "claimed": str, "measure": str, "line": int}
OPTIONAL = {
    "page": str,  # default: `DEFAULT_PAGES` by measure
    "text": str,  # the report's words the value was read from (`claims draft` writes it)
    "drafted": str,  # `claims draft`'s mark on an entry nobody has confirmed yet
    "tolerance": str,
    "note": str,
    "missing": str,
    "alone": str,
    "vary": list,
    "held": list,
    "rests_on": list,
}
#: The page a claim is discussed on when its entry names none: the pages every project's site has
#: (report/site/generic/), by measure; a fact, by its check's topic, on the security page.
DEFAULT_PAGES = {
    **dict.fromkeys(
        ("image-size", "reduction", "size-difference", "saving", "binary-size", "strip-saving"), "sizes.md"
    ),
    "layer-size": "layers.md",
    **dict.fromkeys(("build-total", "step-time", "step-count"), "build.md"),
    **dict.fromkeys(("download-size", "pull-ratio", "pull-time", "push-digest"), "publishing.md"),
    **dict.fromkeys(("package-count", "fact"), "security.md"),
    "probe-field": "testing.md",
}
#: A fact's fields besides the common ones.
FACT_FIELDS = {"check": str, "of": str, "against": str, "expect": str}
#: Every measure argument's type (`MEASURES` says which measure takes which).
ARGUMENT_TYPES = {
    "of": str,
    "against": str,
    "containers": int,
    "kind": str,
    "instruction": list,  # or one phrase: see `phrases`
    "flavour": str,
    "endpoint": str,
    "field": str,
}


class ClaimsError(DataError):
    """The claims file is missing, not TOML, or has a bad entry; the message names file, claim and field."""


Entry = Quantity | Fact | Text


@dataclass(frozen=True)
class Claims:
    path: Path
    entries: tuple[Entry, ...]
    #: Base reference -> the report's figure for it, in bytes.
    reported_bases: dict[str, float]
    #: Claim key -> its `[[claim]]` number in the file and the report line it was read from.
    located: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)
    #: Why each drafted, unconfirmed entry that could not be read was set aside, one line each.
    set_aside: tuple[str, ...] = ()


def claims_path() -> Path:
    chosen = os.environ.get(CLAIMS_ENV)
    return Path(chosen).resolve() if chosen else CLAIMS_FILE


def current() -> Claims:
    """The claims of `claims_path()`, read again whenever the file changed (`mkdocs serve`)."""
    path = claims_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _cached(path, stamp)


@cache
def _cached(path: Path, stamp: int) -> Claims:
    return load(path)


def load(path: Path) -> Claims:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClaimsError(f"{path}: missing; every report needs its claims file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ClaimsError(f"{path}: not TOML ({error})") from None
    # [[unmatched]]: the figures `claims draft` found no measure for, kept for a person to copy.
    unknown = set(raw) - {"claim", "reported_bases", "unmatched"}
    if unknown:
        raise ClaimsError(
            f"{path}: unknown table {sorted(unknown)[0]!r}; a claims file has [[claim]], [reported_bases] "
            "and [[unmatched]]"
        )
    bases = _reported_bases(path, raw.get("reported_bases", {}))
    tables = raw.get("claim", [])
    if not isinstance(tables, list) or not tables:
        raise ClaimsError(f"{path}: no [[claim]] entries")
    entries: list[Entry] = []
    located: dict[str, tuple[int, int]] = {}
    set_aside: list[str] = []
    for number, table in enumerate(tables, start=1):
        try:
            entry = _Reader(path, number, table, bases).entry()
        except ClaimsError as error:
            # A drafted entry nobody confirmed yet is the drafter's guess: one it could not complete
            # is set aside and listed, where a person's own entry stops the build.
            if not (isinstance(table, dict) and isinstance(table.get("drafted"), str)):
                raise
            set_aside.append(str(error))
            continue
        if any(other.key == entry.key for other in entries):
            raise ClaimsError(f"{path}: claim {entry.key!r}: field 'key': used by an earlier claim")
        entries.append(entry)
        located[entry.key] = (number, table["line"])
    if not entries:
        raise ClaimsError(
            f"{path}: no [[claim]] entry can be judged ({len(set_aside)} drafted ones set aside)"
        )
    return Claims(
        path=path, entries=tuple(entries), reported_bases=bases, located=located, set_aside=tuple(set_aside)
    )


def _reported_bases(path: Path, table: Any) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ClaimsError(f"{path}: [reported_bases] must be a table of base reference = size")
    weights: dict[str, float] = {}
    for ref, text in table.items():
        where = f"{path}: [reported_bases]: field {ref!r}"
        if ref not in BASES:
            raise ClaimsError(f"{where}: unknown base image; known: {', '.join(BASES)}")
        try:
            printed = read_value(str(text))
        except UnreadableValue as error:
            raise ClaimsError(f"{where}: {error}") from None
        if printed.quantity != "bytes" or isinstance(printed.value, tuple):
            raise ClaimsError(f"{where}: {text!r} is not one size, such as '640 MB'")
        weights[ref] = printed.value
    return weights


class _Reader:
    """One `[[claim]]` table, checked field by field."""

    def __init__(self, path: Path, number: int, table: Any, bases: dict[str, float]) -> None:
        self.path, self.bases = path, bases
        if not isinstance(table, dict):
            raise ClaimsError(f"{path}: claim #{number}: not a table")
        self.table: dict[str, Any] = table
        key = table.get("key")
        self.name = repr(key) if isinstance(key, str) and key else f"#{number}"

    def fail(self, field: str, problem: str) -> ClaimsError:
        return ClaimsError(f"{self.path}: claim {self.name}: field {field!r}: {problem}")

    def get(self, field: str, kind: type, default: Any = None) -> Any:
        value = self.table.get(field, default)
        if value is None:
            raise self.fail(field, "missing")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(field, f"must be a {kind.__name__}, not {value!r}")
        return value

    def entry(self) -> Entry:
        measure = self.get("measure", str)
        if measure == "fact":
            allowed = {**REQUIRED, **OPTIONAL, **FACT_FIELDS}
        elif measure in MEASURES or measure in READINGS:
            arguments = (MEASURES[measure] if measure in MEASURES else READINGS[measure]).arguments
            allowed = {**REQUIRED, **OPTIONAL, **{name: ARGUMENT_TYPES[name] for name in arguments}}
        else:
            known = ", ".join([*MEASURES, *READINGS, "fact"])
            raise self.fail("measure", f"unknown measure {measure!r}; known: {known}")
        for field in self.table:
            if field not in allowed:
                what = "an argument of" if field in ARGUMENT_TYPES or field in FACT_FIELDS else "a field of"
                raise self.fail(field, f"not {what} measure {measure!r}")
        for field, kind in REQUIRED.items():
            self.get(field, kind)
        if self.get("line", int) < 1:
            raise self.fail("line", "a report line counts from 1")
        if measure in READINGS:
            return self.text(measure)
        return self.fact() if measure == "fact" else self.quantity(measure)

    def fact(self) -> Fact:
        check = self.get("check", str)
        if check not in FACTS:
            raise self.fail("check", f"unknown check {check!r}; known: {', '.join(FACTS)}")
        for field in ("of", "against"):
            if field in self.table:
                self.known(field, self.get(field, str), tuple(variant.name for variant in VARIANTS))
        for field in CHECK_NEEDS.get(check, ()):
            self.get(field, str)  # one line naming the field when it is missing
        return Fact(
            key=self.get("key", str),
            topic=self.get("topic", str),
            claimed=self.get("claimed", str),
            page=self.page(),
            check=check,
            of=self.get("of", str, CHECK_DEFAULT_OF.get(check, "")),
            against=self.get("against", str, ""),
            expect=self.get("expect", str, ""),
            note=self.get("note", str, ""),
        )

    def page(self) -> str:
        measure = self.get("measure", str)
        page: str = self.get("page", str, DEFAULT_PAGES.get(measure))
        return page

    def known(self, field: str, value: str, domain: tuple[str, ...]) -> None:
        if value not in domain:
            raise self.fail(field, f"unknown name {value!r}; known: {', '.join(domain)}")

    def arguments(self, domains: dict[str, str]) -> Arguments:
        """The measure's arguments, each checked against its domain."""
        for field, domain in domains.items():
            if domain == "words":
                if not self.phrases(field):
                    raise self.fail(field, "missing")
                continue
            value = self.get(field, ARGUMENT_TYPES[field])
            if domain in DOMAINS:
                self.known(field, value, DOMAINS[domain]())
            elif domain == "count" and value < 1:
                raise self.fail(field, "must be at least 1")
        return Arguments(
            of=self.get("of", str, ""),
            against=self.get("against", str, ""),
            containers=self.get("containers", int, 0),
            kind=self.get("kind", str, ""),
            instruction=self.phrases("instruction"),
            flavour=self.get("flavour", str, ""),
            endpoint=self.get("endpoint", str, ""),
            field=self.get("field", str, ""),
        )

    def text(self, measure: str) -> Text:
        kind = READINGS[measure]
        arguments = self.arguments(kind.arguments)
        for field in ("tolerance", "vary", "held", "rests_on", "alone"):
            if field in self.table:
                raise self.fail(field, f"a text measure ({measure!r}) is matched exactly, not weighed")
        return Text(
            key=self.get("key", str),
            topic=self.get("topic", str),
            claimed=self.get("claimed", str),
            read=kind.make(arguments),
            missing=self.get("missing", str, f"{kind.summary}: not measured"),
            page=self.page(),
            note=self.get("note", str, ""),
            point=kind.point(arguments),
        )

    def quantity(self, measure: str) -> Quantity:
        kind = MEASURES[measure]
        arguments = self.arguments(kind.arguments)
        try:
            printed = read_value(self.get("claimed", str))
        except UnreadableValue as error:
            raise self.fail("claimed", str(error)) from None
        try:
            tolerance, points = read_tolerance(self.get("tolerance", str, "10%"), printed.quantity)
        except UnreadableValue as error:
            raise self.fail("tolerance", str(error)) from None
        return Quantity(
            key=self.get("key", str),
            topic=self.get("topic", str),
            claimed=printed.value,
            show=printed.show,
            measure=kind.make(arguments),
            missing=self.get("missing", str, f"{kind.summary}: not measured"),
            page=self.page(),
            vary=self.bases_of("vary", weighed=True),
            held=self.bases_of("held", weighed=True),
            rests_on=self.bases_of("rests_on", weighed=False),
            alone=self.get("alone", str, ""),
            tolerance=tolerance,
            points=points,
            note=self.get("note", str, ""),
            point=kind.point(arguments),
        )

    def phrases(self, field: str) -> tuple[str, ...]:
        """One phrase, or a list of them, each found as it is (`"go build"` is one phrase)."""
        value = self.table.get(field, [])
        phrases = [value] if isinstance(value, str) else value
        if not isinstance(phrases, list) or not all(isinstance(one, str) and one for one in phrases):
            raise self.fail(field, f"must be a phrase or a list of phrases, not {value!r}")
        return tuple(phrases)

    def bases_of(self, field: str, *, weighed: bool) -> tuple[str, ...]:
        refs = self.get(field, list, [])
        for ref in refs:
            if not isinstance(ref, str):
                raise self.fail(field, f"must list base references, not {ref!r}")
            self.known(field, ref, BASES)
            if weighed and ref not in self.bases:
                raise self.fail(field, f"{ref!r} has no figure in [reported_bases] to weigh it at")
        return tuple(refs)
