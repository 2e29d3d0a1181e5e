"""Failure paths through the real Docker engine (issue 14): what a measurement records, keeps and
cleans up when a build, a probe, the publish stage or the run itself fails. Marked `docker`.

The seam: test-only variants (tests/data/docker/) are added to `variants.BY_NAME` and `measure` runs
in this process, so production code keeps no test switch. The binary phase is skipped (it builds
nothing on the engine and `test_docker.py` measures it); everything else runs for real.
"""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from labreport import cli
from labreport.contract import invariants, schema, variants
from labreport.contract.inputs import inputs_hash
from labreport.contract.variants import BUILDER_REF, IMAGE, REPO_ROOT, Variant
from labreport.measure import phases, probe, record, run
from labreport.measure.engine import LABEL, Engine, free_port
from labreport.measure.lock import LockHeld, measurement_lock
from records import fake_measurements

pytestmark = pytest.mark.docker

DATA = "tests/data/docker"
BROKEN = Variant(
    name="broken", dockerfile=f"{DATA}/broken.Dockerfile", build_base="golang:1.25-alpine",
    runtime_base=None, flavour="stripped_trimpath", from_builder_stage=False, published=False,
    starts=True, summary="fails in Go's parser",
)  # fmt: skip
# Published: a run starts its registry only for a variant it pushes (the registry test below).
SLEEPER = Variant(
    name="sleeper", dockerfile=f"{DATA}/sleeper.Dockerfile", build_base="alpine:3.19",
    runtime_base="alpine:3.19", flavour="stripped_trimpath", from_builder_stage=False,
    published=True, starts=True, summary="starts, never answers, never healthy",
)  # fmt: skip
PROBE_SECONDS = 3.0
PREVIOUS = "previous data\n"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.connect()


def labelled_containers(engine: Engine) -> list[str]:
    return [c.id for c in engine.client.containers.list(all=True, filters={"label": LABEL})]


def _quick(patch: pytest.MonkeyPatch, *extra: Variant) -> None:
    """Test variants known to the CLI and the run; no binary phase; a probe that gives up sooner."""
    for variant in extra:
        patch.setitem(variants.BY_NAME, variant.name, variant)
    patch.setattr(phases, "binaries", lambda run, step: None)
    # Without the binary phase and with variants the invariants do not know, their checks cannot
    # hold; test_docker.py's full run and tests/test_invariants.py check them.
    patch.setattr(invariants, "check", lambda data: [])
    patch.setattr(probe, "first_ok", functools.partial(probe.first_ok, seconds=PROBE_SECONDS))
    # cli.main routes SIGTERM to KeyboardInterrupt; pytest's own handler comes back afterwards.
    patch.setattr(signal, "signal", lambda signum, handler: None)


