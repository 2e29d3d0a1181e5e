"""Service answers in curl output (recorded here from this repository's service, see
tests/data/reports/README.md), each field checked against the probe's spec."""

from __future__ import annotations

from pathlib import Path

from labreport.drafting.markdown import Line
from labreport.drafting.responses import endpoint_of, parse_answers, shown, spec_problems

DATA = Path(__file__).parent / "data" / "reports"


def _recorded(name: str) -> tuple[str, list[Line]]:
    """The command line of a recording and its output lines, numbered from 2 as in the file."""
    command, *output = (DATA / name).read_text(encoding="utf-8").split("\n")
    lines = [Line(number=index, text=text, raw=text) for index, text in enumerate(output, start=2)]
    return command.removeprefix("$ "), lines


def test_the_root_answer_drafts_every_field_but_host_times_and_client() -> None:
    command, lines = _recorded("curl-root.txt")
    (answer,) = parse_answers(lines, command)
    assert answer.endpoint == "/" and answer.problems == () and answer.line.number == 2
    fields = {value.field: (shown(value.value), value.line.number, value.pinned) for value in answer.fields}
    assert fields == {
        "service.name": ("devops-info-service", 4, False),
        "service.version": ("1.0.0", 5, False),
        "service.description": ("DevOps course info service", 6, False),
        "service.framework": ("Go net/http", 7, False),
        "system.platform": ("linux", 11, False),
        "system.platform_version": ("linux-amd64", 12, False),
        "system.architecture": ("amd64", 13, False),
        "system.go_version": ("go1.25.5", 15, False),
        "runtime.timezone": ("UTC", 21, False),
        "endpoints": (
            '[{"path":"/","method":"GET","description":"Service information"},'
            '{"path":"/health","method":"GET","description":"Health check"}]',
            29,
            True,
        ),
    }
    assert answer.consumed == frozenset(range(2, 42))


def test_the_health_answer_on_one_line() -> None:
    command, lines = _recorded("curl-health.txt")
    (answer,) = parse_answers(lines, command)
    assert answer.endpoint == "/health" and answer.problems == ()
    assert [(value.field, value.value, value.pinned, value.line.number) for value in answer.fields] == [
        ("status", "healthy", True, 2)
    ]


def test_an_error_answer_after_response_headers() -> None:
    command, lines = _recorded("curl-404.txt")
    (answer,) = parse_answers(lines, command)
    assert answer.endpoint == "/nowhere" and answer.problems == ()
    assert [(value.field, value.value) for value in answer.fields] == [
        ("error", "Not Found"),
        ("message", "Endpoint does not exist"),
    ]


def test_a_body_that_breaks_the_spec_says_how() -> None:
    body = {
        "service": {"name": "x", "version": "1", "description": "d", "framework": "f"},
        "system": {"hostname": "h", "platform": "linux", "platform_version": "p", "architecture": "a"},
        "runtime": {"uptime_seconds": "7", "uptime_human": "u", "current_time": "t", "timezone": "UTC"},
        "request": {"client_ip": "c", "user_agent": "u", "method": "GET", "path": "/"},
        "endpoints": [{"path": "/", "method": "GET", "description": "Service information"}],
    }
    assert spec_problems("/", body) == [
        "system.cpu_count: missing",
        "system.go_version: missing",
        "runtime.uptime_seconds: str, the spec wants int",
        "endpoints: [('/', 'GET', 'Service information')], the spec wants "
        "[('/', 'GET', 'Service information'), ('/health', 'GET', 'Health check')]",
    ]
    assert spec_problems("/health", {"status": "ok", "timestamp": "t", "uptime_seconds": True}) == [
        "uptime_seconds: bool, the spec wants int",
        "status: 'ok', the spec wants 'healthy'",
    ]
    assert spec_problems("/metrics", {"anything": 1}) == []


def test_the_endpoint_from_the_command_or_the_body_s_shape() -> None:
    assert endpoint_of("curl -s http://localhost:8080/health | jq", {}) == "/health"
    assert endpoint_of("curl localhost", {}) == ""
    # curl takes a host without a scheme; the example's report asks so.
    assert endpoint_of("curl -s localhost:9090/health", {}) == "/health"
    assert endpoint_of("curl -s -i localhost:9090/quote/9", {}) == "/quote/9"
    assert endpoint_of("curl -s 127.0.0.1:9090", {}) == "/"
    assert endpoint_of("", {"status": "healthy", "timestamp": "t"}) == "/health"
    assert endpoint_of("", {"service": {}}) == "/"


def test_text_that_is_not_json_gives_no_answer() -> None:
    lines = [Line(number=1, text="{ not json", raw="{ not json"), Line(number=2, text="}", raw="}")]
    assert parse_answers(lines, "") == []
