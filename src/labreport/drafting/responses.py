"""The JSON a report shows the service answering (curl output), checked against the probe's spec
(`labreport.contract.spec`): which fields are there, of which types, and the values the spec pins.

What the service answered becomes one claim per field, except what no measurement can repeat:
the hostname and the CPU count (the machine's), the times and uptimes, and the request's client
fields (who asked, from where).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..contract import spec
from .markdown import Line

# The host with a scheme (`http://localhost:8080/health`) or without, as curl accepts it (`localhost:9090/`).
_CURL = re.compile(
    r"\b(?:curl|wget|http|httpie)\b.*?(?:\bhttps?://[^/\s'\"]+|(?<![\w/.-])[\w.-]+:\d+)(?P<path>/[^\s'\"?#]*)?"
)
#: Fields that say nothing a measurement can repeat.
NOT_CLAIMS = frozenset(
    {
        "system.hostname",
        "system.cpu_count",
        "runtime.uptime_seconds",
        "runtime.uptime_human",
        "runtime.current_time",
        "timestamp",
        "uptime_seconds",
        *(f"request.{name}" for name in spec.ROOT_FIELDS["request"]),
    }
)


@dataclass(frozen=True, kw_only=True)
class FieldValue:
    field: str  # dotted: "service.name", "status", "endpoints"
    value: Any
    pinned: bool  # the spec fixes this value
    line: Line


@dataclass(frozen=True, kw_only=True)
class Answer:
    endpoint: str
    body: Any
    line: Line  # where the JSON starts
    fields: tuple[FieldValue, ...]
    problems: tuple[str, ...]  # how the body differs from the spec, for a spec'd endpoint
    consumed: frozenset[int]


def endpoint_of(command: str, body: Any) -> str:
    """The path a curl command asked for; else guessed from the body's shape."""
    match = _CURL.search(command)
    if match:
        return match.group("path") or "/"
    if isinstance(body, dict) and "status" in body and "timestamp" in body:
        return "/health"
    return "/" if isinstance(body, dict) and "service" in body else ""


def _json_spans(lines: Sequence[Line]) -> list[tuple[int, int, Any]]:
    """(first index, last index, parsed) of each JSON object in the lines."""
    spans: list[tuple[int, int, Any]] = []
    start = 0
    while start < len(lines):
        if not lines[start].text.lstrip().startswith("{"):
            start += 1
            continue
        for end in range(start, len(lines)):
            if not lines[end].text.rstrip().endswith("}"):
                continue
            try:
                body = json.loads("\n".join(line.text for line in lines[start : end + 1]))
            except ValueError:
                continue
            spans.append((start, end, body))
            start = end
            break
        start += 1
    return spans


def _type_problems(where: str, body: Any, fields: dict[str, type]) -> list[str]:
    if not isinstance(body, dict):
        return [f"{where or 'body'}: not an object"]
    problems = []
    for name, kind in fields.items():
        path = f"{where}.{name}" if where else name
        value = body.get(name)
        if name not in body:
            problems.append(f"{path}: missing")
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"{path}: {type(value).__name__}, the spec wants {kind.__name__}")
    return problems


def spec_problems(endpoint: str, body: Any) -> list[str]:
    """The spec's fields and pinned values the body lacks; none for an endpoint the spec leaves out."""
    if endpoint == "/health":
        problems = _type_problems("", body, spec.HEALTH_FIELDS)
        if isinstance(body, dict) and "status" in body and body["status"] != "healthy":
            problems.append(f"status: {body['status']!r}, the spec wants 'healthy'")
        return problems
    if endpoint != "/":
        return []
    problems = []
    for section, fields in spec.ROOT_FIELDS.items():
        problems += _type_problems(section, body.get(section) if isinstance(body, dict) else None, fields)
    listed = body.get("endpoints") if isinstance(body, dict) else None
    endpoints = [
        (item.get("path"), item.get("method"), item.get("description"))
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict)
    ]
    if endpoints != spec.ENDPOINTS:
        problems.append(f"endpoints: {endpoints}, the spec wants {spec.ENDPOINTS}")
    return problems


def _field_line(lines: Sequence[Line], path: str) -> Line:
    """The line that shows a dotted field: each name searched for after the one before it."""
    index = 0
    for name in path.split("."):
        for offset, line in enumerate(lines[index:]):
            if f'"{name}"' in line.text:
                index += offset
                break
    return lines[index]


def _leaves(body: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name, value in body.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            found += _leaves(value, f"{path}.")
        else:
            found.append((path, value))
    return found


def _pinned(endpoint: str, path: str) -> bool:
    return (endpoint, path) in (("/health", "status"), ("/", "endpoints"))


def parse_answers(lines: Sequence[Line], command: str = "") -> list[Answer]:
    answers: list[Answer] = []
    for start, end, body in _json_spans(lines):
        if not isinstance(body, dict):
            continue
        span = lines[start : end + 1]
        endpoint = endpoint_of(command, body)
        fields = tuple(
            FieldValue(field=path, value=value, pinned=_pinned(endpoint, path), line=_field_line(span, path))
            for path, value in _leaves(body)
            if path not in NOT_CLAIMS
        )
        answers.append(
            Answer(
                endpoint=endpoint,
                body=body,
                line=span[0],
                fields=fields,
                problems=tuple(spec_problems(endpoint, body)),
                consumed=frozenset(line.number for line in span),
            )
        )
    return answers


def shown(value: Any) -> str:
    """A field's value as a claim's `claimed` string: text as is, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
