"""Fake records of what the running containers answered and what their files hold (see `records`)."""

from __future__ import annotations

from typing import Any

from labreport.contract.schema import Probe, Surface


def root_body() -> dict[str, Any]:
    """A `GET /` body that meets the course's spec; a new dict each call, for tests to change."""
    return {
        "service": {
            "name": "devops-info-service",
            "version": "1.0.0",
            "description": "DevOps course info service",
            "framework": "Go net/http",
        },
        "system": {
            "hostname": "3f2a9c1b7d6e",
            "platform": "linux",
            "platform_version": "linux-amd64",
            "architecture": "amd64",
            "cpu_count": 2,
            "go_version": "go1.25.5",
        },
        "runtime": {
            "uptime_seconds": 0,
            "uptime_human": "0 hours, 0 minutes",
            "current_time": "2026-11-28T03:12:09Z",
            "timezone": "UTC",
        },
        "request": {
            "client_ip": "172.17.0.1",
            "user_agent": "python-requests/2.32.5",
            "method": "GET",
            "path": "/",
        },
        "endpoints": [
            {"path": "/", "method": "GET", "description": "Service information"},
            {"path": "/health", "method": "GET", "description": "Health check"},
        ],
    }


def health_body() -> dict[str, Any]:
    """A `GET /health` body that meets the course's spec; a new dict each call."""
    return {"status": "healthy", "timestamp": "2026-11-28T03:12:09Z", "uptime_seconds": 0}


def fake_probe(variant: str, uid: int | None = 100, started: bool = True, **extra: Any) -> Probe:
    root = root_body()
    values: dict[str, Any] = dict(
        variant=variant,
        started=started,
        seconds_to_healthy=0.31 if started else None,
        root_body=root if started else None,
        health_body=health_body() if started else None,
        not_found_status=404 if started else None,
        not_found_body={"error": "Not Found", "message": "Endpoint does not exist"} if started else None,
        spec_problems=[],
        process_uid=uid if started else None,
        healthcheck_status="healthy" if started else None,
        memory_bytes=4_321_280 if started else None,
        stop_seconds=0.12 if started else None,
        exit_code=0 if started else 1,
        error_text=None,
        logs=["2026-11-28T03:12:08Z INFO starting devops-info-service 1.0.0 on 0.0.0.0:8080"]
        if started
        else [],
    )
    values.update(extra)
    return Probe(**values)


def fake_probes() -> tuple[list[Probe], list[Surface]]:
    """Every variant's probe (cgo's failing to start) and its attack surface."""
    probes = [
        fake_probe("alpine"),
        fake_probe("as-reported"),
        fake_probe("scratch", uid=65534),
        fake_probe("distroless", uid=65532),
        fake_probe("single-stage", uid=999, seconds_to_healthy=0.44),
        fake_probe(
            "cgo",
            started=False,
            exit_code=127,
            error_text="exec /app/devops-info-service: no such file or directory",
        ),
    ]

    def surface(
        variant: str,
        packages: int,
        files: int,
        shell: bool,
        pm: bool,
        cc: bool,
        ca: bool,
        tz: bool,
        user: str,
        program: str = "/app/devops-info-service",
        owner: str = "0:0",
    ) -> Surface:
        return Surface(
            variant=variant,
            packages=packages,
            files=files,
            has_shell=shell,
            has_package_manager=pm,
            has_compiler=cc,
            has_ca_bundle=ca,
            has_tzdata=tz,
            setuid_files=["/bin/busybox"] if shell and variant != "single-stage" else [],
            user=user,
            program=program,
            program_owner=owner,
            program_mode="0755",
        )

    surfaces = [
        surface("builder", 212, 13_456, True, False, True, True, False, "root", "/out/devops-info-service"),
        surface(
            "single-stage",
            287,
            29_876,
            True,
            True,
            True,
            True,
            True,
            "appuser",
            "/usr/local/bin/devops-info-service",
        ),
        surface("alpine", 3, 412, True, False, False, True, False, "appuser"),
        surface("as-reported", 3, 412, True, False, False, True, False, "appuser", owner="100:101"),
        surface("scratch", 1, 2, False, False, False, True, False, "65534:65534", "/devops-info-service"),
        surface("distroless", 5, 1_823, False, False, False, True, True, "65532:65532"),
    ]
    return probes, surfaces
