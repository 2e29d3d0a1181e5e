"""Unit tests of the phases and the probe that need no engine: the lists built from the schema's
Literals, and a probe read through a fake container (conftest)."""

from __future__ import annotations

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
