"""Yes/no facts a report states in words or shows in an error message, each decided by a named
check of the vocabulary's `fact` measure: a cgo binary that will not start on a minimal base, a
binary that needed `chown` before a non-root user could run it, no package manager in the final
image, fewer vulnerabilities in the runtime image than in the builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claim import DraftedClaim
from .markdown import Line


@dataclass(frozen=True, kw_only=True)
class Fact:
    check: str
    topic: str
    said: re.Pattern[str]  # the words (or the error message) that state it
    near: re.Pattern[str] | None = None  # words the headings or nearby lines must hold too
    of_final: bool = False  # said of the report's own image: the claim names it


FACTS = (
    Fact(
        check="cgo-fails",
        topic="CGO left on, binary on a minimal base, fails at start",
        said=re.compile(r"(?:exec\b.*|standard_init\S*.*)no such file or directory", re.IGNORECASE),
        near=re.compile(r"\bcgo\b|glibc|musl|static", re.IGNORECASE),
    ),
    Fact(
        check="chown-needed",
        topic="a root-owned binary would not run as the non-root user until chown",
        said=re.compile(
            r"owned by root|root[- ]owned|permission denied.*(?:binary|exec)|(?:failed|fails).*\bchown\b",
            re.IGNORECASE,
        ),
        near=re.compile(r"\bchown\b|ownership|non-?root|\bUSER\b", re.IGNORECASE),
    ),
    Fact(
        check="no-package-manager",
        topic="no package manager in the final image",
        said=re.compile(r"\bno\b\W*(?:\w+\W+){0,2}package manager", re.IGNORECASE),
        of_final=True,
    ),
    Fact(
        check="fewer-cves",
        topic="fewer vulnerabilities in the runtime image than in the builder",
        said=re.compile(r"\bCVEs?\b|vulnerabilit", re.IGNORECASE),
        near=re.compile(r"builder|runtime|final|fewer|minimal|smaller", re.IGNORECASE),
    ),
)


_LIST_MARK = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_LONGEST = 160


def _said(line: str) -> str:
    """The report's own words for the fact: its line, without Markdown's marks."""
    plain = " ".join(line.replace("**", "").replace("`", "").split())
    return _LIST_MARK.sub("", plain)[:_LONGEST]


def read_facts(line: Line, around: str, following: str = "", final: str | None = None) -> list[DraftedClaim]:
    """The facts a line states; `around` is the headings and the lines next to it, `following` the
    next line of its paragraph, where a fact begun on this line may end ("no package / manager");
    `final` what the report's own image is called, when the caller knows."""
    claims: list[DraftedClaim] = []
    for fact in FACTS:
        said = fact.said.search(f"{line.text} {following}")
        if said is None or said.start() >= len(line.text):
            continue
        if fact.near is not None and not fact.near.search(" ".join([line.text, around])):
            continue
        claims.append(
            DraftedClaim(
                key="",
                topic=fact.topic,
                claimed=_said(line.text),
                measure="fact",
                check=fact.check,
                of=final if fact.of_final else None,
                line=line.number,
                text=line.raw,
            )
        )
    return claims
