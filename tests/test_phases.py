"""Unit tests of the phases and the probe that need no engine: the lists built from the schema's
Literals, and a probe read through a fake container (conftest)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import get_args

from conftest import FakeDockerFactory
from labreport.measure import phases, probe
from labreport.schema import BuildKind, Flavour
from labreport.variants import BY_NAME
from records import probe_record


def test_every_schema_flavour_has_a_build_and_nothing_else_does() -> None:
    assert get_args(Flavour) == phases.BINARY_FLAVOURS
    assert set(phases.FLAVOUR_BUILDS) == set(get_args(Flavour))
    flags, cgo = phases.FLAVOUR_BUILDS["cgo"]
    assert cgo and all(
        not phases.FLAVOUR_BUILDS[flavour][1] for flavour in get_args(Flavour) if flavour != "cgo"
    )
    assert flags == ["-ldflags=-s -w"]


def test_build_kinds_are_the_schemas() -> None:
    assert phases.BUILD_KINDS == get_args(BuildKind) == ("cold", "cached", "code_change")


def test_a_variant_that_cannot_start_is_probed_through_its_exit_and_logs(
    fake_docker: FakeDockerFactory,
) -> None:
    message = b"exec /app/devops-info-service: no such file or directory\n"
    fake = fake_docker(exit_code=1, logs=message)
    variant = BY_NAME["cgo"]
    with fake.engine.container(variant.ref) as container:
        observed = probe.observe(container, variant, port=1)
    expected = probe_record(
        "cgo", started=False, error_text=message.decode().strip(), logs=[message.decode().strip()]
    )
    assert observed == expected


def test_healthcheck_status_waits_while_starting(fake_docker: FakeDockerFactory) -> None:
    fake = fake_docker(health=["starting", "starting", "healthy"])
    with fake.engine.container("img:1") as container:
        assert probe.healthcheck_status(container, seconds=5) == "healthy"


def test_healthcheck_status_of_an_image_without_one_is_none(fake_docker: FakeDockerFactory) -> None:
    with fake_docker().engine.container("img:1") as container:
        assert probe.healthcheck_status(container) is None


def test_the_run_to_first_200_clock_starts_at_the_create_call(fake_docker: FakeDockerFactory) -> None:
    """A service that answers `/` 0.5 s after the create call, probed 0.3 s after it: a clock
    started at the probe (or at the start call) would read about 0.2 s."""
    created_at: list[float] = []

    class LateService(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ready = bool(created_at) and time.monotonic() >= created_at[0] + 0.5
            status = 200 if ready and self.path in ("/", "/health") else 503 if not ready else 404
            body = b"{}"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), LateService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with fake_docker().engine.container(BY_NAME["alpine"].ref) as container:
            created_at.append(container.created_at)
            time.sleep(0.3)
            observed = probe.observe(container, BY_NAME["alpine"], port=server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    assert observed.run_to_first_200_seconds is not None
    assert 0.5 <= observed.run_to_first_200_seconds < 5
    assert observed.seconds_to_healthy is not None and observed.seconds_to_healthy < 5