def _wait_for_the_lock(seconds: float = 1200) -> None:
    """The engine is shared: another measurement may hold it (exit 5); wait for it to finish."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with measurement_lock():
                return
        except LockHeld:
            if time.monotonic() > deadline:
                raise
            time.sleep(5)


def _measure_in_process(output: Path, *arguments: str) -> tuple[int, str]:
    argv = ["measure", "--plain", "--force", "--repeat", "1", "--output", str(output), *arguments]
    while True:
        _wait_for_the_lock()
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = cli.main(argv)
        if code != 5:  # 5: another run took the lock between our wait and our start
            return code, stderr.getvalue()


def _hide(command: str) -> Callable[..., str | None]:
    which = shutil.which

    def hidden(name: str, *args: Any, **kwargs: Any) -> str | None:
        return None if name == command else which(name, *args, **kwargs)

    return hidden


# -- a variant that fails, one that never answers, a registry that cannot start: one run -----------


@pytest.fixture(scope="module")
def mixed(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, str, schema.Measurements]]:
    output = tmp_path_factory.mktemp("mixed") / "measurements.json"
    with pytest.MonkeyPatch.context() as patch:
        _quick(patch, BROKEN, SLEEPER)
        patch.setattr(shutil, "which", _hide("docker-registry"))
        only = ["--only", "broken", "--only", "sleeper", "--only", "scratch"]
        code, stderr = _measure_in_process(output, *only)
    try:
        assert output.exists(), stderr[-3000:]
        yield code, stderr, schema.load(output)
    finally:
        engine.remove_image(SLEEPER.ref)


def test_a_failing_variant_keeps_the_compilers_words_and_the_others_are_measured(
    mixed: tuple[int, str, schema.Measurements],
) -> None:
    code, stderr, measurements = mixed
    assert code == 1, stderr[-3000:]
    (broken,) = [failure for failure in measurements.failures if failure.variant == "broken"]
    assert broken.phase == "build" and "non-zero code" in broken.error
    assert any("expected '}'" in line for line in broken.output_tail), broken.output_tail
    assert "broken" not in {image.variant for image in measurements.images}
    scratch = next(probe for probe in measurements.probes if probe.variant == "scratch")
    assert scratch.started and scratch.health_body is not None and scratch.health_body["status"] == "healthy"


def test_a_probe_that_never_answers_is_a_timeout_not_a_hang(
    mixed: tuple[int, str, schema.Measurements],
) -> None:
    _, _, measurements = mixed
    (timeout,) = [failure for failure in measurements.failures if failure.variant == "sleeper"]
    assert timeout.phase == "probe" and f"within {PROBE_SECONDS:.0f}s" in timeout.error
    assert "sleeper" in {image.variant for image in measurements.images}, "its sizes still stand"
    assert "sleeper" not in {probe.variant for probe in measurements.probes}


def test_a_registry_that_cannot_start_fails_publish_and_the_rest_stands(
    mixed: tuple[int, str, schema.Measurements], engine: Engine
) -> None:
    _, _, measurements = mixed
    (publish,) = [failure for failure in measurements.failures if failure.phase == "publish"]
    assert "docker-registry is missing" in publish.error
    assert measurements.publish == []
    assert {"scratch", "sleeper"} <= {image.variant for image in measurements.images}
    assert labelled_containers(engine) == []


def test_a_health_check_stuck_at_starting_is_reported_so(engine: Engine) -> None:
    tag = f"{IMAGE}:sleeper-health"
    try:
        build = engine.build(REPO_ROOT, dockerfile=SLEEPER.dockerfile, tag=tag)
        port = free_port()
        started = time.monotonic()
        with engine.container(build.image_id, ports={"8080/tcp": port}) as container:
            assert probe.healthcheck_status(container, seconds=2) == "starting"
            with pytest.raises(RuntimeError, match="did not answer 200 within 1s"):
                probe.first_ok(port, time.monotonic(), seconds=1)
        assert time.monotonic() - started < 20
    finally:
        engine.remove_image(tag)
    assert labelled_containers(engine) == []


def test_a_second_engine_that_cannot_start_fails_publish(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", _hide("dockerd"))
    measurement = record.Run(engine=engine, options=record.Options(only=[], output=tmp_path / "m.json"))
    # An image in the registry waits for its pulls: the daemon they need is the one that cannot start.
    measurement.pushed.append(
        record.Pushed(
            variant="alpine", target="127.0.0.1:1/x:alpine", digest="", compressed_size=0, docker_hub=None
        )
    )
    measurement.attempt("publish", None, phases.time_pulls, measurement, "127.0.0.1:1")
    (failure,) = measurement.failures
    assert failure.phase == "publish" and "dockerd is missing" in failure.error
    assert shutil.which("dockerd") is None  # what registry.fresh_daemon looked up


# -- the builder stage fails: nothing that copies from it is measured (issue 9) --------------------


@pytest.fixture(scope="module")
def failed_builder(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[int, str, list[schema.Measurements], Path]:
    """A build context whose Go code embeds a file .dockerignore keeps out: the builder stage, and
    the primary Dockerfile with it, fail; the previous run's builder image is still tagged."""
    context = tmp_path_factory.mktemp("context")
    for name in ("Dockerfile", ".dockerignore"):
        shutil.copy(REPO_ROOT / name, context / name)
    for directory in ("variants", "app"):
        shutil.copytree(REPO_ROOT / directory, context / directory)
    (context / "app" / "notes.txt").write_text("kept out of the build context by .dockerignore\n")
    (context / "app" / "embed.go").write_text(
        'package main\n\nimport _ "embed"\n\n//go:embed notes.txt\nvar notes string\n'
    )
    output = tmp_path_factory.mktemp("failed-builder") / "measurements.json"
    output.write_text(PREVIOUS)
    measured: list[schema.Measurements] = []
    measure = run.measure

    def recording(options: record.Options) -> schema.Measurements | None:
        result = measure(options)
        if result is not None:
            measured.append(result)
        return result

    with pytest.MonkeyPatch.context() as patch:
        _quick(patch)
        patch.setattr(phases, "ROOT", context)
        patch.setattr(run, "measure", recording)
        code, stderr = _measure_in_process(output, "--no-publish", "--only", "alpine", "--only", "scratch")
    return code, stderr, measured, output


