"""The course's contract for the service's responses, checked against what a container answers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

ROOT_FIELDS: dict[str, dict[str, type]] = {
    "service": {"name": str, "version": str, "description": str, "framework": str},
    "system": {
        "hostname": str,
        "platform": str,
        "platform_version": str,
        "architecture": str,
        "cpu_count": int,
        "go_version": str,
    },
    "runtime": {"uptime_seconds": int, "uptime_human": str, "current_time": str, "timezone": str},
    "request": {"client_ip": str, "user_agent": str, "method": str, "path": str},
}
HEALTH_FIELDS: dict[str, type] = {"status": str, "timestamp": str, "uptime_seconds": int}
ENDPOINTS = [("/", "GET", "Service information"), ("/health", "GET", "Health check")]
# RFC 3339's date-time; Python's fromisoformat alone also takes ISO 8601 forms such as week dates.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _type_problems(where: str, body: Any, fields: dict[str, type]) -> list[str]:
    if not isinstance(body, dict):
        return [f"{where}: not an object"]
    problems = []
    for name, kind in fields.items():
        value = body.get(name)
        # JSON has no int/bool split in Python's eyes: a bool must not pass for an int.
        if name not in body:
            problems.append(f"{where}.{name}: missing")
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"{where}.{name}: {type(value).__name__}, want {kind.__name__}")
    return problems


def _utc_time_problems(where: str, value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    try:
        if not RFC3339.match(value):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value.upper())
    except ValueError:
        return [f"{where}: {value!r} is not RFC 3339"]
    offset = parsed.utcoffset()
    return [] if offset is not None and offset.total_seconds() == 0 else [f"{where}: {value!r} is not UTC"]


def problems(root: Any, health: Any) -> list[str]:
    """Every way the two bodies differ from the spec; empty when they match."""
    found: list[str] = []
    body = _object(root)
    for section, fields in ROOT_FIELDS.items():
        found += _type_problems(section, body.get(section), fields)
    listed = body.get("endpoints")
    endpoints = [
        (item.get("path"), item.get("method"), item.get("description"))
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict)
    ]
    if endpoints != ENDPOINTS:
        found.append(f"endpoints: {endpoints}, want {ENDPOINTS}")
    found += _utc_time_problems("runtime.current_time", _object(body.get("runtime")).get("current_time"))
    found += _type_problems("health", health, HEALTH_FIELDS)
    if isinstance(health, dict):
        found += _utc_time_problems("health.timestamp", health.get("timestamp"))
        if health.get("status") != "healthy":
            found.append(f"health.status: {health.get('status')!r}, want 'healthy'")
    return found
