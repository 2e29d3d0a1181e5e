"""A claim drafted from a report's text, in the shared claims vocabulary, and its stable key."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

#: The measures of the shared vocabulary a drafted claim may name.
MEASURES = (
    "image-size",
    "layer-size",
    "download-size",
    "reduction",
    "size-difference",
    "saving",
    "build-total",
    "step-time",
    "step-count",
    "binary-size",
    "strip-saving",
    "package-count",
    "pull-ratio",
    "pull-time",
    "probe-field",
    "push-digest",
    "fact",
)
#: A figure the words around it could not tie to a measure.
UNMATCHED = ""
#: The fields a claims-file entry carries, in the order it is written.
FIELDS = (
    "key",
    "topic",
    "claimed",
    "measure",
    "of",
    "against",
    "containers",
    "kind",
    "instruction",
    "flavour",
    "endpoint",
    "field",
    "check",
    "tolerance",
    "vary",
    "held",
    "rests_on",
    "line",
    "text",
    "note",
)


@dataclass(frozen=True, kw_only=True)
class DraftedClaim:
    key: str
    topic: str
    claimed: str  # as the report printed it ("~17 MB", "20-30%", "healthy")
    measure: str  # one of MEASURES, or UNMATCHED
    line: int  # 1-based, in the report
    text: str  # the report's words on that line
    of: str | None = None
    against: str | None = None
    containers: int | None = None
    kind: str | None = None  # build kind: cold | cached | code_change
    instruction: str | None = None
    flavour: str | None = None
    endpoint: str | None = None
    field: str | None = None
    check: str | None = None
    tolerance: str | None = None
    note: str | None = None
    #: Stand-in rules (drafting/rules.py): bases weighed from 0 to the report's figure, held at it,
    #: or deciding the value outright.
    vary: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    rests_on: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.measure != UNMATCHED

    def identity(self) -> tuple[Any, ...]:
        """What the claim says, without where: two lines printing the same figure for the same
        measure are one claim, and a fact is one claim however often the report states it."""
        if self.measure == "fact":
            return (self.measure, self.check)
        return (
            self.measure,
            self.of,
            self.against,
            self.containers,
            self.kind,
            self.instruction,
            self.flavour,
            self.endpoint,
            self.field,
            self.check,
            _normal(self.claimed),
        )

    def entry(self) -> dict[str, Any]:
        """The claims-file table: every field that is set, in FIELDS order."""
        values: dict[str, Any] = {name: getattr(self, name) for name in FIELDS}
        if self.instruction and " " in self.instruction:
            # The words, not one phrase: a layer or step is the one whose instruction holds each of
            # them ("COPY", "quote-service" in "COPY /out/quote-service /quote-service").
            values["instruction"] = self.instruction.split()
        values |= {name: list(values[name]) for name in ("vary", "held", "rests_on")}
        return {name: value for name, value in values.items() if value not in (None, "", [])}


def _normal(claimed: str) -> str:
    return re.sub(r"\s+", "", claimed).lower()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")


def base_key(claim: DraftedClaim) -> str:
    """A key from what the claim is about, so it survives edits elsewhere in the report."""
    parts: list[str | int | None]
    if not claim.matched:
        parts = ["unmatched", claim.line]
    elif claim.measure == "image-size":
        parts = ["size", claim.of]
    elif claim.measure in ("layer-size", "step-time"):
        parts = [claim.measure.split("-")[0], claim.kind, claim.of, claim.instruction]
    elif claim.measure in ("reduction", "size-difference", "pull-ratio"):
        parts = [claim.measure, claim.of, "vs", claim.against]
    elif claim.measure == "saving":
        parts = ["saving", claim.containers, claim.of, "vs", claim.against]
    elif claim.measure == "build-total":
        parts = ["build", claim.kind]
    elif claim.measure == "probe-field":
        parts = ["probe", claim.endpoint, claim.field]
    elif claim.measure == "fact":
        parts = [claim.check]
    else:
        parts = [claim.measure, claim.of, claim.kind, claim.flavour]
    return slug(" ".join(str(part) for part in parts if part not in (None, ""))) or "claim"


def with_keys(claims: list[DraftedClaim]) -> list[DraftedClaim]:
    """Each claim keyed by `base_key`; a second claim with the same key gets "-2", a third "-3"."""
    seen: dict[str, int] = {}
    keyed: list[DraftedClaim] = []
    for claim in claims:
        key = base_key(claim)
        seen[key] = seen.get(key, 0) + 1
        keyed.append(replace(claim, key=key if seen[key] == 1 else f"{key}-{seen[key]}"))
    return keyed


def deduplicated(claims: list[DraftedClaim]) -> list[DraftedClaim]:
    """The first of each claim a line repeats (same measure, arguments and figure); a figure the
    report prints again on another line is a claim there too, since each line can be wrong."""
    seen: set[tuple[Any, ...]] = set()
    kept: list[DraftedClaim] = []
    for claim in sorted(claims, key=lambda claim: claim.line):
        said = claim.identity()
        identity = said if claim.measure == "fact" else (claim.line, *said)
        if identity not in seen:
            seen.add(identity)
            kept.append(claim)
    return kept