def test_a_failed_builder_fails_every_variant_that_copies_from_it(
    failed_builder: tuple[int, str, list[schema.Measurements], Path],
) -> None:
    _, stderr, measured, _ = failed_builder
    (measurements,) = measured
    failures = {failure.variant: failure for failure in measurements.failures}
    assert set(failures) == {"builder", "alpine", "scratch"}, stderr[-3000:]
    assert any("no matching files" in line for line in failures["builder"].output_tail)
    assert BUILDER_REF in failures["scratch"].error
    assert measurements.images == [] or all(image.role == "base" for image in measurements.images)
    assert measurements.probes == [] and measurements.surfaces == [] and measurements.efficiency == []


def test_nothing_measurable_leaves_the_data_file_as_it_was(
    failed_builder: tuple[int, str, list[schema.Measurements], Path],
) -> None:
    code, stderr, _, output = failed_builder
    assert code == 1
    assert "left as it was" in stderr
    assert output.read_text() == PREVIOUS


# -- the run itself: SIGTERM mid-build, and nothing to do ------------------------------------------


def _labreport(*arguments: str, **options: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "labreport", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **options,
    )


def _new_project_dangling(engine: Engine, before: set[str], since: str) -> list[str]:
    project = set(engine.images_labelled(LABEL))
    fresh = (set(engine.dangling_images()) - before) & project
    return [image for image in fresh if engine.client.images.get(image).attrs["Created"][:19] >= since]


def test_sigterm_during_a_build_cleans_up_like_ctrl_c(engine: Engine, tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    output.write_text(PREVIOUS)
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    dangling_before = set(engine.dangling_images())
    containers_before = engine.container_ids()
    arguments = ["measure", "--plain", "--force", "--repeat", "1", "--no-publish", "--only", "alpine"]
    _wait_for_the_lock()
    process = _labreport(*arguments, "--output", str(output))
    assert process.stdout is not None
    try:
        # The timings phase starts with a build that uses no cache: a long step to interrupt.
        for line in process.stdout:
            if "build timings" in line:
                break
        else:
            pytest.fail("the run ended before its timed builds")
        time.sleep(4)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert labelled_containers(engine) == []
    # Were the daemon still running the interrupted step, its image would appear after the run
    # ended: wait for any build container to go before looking.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and engine.container_ids() - containers_before:
        time.sleep(0.5)
    assert _new_project_dangling(engine, dangling_before, since) == []
    assert output.read_text() == PREVIOUS


def test_current_inputs_exit_0_and_touch_nothing(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    recorded = fake_measurements()
    current = recorded.provenance.model_copy(update={"inputs_hash": inputs_hash()})
    schema.save(recorded.model_copy(update={"provenance": current}), output)
    before = output.stat().st_mtime_ns, output.read_bytes()
    process = _labreport("measure", "--plain", "--output", str(output))
    stdout, _ = process.communicate(timeout=120)
    assert process.returncode == 0, stdout
    assert "is current" in stdout
    assert (output.stat().st_mtime_ns, output.read_bytes()) == before
    assert not (tmp_path / "status.json").exists() and sorted(tmp_path.iterdir()) == [output]
