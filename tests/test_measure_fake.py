"""`measure()` end to end against a fake engine (tests/conftest.py): every phase runs, the tools are
canned, the service is a loopback server, and each figure is checked against a value worked out
by hand from the fake's inputs, not recomputed with the code's own formula."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fake_engine import FakeEngineClient
from fake_run import BINARIES, HEALTH, NOT_FOUND, ROOT, image, measure
from fake_run import fake_run as fake_run  # the fixture, used by name below
from labreport import cli
from labreport.contract import invariants, schema
from labreport.contract.pointer import resolve
from labreport.measure import tools


def test_a_whole_measurement_gives_the_figures_worked_out_by_hand(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path
) -> None:
    client = fake_run()
    data = measure(tmp_path)
    assert data.failures == []
    assert invariants.check(data) == []
    # Sizes: the sum of the history's layers, as the engine reports them.
    assert image(data, "devops-info-service:alpine").size == 713_000  # 300_000 + 3_000 + 200_000 + 210_000
    assert image(data, "devops-info-service:cgo").size == 520_000  # 300_000 + 220_000
    assert image(data, "devops-info-service:builder").size == 1_430_040  # 1_200_000 + 40 + 20_000 + 210_000
    assert image(data, "golang:1.25").size == 1_400_000
    assert {item.ref: item.role for item in data.images} == {
        "devops-info-service:alpine": "variant", "devops-info-service:cgo": "variant",
        "alpine:3.19": "base", "golang:1.25-alpine": "base", "golang:1.25": "base",
        "devops-info-service:builder": "builder",
    }  # fmt: skip
    alpine = image(data, "devops-info-service:alpine")
    assert [layer.instruction for layer in alpine.layers] == [
        "ADD file:rootfs in /", 'CMD ["/bin/sh"]', "RUN addgroup -S appuser && adduser -S appuser",
        "COPY file:ca in /etc/ssl/certs/", "WORKDIR /app", "COPY file:bin in ./devops-info-service",
        "USER appuser", 'CMD ["/app/devops-info-service"]',
    ]  # fmt: skip
    compressed = [layer.compressed_size for layer in alpine.layers]
    # Zeros shrink ~1000-fold; a half-random layer to just over half; no layer, no figure.
    assert compressed[0] is not None and compressed[0] < 1_000
    assert compressed[1] is None and compressed[6] is None and compressed[7] is None
    assert compressed[3] is not None and compressed[3] < 1_000
    assert compressed[4] is not None and compressed[4] < 100  # WORKDIR's empty layer
    assert compressed[5] is not None and 105_000 < compressed[5] < 106_000  # 210_000 / 2
    assert 105_000 < alpine.compressed_size < 108_000
    builder = [layer.compressed_size for layer in image(data, "devops-info-service:builder").layers]
    assert builder[4] is not None and builder[4] < 100  # the empty RUN layer
    assert builder[5] is not None and 10_000 < builder[5] < 10_500  # 20_000 / 2
    assert builder[6] is not None and 105_000 < builder[6] < 106_000
    # Builds: 8 steps of 2.0 s cold, 0.1 s cached; a code change reuses the 4 steps before COPY app/.
    totals = {build.kind: build.total for build in data.builds}
    assert totals["cold"].median == pytest.approx(16.0, abs=0.05)
    assert totals["cached"].median == pytest.approx(0.8, abs=0.05)
    assert totals["code_change"].median == pytest.approx(8.4, abs=0.05)  # 4 x 0.1 + 4 x 2.0
    assert len(totals["cold"].samples) == 2
    change = next(build for build in data.builds if build.kind == "code_change")
    assert [step.cached for step in change.steps] == [True] * 4 + [False] * 4
    assert change.steps[4].seconds.median == pytest.approx(2.0, abs=0.05)
    assert data.cold_build_log[0] == "Step 1/8 : FROM golang:1.25-alpine AS builder"
    assert [build["nocache"] for build in client.api.builds].count(True) == 2
    # Binaries: the sizes go build wrote, and the cgo one's loader.
    assert {binary.flavour: binary.size for binary in data.binaries} == BINARIES
    cgo_binary = next(binary for binary in data.binaries if binary.flavour == "cgo")
    assert (cgo_binary.linking, cgo_binary.interpreter) == ("dynamic", "/lib/ld-musl-x86_64.so.1")
    assert cgo_binary.flags == "CGO_ENABLED=1 -ldflags=-s -w"
    # The probe asked the loopback service; the cgo variant exited as the engine said.
    probes = {item.variant: item for item in data.probes}
    answered = probes["alpine"]
    assert answered.started and answered.root_body == ROOT and answered.health_body == HEALTH
    assert (answered.not_found_status, answered.not_found_body) == (404, NOT_FOUND)
    assert answered.spec_problems == [] and answered.process_uid == 10001
    assert answered.memory_bytes == 3_999_000  # 4_000_000 in use less 1_000 of inactive page cache
    assert answered.healthcheck_status == "healthy" and answered.exit_code == 0
    assert answered.logs == ["listening on :8080"]
    failed = probes["cgo"]
    assert not failed.started and failed.exit_code == 127
    assert failed.error_text == "exec /app/devops-info-service: no such file or directory"
    # Surfaces, efficiency and lint from the image's files and the canned tools.
    surface = next(item for item in data.surfaces if item.variant == "alpine")
    assert (surface.packages, surface.files, surface.user) == (14, 5, "appuser")
    assert (surface.has_shell, surface.has_package_manager, surface.has_compiler) == (True, True, False)
    assert surface.setuid_files == ["/bin/su"] and surface.program == "/app/devops-info-service"
    assert (surface.program_owner, surface.program_mode) == ("0:0", "0755")
    assert [(item.variant, item.score, item.wasted_bytes) for item in data.efficiency] == [
        ("alpine", 0.97, 1234), ("cgo", 0.97, 1234), ("builder", 0.97, 1234)
    ]  # fmt: skip
    assert {item.dockerfile: [f.code for f in item.findings] for item in data.lint} == {
        "Dockerfile": [], "variants/cgo.Dockerfile": ["DL3006"]
    }  # fmt: skip
    assert data.provenance.only == ["alpine", "cgo"] and data.provenance.repeats == 2
    assert data.provenance.engine.version == "20.10.24+dfsg1"
    # Every container the run made is gone, with the scratch timing tag.
    assert all(container.removals for container in client.containers.created)
    assert "devops-info-service:timing" in client.images.removed


def test_a_second_measurement_takes_what_it_analysed_before_from_the_cache(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, analysis_cache: Path
) -> None:
    client = fake_run()
    first = measure(tmp_path, repeat=1)
    second = measure(tmp_path, repeat=1)
    assert first.provenance.cached_analyses == [] and second.failures == []
    assert invariants.check(second) == []
    before = {image.image_id: image for image in first.images}
    hits = {item.image_id: item for item in second.provenance.cached_analyses}
    # Every image whose ID the first run analysed, and only those: all but the primary variant, whose
    # tag the timings' no-cache builds moved to a new ID (as the legacy builder's cache does).
    assert set(hits) == {image.image_id for image in second.images} & set(before)
    unchanged = {"alpine:3.19", "golang:1.25-alpine", "golang:1.25", "devops-info-service:builder",
                 "devops-info-service:cgo"}  # fmt: skip
    assert {item.ref for item in hits.values()} == unchanged
    assert {client.images.get(ref).id for ref in unchanged} == set(hits)
    # The same data as without the cache, apart from the provenance and the timings.
    assert [before[i.image_id] for i in second.images if i.image_id in hits] == [
        i for i in second.images if i.image_id in hits
    ]
    assert [i.model_copy(update={"image_id": ""}) for i in second.images] == [
        i.model_copy(update={"image_id": ""}) for i in first.images
    ]
    assert (second.surfaces, second.efficiency) == (first.surfaces, first.efficiency)
    # Each pointer names a record of the file that came from that image.
    document = second.model_dump(mode="json")
    builder = hits[client.images.get("devops-info-service:builder").id]
    assert [resolve(document, at)["variant"] for at in builder.pointers[1:]] == ["builder", "builder"]
    for item in hits.values():
        assert resolve(document, item.pointers[0])["image_id"] == item.image_id
    assert len(list(analysis_cache.glob("sha256-*.json"))) == 6 + 1, "the first run's six, the new alpine"


def test_measure_without_the_analysis_cache_neither_reads_nor_writes_it(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, analysis_cache: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    fake_run()
    measure(tmp_path, repeat=1)
    entries = sorted(analysis_cache.iterdir())
    output = tmp_path / "out.json"
    code = cli.main(["measure", "--plain", "--force", "--no-publish", "--repeat", "1", "--only", "alpine",
                     "--only", "cgo", "--output", str(output), "--no-analysis-cache"])  # fmt: skip
    assert code == 0
    assert schema.load(output).provenance.cached_analyses == []
    assert sorted(analysis_cache.iterdir()) == entries


def test_a_failing_build_is_recorded_and_the_rest_still_measured(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path
) -> None:
    # The service answers an unknown path with 500: the probe must record what it got, not assume 404.
    fake_run(failing=("variants/cgo.Dockerfile",), unknown=(500, {"error": "boom"}))
    data = measure(tmp_path, repeat=1)
    assert [(failure.phase, failure.variant) for failure in data.failures] == [("build", "cgo")]
    assert "returned a non-zero code: 1" in data.failures[0].error
    assert {item.variant for item in data.images if item.role == "variant"} == {"alpine"}
    assert [item.variant for item in data.probes] == ["alpine"]
    assert (data.probes[0].not_found_status, data.probes[0].not_found_body) == (500, {"error": "boom"})


def test_a_phase_that_raises_is_recorded_not_raised(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_run()

    def broken(archive: Path) -> dict[str, Any]:
        raise RuntimeError("syft exited 1: cannot read the archive")

    monkeypatch.setattr(tools, "syft", broken)
    data = measure(tmp_path, repeat=1)
    assert [(failure.phase, failure.variant, failure.error) for failure in data.failures] == [
        ("sizes", "alpine", "syft exited 1: cannot read the archive"),
        ("sizes", "cgo", "syft exited 1: cannot read the archive"),
        ("sizes", "devops-info-service:builder", "syft exited 1: cannot read the archive"),
    ]
    assert {item.variant for item in data.probes} == {"alpine", "cgo"}


def _cli(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    output = tmp_path / "out.json"
    code = cli.main(["measure", "--plain", "--force", "--no-publish", "--repeat", "1", "--only", "alpine",
                     "--only", "cgo", "--output", str(output)])  # fmt: skip
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("labreport:")]
    return code, errors


def test_the_cli_prints_each_failure_and_exits_1(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fake_run(failing=("variants/cgo.Dockerfile",))
    code, errors = _cli(tmp_path, capfd)
    assert code == 1
    assert len(errors) == 1 and errors[0].startswith(
        "labreport: build cgo failed: build of devops-info-service:cgo"
    )
    assert schema.load(tmp_path / "out.json").failures[0].variant == "cgo"


def test_the_cli_refuses_numbers_that_break_an_invariant(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fake_run(size_error=1)  # the engine reports one byte more than the image's layers hold
    code, errors = _cli(tmp_path, capfd)
    assert code == 1
    assert errors == [
        "labreport: invariant violated: devops-info-service:alpine: size 713001 != 713000, "
        "the sum of its 8 layers",
        f"labreport: 1 invariant(s) violated; {tmp_path / 'out.json'} was not written",
    ]
    assert not (tmp_path / "out.json").exists()


def test_the_cli_exits_0_on_a_clean_run(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fake_run()
    code, errors = _cli(tmp_path, capfd)
    assert (code, errors) == (0, [])
