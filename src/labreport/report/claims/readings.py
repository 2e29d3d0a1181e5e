"""The measures whose value is text, not a number: a field of the service's JSON answer, a pushed
digest. Such a claim is reproduced when the data holds exactly what the report printed; there is no
tolerance. `measures.MEASURES` holds the numeric vocabulary; `READINGS` this one, in the same shape
(each entry's `make` reads the value, its `point` names where it lies in the data).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...contract.schema import Measurements, Probe
from ...contract.variants import PROJECT
from ..derive import PRIMARY, probe, publish
from .judge import NO_VALUE, Claim, Point, Pointing, Verdict
from .measures import Arguments

#: The value as the data holds it, or None where the data lacks it.
Reading = Callable[[Measurements], str | None]


def _body_fields(found: Probe, endpoint: str) -> tuple[str, ...] | None:
    """Where in the probe record `endpoint`'s answer lies: its own field for the root and the health
    check, else its entry among the other declared endpoints' answers; None when it was not asked."""
    if endpoint == PROJECT.service.endpoints[0]:
        return ("root_body",)
    if endpoint == PROJECT.service.health:
        return ("health_body",)
    index = next((i for i, answer in enumerate(found.answers) if answer.path == endpoint), None)
    return None if index is None else ("answers", str(index), "body")


def _answer(data: Measurements, endpoint: str, name: str) -> tuple[Probe, Any, tuple[str, ...]] | None:
    """The shipped image's probe, its answer's field `name` at `endpoint` and where that lies, if the
    data holds one. A dotted name goes down into objects ("service.name"), as the drafter writes it."""
    found = probe(data, PRIMARY)
    fields = None if found is None else _body_fields(found, endpoint)
    if found is None or fields is None:
        return None
    value: Any = found
    for part in fields:
        value = value[int(part)] if isinstance(value, list) else getattr(value, part)
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return found, value, (*fields, *name.split("."))


def as_printed(value: Any) -> str:
    """A JSON value as a report prints it: a string as it is, anything else as JSON (7, true, null)."""
    return value if isinstance(value, str) else json.dumps(value)


def probe_field(endpoint: str, name: str) -> Reading:
    def read(data: Measurements) -> str | None:
        found = _answer(data, endpoint, name)
        return None if found is None else as_printed(found[1])

    return read


def _probe_point(endpoint: str, name: str) -> Point:
    def point(data: Measurements) -> Pointing | None:
        found = _answer(data, endpoint, name)
        return None if found is None else Pointing(inputs=((found[0], found[2]),))

    return point


def push_digest(variant: str) -> Reading:
    def read(data: Measurements) -> str | None:
        found = publish(data, variant)
        return None if found is None else found.digest

    return read


def _push_point(variant: str) -> Point:
    def point(data: Measurements) -> Pointing | None:
        found = publish(data, variant)
        return None if found is None else Pointing(inputs=((found, ("digest",)),))

    return point


def _variant(name: str) -> str:
    return PRIMARY if name == "final" else name


@dataclass(frozen=True, kw_only=True)
class ReadingKind:
    summary: str
    #: Argument name -> the domain its value must lie in (`measures.DOMAINS`, or any text).
    arguments: dict[str, str] = field(default_factory=dict)
    make: Callable[[Arguments], Reading]
    point: Callable[[Arguments], Point]


READINGS: dict[str, ReadingKind] = {
    "probe-field": ReadingKind(
        summary="a field of the shipped image's JSON answer at an endpoint",
        arguments={"endpoint": "endpoint", "field": "text"},
        make=lambda a: probe_field(a.endpoint, a.field),
        point=lambda a: _probe_point(a.endpoint, a.field),
    ),
    "push-digest": ReadingKind(
        summary="the digest the registry gave the pushed image",
        arguments={"of": "variant"},
        make=lambda a: push_digest(_variant(a.of)),
        point=lambda a: _push_point(_variant(a.of)),
    ),
}


@dataclass(frozen=True, kw_only=True)
class Text:
    """A claim whose value is text, reproduced only by the same text in the data."""

    key: str
    topic: str
    claimed: str
    read: Reading
    missing: str
    page: str
    note: str = ""
    point: Point | None = None


def judge_text(data: Measurements, text: Text) -> Claim:
    value = text.read(data)
    verdict: Verdict = "not measurable here"
    measured, note = NO_VALUE, text.missing
    if value is not None:
        verdict = "reproduced" if value == text.claimed else "differs"
        measured, note = value, text.note
    return Claim(
        key=text.key,
        topic=text.topic,
        claimed=text.claimed,
        measured=measured,
        verdict=verdict,
        difference=None,
        note=note,
        page=text.page,
        evidence=None if value is None or text.point is None else text.point(data),
    )
