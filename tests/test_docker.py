"""Through the real Docker engine: stand-ins, every variant built and run, a reduced measurement,
publishing to a local registry, and clean-up on Ctrl-C. Marked `docker`; CI runs them."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labreport.contract import schema
from labreport.contract.variants import VARIANTS
from labreport.measure import buildkit, standins
from labreport.measure.engine import LABEL, Engine
from labreport.measure.witness import NOT_HERE

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.connect()


def labelled_containers(engine: Engine) -> list[str]:
    return [c.id for c in engine.client.containers.list(all=True, filters={"label": LABEL})]


def run_measure(tmp: Path, *arguments: str) -> tuple[subprocess.CompletedProcess[str], schema.Measurements]:
    output = tmp / "measurements.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "labreport",
            "measure",
            "--plain",
            "--force",
            "--repeat",
            "1",
            "--output",
            str(output),
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert output.exists(), result.stderr[-3000:]
    return result, schema.load(output)


@pytest.fixture(scope="module")
def every_variant_file(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One reduced run over every variant: one repeat, with the publish phase; the file it wrote."""
    only = [argument for variant in VARIANTS for argument in ("--only", variant.name)]
    folder = tmp_path_factory.mktemp("all")
    result, _ = run_measure(folder, *only)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "measurements.json"


@pytest.fixture(scope="module")
def every_variant(every_variant_file: Path) -> schema.Measurements:
    return schema.load(every_variant_file)


def test_standins_are_labelled_and_reused(engine: Engine) -> None:
    for ref in ("alpine:3.19", "golang:1.25-alpine"):
        first = standins.ensure_base(engine, ref)
        started = time.monotonic()
        again = standins.ensure_base(engine, ref)
        assert again.image_id == first.image_id
        if first.source == "standin":
            assert time.monotonic() - started < 5, "an unchanged stand-in must be reused, not rebuilt"
            info = engine.image(ref)
            assert info is not None and info.labels["org.labreport.standin-for"] == ref


def test_a_nonroot_distroless_standin_runs_as_65532(engine: Engine) -> None:
    """The :nonroot family: the distroless stand-in with the user its tag sets, read back by the
    docker CLI (the witness), not by the recipe."""
    ref = "gcr.io/distroless/static:nonroot"
    base = standins.ensure_base(engine, ref, echo=lambda text: None)
    if base.source != "standin":
        pytest.skip(f"{ref} is a real image here ({base.source})")
    shown = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Config.User}} {{.Config.WorkingDir}}", ref],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split() == ["65532:65532", "/home/nonroot"]


def test_every_variant_builds_and_answers(every_variant: schema.Measurements) -> None:
    assert not every_variant.failures
    probes = {probe.variant: probe for probe in every_variant.probes}
    assert set(probes) == {variant.name for variant in VARIANTS}
    for variant in VARIANTS:
        probe = probes[variant.name]
        if variant.starts:
            assert probe.started and probe.health_body is not None
            assert probe.health_body["status"] == "healthy", variant.name
            assert probe.spec_problems == [], variant.name
            assert probe.process_uid not in (None, 0), f"{variant.name} runs as root"
        else:
            assert not probe.started and probe.exit_code != 0
            assert probe.error_text is not None and "no such file or directory" in probe.error_text


def test_primary_image_meets_the_course_challenge(every_variant: schema.Measurements) -> None:
    final = next(image for image in every_variant.images if image.variant == "alpine")
    assert final.size < 20 * 1000 * 1000, f"{final.size} bytes is over the course's 20 MB"
    probe = next(probe for probe in every_variant.probes if probe.variant == "alpine")
    assert probe.stop_seconds is not None and probe.stop_seconds < 2
    assert probe.exit_code == 0, "docker stop must be a graceful stop, not a kill"
    assert probe.healthcheck_status == "healthy"
    assert probe.not_found_status == 404


def test_measurement_covers_every_section(every_variant: schema.Measurements) -> None:
    kinds = {build.kind for build in every_variant.builds}
    assert kinds == {"cold", "cached", "code_change"}
    cached = next(build for build in every_variant.builds if build.kind == "cached")
    assert all(step.cached for step in cached.steps if step.instruction.startswith("RUN"))
    assert {binary.flavour for binary in every_variant.binaries} == {
        "default",
        "stripped",
        "stripped_trimpath",
        "cgo",
    }
    roles = {image.role for image in every_variant.images}
    assert roles == {"base", "builder", "variant"}
    assert all(image.compressed_size < image.size for image in every_variant.images if image.size > MiB)
    assert {publish.variant for publish in every_variant.publish} == {"alpine", "single-stage"}
    assert all(publish.digest.startswith("sha256:") for publish in every_variant.publish)
    assert every_variant.cold_build_log and every_variant.cold_build_log[0].startswith("Step 1/")


