"""Running a variant and asking it questions: does it answer, as whom, in how much memory, and how
quickly does it stop."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from ..contract import spec
from ..contract.schema import Answer, Probe
from ..contract.variants import PROJECT, Variant
from . import analysis
from .engine import Container, Engine, free_port
from .polling import poll


def probe(engine: Engine, variant: Variant, image_id: str) -> Probe:
    """Runs the image this run built for `variant` (by ID: its tag may name an older build)."""
    port = free_port()
    # All of it is waiting on the container or on Docker's own health check: not our overhead.
    listens = f"{PROJECT.service.port}/tcp"  # the project's port, published on a free one here
    with engine.container(image_id, ports={listens: port}) as container, engine.timer.measure():
        return observe(container, variant, port)


def observe(container: Container, variant: Variant, port: int) -> Probe:
    started = time.monotonic()
    if not variant.starts:
        failed_with = container.wait(timeout=60)
        logs = container.logs().strip()
        return Probe(
            variant=variant.name, started=False, seconds_to_healthy=None, root_body=None,
            health_body=None, not_found_status=None, not_found_body=None, spec_problems=[],
            process_uid=None, healthcheck_status=None, memory_bytes=None, stop_seconds=None,
            exit_code=failed_with, error_text=logs, logs=logs.splitlines(),
        )  # fmt: skip
    service = PROJECT.service
    root_path = service.endpoints[0]
    run_to_first_200 = first_ok(port, container.created_at, path=root_path)
    seconds_to_healthy = first_ok(port, started, path=service.health)
    _, root = http(port, root_path)
    _, health = http(port, service.health)
    not_found_status, not_found = http(port, "/does-not-exist")
    answers = [
        Answer(path=path, status=status, body=body)
        for path in service.endpoints
        if path not in (root_path, service.health)
        for status, body in [http(port, path)]
    ]
    uid = container.process_uid()
    healthcheck = healthcheck_status(container)
    memory = analysis.container_memory(container.stats())
    stop_started = time.monotonic()
    container.stop(timeout=10)
    stop_seconds = time.monotonic() - stop_started
    exit_code = container.state().exit_code
    lines = container.logs().splitlines()
    # A project that names no response spec has its answers recorded, not checked.
    problems = spec.problems(root, health) if service.spec else []
    return Probe(
        variant=variant.name, started=True, seconds_to_healthy=round(seconds_to_healthy, 3),
        root_body=root, health_body=health, not_found_status=not_found_status,
        not_found_body=not_found, spec_problems=problems, process_uid=uid,
        healthcheck_status=healthcheck, memory_bytes=memory, stop_seconds=round(stop_seconds, 3),
        exit_code=exit_code, error_text=None, logs=lines[-20:],
        run_to_first_200_seconds=round(run_to_first_200, 3), answers=answers,
    )  # fmt: skip


def http(port: int, path: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"User-Agent": "labreport-probe"}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


def _json(body: bytes) -> Any:
    """The answer's JSON; None for an answer that is not JSON (Go's own plain-text "404 page not
    found", which a service with no catch-all route gives): its status is what the record keeps."""
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def first_ok(port: int, started: float, seconds: float = 30.0, path: str = "/health") -> float:
    """Seconds from `started` (a monotonic reading) until `path` first answers 200."""

    def answered() -> float | None:
        return time.monotonic() - started if http(port, path)[0] == 200 else None

    left = seconds - (time.monotonic() - started)
    elapsed = poll(answered, left, interval=0.01, ignoring=(OSError, ValueError))
    if elapsed is None:
        raise RuntimeError(f"{path} did not answer 200 within {seconds:.0f}s")
    return elapsed


def healthcheck_status(container: Container, seconds: float = 30.0) -> str | None:
    """Docker's own verdict once its HEALTHCHECK has run; None when the image has none."""

    def settled() -> tuple[str | None] | None:
        health = container.state().health
        return None if health == "starting" else (health,)

    found = poll(settled, seconds, interval=0.25)
    return "starting" if found is None else found[0]
