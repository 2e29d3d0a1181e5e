"""Unit tests of spec: the service's response bodies checked against its contract."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from labreport.contract import spec
from records import health_body, root_body

_root, _health = root_body, health_body  # bodies that meet the spec, from the shared records


def test_spec_valid_bodies_have_no_problems() -> None:
    assert spec.problems(_root(), _health()) == []


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-11-28T03:12:09Z",
        "2026-11-28T03:12:09+00:00",
        "2026-11-28T03:12:09.123456789Z",
        "2026-11-28T03:12:09.5Z",
    ],
)
def test_spec_accepts_rfc3339_utc_forms(timestamp: str) -> None:
    root, health = _root(), _health()
    root["runtime"]["current_time"] = timestamp
    health["timestamp"] = timestamp
    assert spec.problems(root, health) == []


Mutation = Callable[[dict[str, Any], dict[str, Any]], None]


def _set(section: str, field: str, value: Any) -> Mutation:
    def mutate(root: dict[str, Any], health: dict[str, Any]) -> None:
        (health if section == "health" else root[section])[field] = value

    return mutate


def _delete(section: str, field: str) -> Mutation:
    def mutate(root: dict[str, Any], health: dict[str, Any]) -> None:
        del (health if section == "health" else root[section])[field]

    return mutate


def _endpoints(value: Any) -> Mutation:
    def mutate(root: dict[str, Any], health: dict[str, Any]) -> None:
        root["endpoints"] = value

    return mutate


ONLY_ROOT = _root()["endpoints"][:1]
REVERSED = list(reversed(_root()["endpoints"]))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        pytest.param(_delete("service", "name"), "service.name", id="missing-field"),
        pytest.param(_delete("health", "uptime_seconds"), "health.uptime_seconds", id="missing-health-field"),
        pytest.param(_set("system", "cpu_count", "2"), "system.cpu_count", id="string-for-int"),
        pytest.param(_set("request", "path", 1), "request.path", id="int-for-string"),
        pytest.param(_set("runtime", "uptime_seconds", True), "runtime.uptime_seconds", id="bool-for-int"),
        pytest.param(
            _set("health", "uptime_seconds", False), "health.uptime_seconds", id="bool-for-int-health"
        ),
        pytest.param(
            _set("runtime", "current_time", "2026-11-28T05:12:09+02:00"), "runtime.current_time", id="non-utc"
        ),
        pytest.param(_set("health", "timestamp", "2026-11-28T03:12:09"), "health.timestamp", id="no-offset"),
        pytest.param(
            _set("health", "timestamp", "28/11/2026 03:12:09"), "health.timestamp", id="not-rfc3339"
        ),
        pytest.param(_set("runtime", "current_time", "yesterday"), "runtime.current_time", id="not-a-time"),
        pytest.param(_endpoints(ONLY_ROOT), "endpoints", id="endpoint-missing"),
        pytest.param(_endpoints(REVERSED), "endpoints", id="endpoints-reordered"),
        pytest.param(_endpoints(None), "endpoints", id="endpoints-absent"),
        pytest.param(_set("health", "status", "ok"), "health.status", id="not-healthy"),
        pytest.param(_set("health", "status", "HEALTHY"), "health.status", id="healthy-in-capitals"),
        pytest.param(_delete("health", "status"), "health.status", id="status-missing"),
    ],
)
def test_spec_reports_each_defect_by_field(mutate: Mutation, field: str) -> None:
    root, health = _root(), _health()
    mutate(root, health)
    found = spec.problems(root, health)
    assert found, "the defect went unreported"
    assert all(problem.startswith(field + ":") for problem in found), found


def test_spec_time_problems_say_what_is_wrong() -> None:
    root, health = _root(), _health()
    root["runtime"]["current_time"] = "2026-11-28T05:12:09+02:00"
    health["timestamp"] = "28/11/2026 03:12:09"
    found = spec.problems(root, health)
    assert [problem.split(":")[0] for problem in found] == ["runtime.current_time", "health.timestamp"]
    assert "UTC" in found[0]
    assert "RFC 3339" in found[1]


def test_spec_section_that_is_not_an_object() -> None:
    root = _root()
    root["request"] = "GET /"
    assert spec.problems(root, _health()) == ["request: not an object"]


def test_spec_bodies_that_are_not_objects() -> None:
    found = spec.problems(None, "healthy")
    assert {problem.split(":")[0] for problem in found} == {*spec.ROOT_FIELDS, "endpoints", "health"}


def test_spec_does_not_modify_its_input() -> None:
    root, health = _root(), _health()
    root_before, health_before = copy.deepcopy(root), copy.deepcopy(health)
    spec.problems(root, health)
    assert (root, health) == (root_before, health_before)


@pytest.mark.parametrize(("key", "value"), [("runtime", ["x"]), ("runtime", "x"), ("endpoints", 5)])
def test_spec_malformed_sections_are_reported_not_raised(key: str, value: Any) -> None:
    root = _root()
    root[key] = value
    found = spec.problems(root, _health())
    assert any(problem.startswith(key) for problem in found)


@pytest.mark.parametrize("timestamp", ["20261128T031209Z", "2026-W48-6T03:12:09Z"])
def test_spec_rejects_iso8601_forms_that_are_not_rfc3339(timestamp: str) -> None:
    health = _health()
    health["timestamp"] = timestamp
    assert spec.problems(_root(), health) != []