def test_buildkit_timings_cache_mounts_and_the_rebuild(every_variant: schema.Measurements) -> None:
    totals = {(b.variant, b.builder, b.kind): b.total.median for b in every_variant.builds}
    assert {key[1] for key in totals} == {"legacy", "buildkit"}
    # The cache mounts keep Go's build cache: a one-line change compiles one package, not the
    # standard library again.
    assert (
        totals["cache-mount", "buildkit", "code_change"] < 0.5 * totals["alpine", "buildkit", "code_change"]
    )
    assert every_variant.provenance.docker_cli_version
    # BuildKit's plain log, step by step; its first two steps run at once, so either prints first.
    assert every_variant.buildkit_cold_log[0].split()[0] in ("#1", "#2")
    assert any(line.startswith("#1 ") for line in every_variant.buildkit_cold_log)
    rebuild = every_variant.rebuild
    assert rebuild is not None and len(rebuild.builds) == 2
    first, second = rebuild.builds
    assert first.binary_sha256 == second.binary_sha256  # -trimpath -buildid=
    assert first.diff_ids[0] == second.diff_ids[0]  # the base's layers were not rebuilt


def _docker(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The docker CLI, not the SDK the measurement used: a witness of its own."""
    return subprocess.run([buildkit.cli(), *arguments], capture_output=True, text=True, check=False)


def test_every_image_the_data_names_is_on_the_engine(every_variant: schema.Measurements) -> None:
    """Issue 23: the primary variant's recorded ID was gone after a run; its tag named a later build."""
    named = {image.image_id: image.ref for image in every_variant.images}
    named |= {base.image_id: base.requested for base in every_variant.provenance.bases}
    assert every_variant.rebuild is not None
    named |= {build.image_id: "rebuild" for build in every_variant.rebuild.builds}
    # 6 variants, the builder, 4 bases and the rebuild's two builds from nothing (one ID if equal).
    assert len(named) >= 12
    inspected = _docker("image", "inspect", "--format", "{{.Id}}", *named)
    assert inspected.returncode == 0, inspected.stderr
    assert inspected.stdout.split() == list(named)
    # Under its tag, too: what a reader types is the name the report gives.
    tagged = [image.ref for image in every_variant.images]
    by_tag = _docker("image", "inspect", "--format", "{{.Id}}", *tagged)
    assert by_tag.stdout.split() == [image.image_id for image in every_variant.images], by_tag.stderr


def test_the_rebuilds_binary_hash_is_the_binary_docker_cp_reads(
    every_variant: schema.Measurements, tmp_path: Path
) -> None:
    """The hash the measurement read through the SDK's export, against `docker create` + `docker cp`."""
    assert every_variant.rebuild is not None
    for number, build in enumerate(every_variant.rebuild.builds, start=1):
        created = _docker("create", "--label", f"{LABEL}=1", build.image_id)
        assert created.returncode == 0, created.stderr
        container = created.stdout.strip()
        try:
            copied = tmp_path / f"program-{number}"
            result = _docker("cp", f"{container}:/app/devops-info-service", str(copied))
            assert result.returncode == 0, result.stderr
        finally:
            _docker("rm", "--force", container)
        assert build.binary_sha256 == f"sha256:{hashlib.sha256(copied.read_bytes()).hexdigest()}"
        assert copied.stat().st_size > MiB  # the program, not a symlink or a stub


def _verify(data: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "labreport", "verify", "--data", str(data)]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


def test_verify_agrees_with_a_fresh_run_and_names_a_byte_and_a_layer(
    every_variant: schema.Measurements, every_variant_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Issue 21: `labreport verify` after a real measurement, before a later run replaces its images."""
    data = every_variant_file
    result = _verify(data)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "DIFFERS" not in result.stdout and NOT_HERE not in result.stdout
    # Every figure that names an image is checked: per image its size, layer count and each layer's
    # size; per stand-in base three labels; per rebuild its binary and each diff ID. Pushes need
    # --registry (the measurement's registry stopped with it).
    assert every_variant.rebuild is not None
    expected = sum(2 + len(image.layers) for image in every_variant.images)
    expected += sum(3 if base.source == "standin" else 1 for base in every_variant.provenance.bases)
    expected += sum(1 + len(build.diff_ids) for build in every_variant.rebuild.builds)
    pushes = len(every_variant.publish)
    skipped = f"; {pushes} push(es) skipped (registry not running)" if pushes else ""
    assert (
        result.stdout.splitlines()[-1] == f"{expected} figure(s) checked: {expected} agree, 0 differ{skipped}"
    )

    # A copy with the primary image a byte bigger and one of its layers gone, edited as JSON.
    raw = json.loads(data.read_text())
    index = next(i for i, image in enumerate(raw["images"]) if image["variant"] == "alpine")
    image = raw["images"][index]
    instructions = [layer["instruction"] for layer in image["layers"]]
    gone = next(
        i for i, text in enumerate(instructions) if text.startswith("RUN ") and instructions.count(text) == 1
    )
    image["size"] += 1
    del image["layers"][gone]
    changed = tmp_path_factory.mktemp("changed") / "measurements.json"
    changed.write_text(json.dumps(raw))
    result = _verify(changed)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    # The engine's side, read by the test's own docker CLI call.
    size = _docker("image", "inspect", "--format", "{{.Size}}", image["image_id"]).stdout.strip()
    at = f"/images/{index}"
    lines = result.stdout.splitlines()
    assert f"  DIFFERS  {at}/size  recorded {int(size) + 1} bytes; on this engine {size} bytes" in lines
    count = len(instructions)
    assert f"  DIFFERS  {at}/layers  recorded {count - 1} layers; on this engine {count} layers" in lines
    missing = [line for line in lines if line.startswith(f"  DIFFERS  {at}/layers  recorded no such layer")]
    assert len(missing) == 1 and f"on this engine layer {gone}, " in missing[0], missing
    assert instructions[gone] in missing[0]
    assert sum(line.startswith("  DIFFERS ") for line in lines) == 3
    assert result.stderr == f"labreport: 3 figure(s) differ from this engine: {at}/size, {at}/layers\n"


def test_run_leaves_nothing_behind(engine: Engine, every_variant: schema.Measurements) -> None:
    assert labelled_containers(engine) == []
    # The second daemon of the publish phase must leave the first engine's bridge alone.
    version = ["/app/devops-info-service", "-version"]
    with engine.container("devops-info-service:alpine", command=version) as container:
        assert container.wait(timeout=30) == 0
    tags = {tag for image in engine.client.images.list() for tag in image.tags}
    assert not any(":timing" in tag or ":buildkit" in tag or tag.startswith("127.0.0.1:") for tag in tags)


def test_ctrl_c_removes_the_running_container(engine: Engine, tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    output.write_text("previous data\n")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "labreport",
            "measure",
            "--plain",
            "--force",
            "--repeat",
            "1",
            "--no-publish",
            "--only",
            "alpine",
            "--output",
            str(output),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline and not labelled_containers(engine):
            if process.poll() is not None:
                pytest.fail("the run ended before any container started:\n" + process.stdout.read())
            time.sleep(0.05)
        assert labelled_containers(engine), "no labelled container appeared"
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert labelled_containers(engine) == []
    assert output.read_text() == "previous data\n", "an interrupted run must leave the data file as it was"


def test_no_engine_is_one_line_and_exit_3(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "labreport", "measure", "--force", "--output", str(tmp_path / "m.json")],
        capture_output=True,
        text=True,
        env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"},
        check=False,
    )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DOCKER_HOST" in lines[0]


def test_broken_dockerfile_is_recorded_and_exits_nonzero(tmp_path: Path, engine: Engine) -> None:
    from labreport.measure.buildlog import BuildFailed

    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\nRUN exit 7\n")
    with pytest.raises(BuildFailed) as failure:
        engine.build(tmp_path, tag="devops-info-service:broken-test")
    assert "returned a non-zero code: 7" in str(failure.value)
    assert engine.image("devops-info-service:broken-test") is None


def test_committed_data_file_is_valid() -> None:
    measurements = schema.load()
    assert measurements.schema_version == schema.SCHEMA_VERSION
    assert json.loads(schema.SCHEMA_FILE.read_text()) == json.loads(schema.json_schema_text())
