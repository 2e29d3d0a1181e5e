"""The measurement run: build, run, probe and analyse every variant into data/measurements.json.

Phases run in order; a failing variant is recorded and the others are still measured.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import posixpath
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from docker.errors import DockerException

from .. import spec
from ..inputs import inputs_hash
from ..schema import (
    BaseImage,
    Binary,
    BuildKind,
    BuildTiming,
    Efficiency,
    EngineFacts,
    Failure,
    Flavour,
    ImageSize,
    Layer,
    Lint,
    Measurements,
    Probe,
    Provenance,
    Publish,
    Role,
    StepTiming,
    Surface,
)
from ..variants import BUILDER_REF, BY_NAME, IMAGE, PRIMARY, REPO_ROOT, VARIANTS, Variant
from . import analysis, engine, standins, tools
from .engine import Build, Engine
from .progress import Progress

T = TypeVar("T")
P = ParamSpec("P")

BINARY_FLAVOURS: tuple[tuple[Flavour, list[str], bool], ...] = (
    ("default", [], False),
    ("stripped", ["-ldflags=-s -w"], False),
    ("stripped_trimpath", ["-ldflags=-s -w", "-trimpath"], False),
    ("cgo", ["-ldflags=-s -w"], True),
)
PUBLISHED = (PRIMARY, "single-stage")


@dataclass(kw_only=True)
class Options:
    only: list[str]
    repeat: int = 3
    force: bool = False
    output: Path
    publish: bool = True
    progress: Progress = field(default_factory=Progress)


@dataclass(kw_only=True)
class Run:
    """What the phases collect; turned into `Measurements` at the end."""

    engine: Engine
    options: Options
    failures: list[Failure] = field(default_factory=list)
    bases: dict[str, BaseImage] = field(default_factory=dict)
    built: dict[str, Build] = field(default_factory=dict)
    images: list[ImageSize] = field(default_factory=list)
    builds: list[BuildTiming] = field(default_factory=list)
    cold_log: list[str] = field(default_factory=list)
    binaries: list[Binary] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    surfaces: list[Surface] = field(default_factory=list)
    efficiency: list[Efficiency] = field(default_factory=list)
    lint: list[Lint] = field(default_factory=list)
    publish: list[Publish] = field(default_factory=list)

    def attempt(self, phase: str, variant: str | None, action: Callable[P, T],
                *args: P.args, **kwargs: P.kwargs) -> T | None:
        """Runs one piece of work; a failure is recorded, not raised, so the others go on."""
        try:
            return action(*args, **kwargs)
        except (RuntimeError, OSError, ValueError, KeyError, DockerException) as error:
            message = " ".join(str(error).split()) or type(error).__name__
            self.failures.append(Failure(phase=phase, variant=variant, error=message))
            self.options.progress.say(f"FAILED {phase} {variant or ''}: {message}")
            return None


def is_up_to_date(output: Path, current_hash: str) -> bool:
    if not output.exists():
        return False
    try:
        recorded = json.loads(output.read_text())["provenance"]["inputs_hash"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(recorded == current_hash)


def measure(options: Options) -> Measurements | None:
    """Runs every phase; returns None when the recorded data is current and --force is not given."""
    current_hash = inputs_hash()
    if not options.force and not options.only and is_up_to_date(options.output, current_hash):
        options.progress.say(f"{options.output} is current (inputs {current_hash}); --force re-measures")
        return None
    started = time.monotonic()
    docker_engine = Engine.connect()
    run = Run(engine=docker_engine, options=options)
    variants = [BY_NAME[name] for name in options.only] if options.only else list(VARIANTS)
    progress = options.progress
    dangling_before = set(docker_engine.dangling_images())
    try:
        with progress.phase("base images"):
            for ref in sorted({base for variant in variants for base in variant.bases}
                              | set(BY_NAME[PRIMARY].bases)):
                base = run.attempt("bases", None, standins.ensure_base, docker_engine, ref,
                                   echo=lambda text: None)
                if base is not None:
                    run.bases[ref] = base
        with progress.phase("lint (hadolint)"):
            for variant in variants:
                run.attempt("lint", variant.name, _lint, run, variant)
        with progress.phase("binary built four ways"):
            run.attempt("binaries", None, _binaries, run)
        with progress.phase("builds"):
            run.attempt("build", "builder", _build_builder, run)
            for variant in variants:
                run.attempt("build", variant.name, _build_variant, run, variant)
        if PRIMARY in run.built:
            with progress.phase(f"build timings ({options.repeat} repeats)"):
                run.attempt("timings", PRIMARY, _timings, run, BY_NAME[PRIMARY])
        for variant in variants:
            if variant.name not in run.built:
                continue
            with progress.phase(f"analyse {variant.name}"):
                run.attempt("sizes", variant.name, _analyse, run, variant.ref, "variant", variant.name)
            with progress.phase(f"probe {variant.name}"):
                run.attempt("probe", variant.name, _probe, run, variant)
        with progress.phase("base and builder sizes"):
            for ref in run.bases:
                run.attempt("sizes", ref, _analyse, run, ref, "base", None)
            run.attempt("sizes", BUILDER_REF, _analyse, run, BUILDER_REF, "builder", "builder")
        if options.publish:
            with progress.phase("publish to a local registry and time pulls"):
                run.attempt("publish", None, _publish, run, variants)
    finally:
        # Whatever happened above (a failure, Ctrl-C), nothing this run started stays behind.
        with contextlib.suppress(Exception):
            docker_engine.remove_leftovers()
        with contextlib.suppress(Exception):
            docker_engine.remove_images(set(docker_engine.dangling_images()) - dangling_before)
    return _assemble(run, current_hash, time.monotonic() - started)


# -- phases ----------------------------------------------------------------------------------


def _lint(run: Run, variant: Variant) -> None:
    findings = analysis.hadolint_findings(tools.hadolint(REPO_ROOT / variant.dockerfile))
    run.lint.append(Lint(dockerfile=variant.dockerfile, findings=findings))


def _binaries(run: Run) -> None:
    with tempfile.TemporaryDirectory(prefix="labreport-bin-") as scratch:
        for flavour, flags, cgo in BINARY_FLAVOURS:
            output = Path(scratch) / flavour
            tools.go_build(REPO_ROOT / "app", output, flags=flags, cgo=cgo)
            linking, interpreter = analysis.elf_linking(output.read_bytes())
            run.binaries.append(Binary(
                flavour=flavour,
                flags=" ".join(["CGO_ENABLED=1" if cgo else "CGO_ENABLED=0", *flags]),
                size=output.stat().st_size, linking=linking,
                interpreter=interpreter))


def _build(run: Run, variant: Variant, *, context: Path = REPO_ROOT, tag: str | None = None,
           nocache: bool = False) -> Build:
    buildargs = {"BUILD_STAGE_IMAGE": BUILDER_REF} if variant.uses_builder_image else {}
    return run.engine.build(context, dockerfile=variant.dockerfile, tag=tag or variant.ref,
                            buildargs=buildargs, nocache=nocache)


def _build_builder(run: Run) -> None:
    """The primary Dockerfile's builder stage, tagged: the variants that share it copy from it."""
    run.built["builder"] = run.engine.build(REPO_ROOT, tag=BUILDER_REF, target="builder")


def _build_variant(run: Run, variant: Variant) -> None:
    build = run.built[variant.name] = _build(run, variant)
    if variant.name == PRIMARY:
        run.cold_log = list(build.log)  # replaced by a truly cold build's log when timings run


@contextlib.contextmanager
def _edited_context(nonce: str) -> Iterator[Path]:
    """A temporary copy of the build context whose Go source differs by one comment line."""
    with tempfile.TemporaryDirectory(prefix="labreport-context-") as scratch:
        context = Path(scratch)
        for name in ("Dockerfile", ".dockerignore"):
            shutil.copy(REPO_ROOT / name, context / name)
        shutil.copytree(REPO_ROOT / "variants", context / "variants")
        shutil.copytree(REPO_ROOT / "app", context / "app")
        with (context / "app" / "main.go").open("a") as source:
            source.write(f"\n// rebuilt by the measurement: {nonce}\n")
        yield context


def _timings(run: Run, variant: Variant) -> None:
    repeat = run.options.repeat
    scratch_tag = f"{IMAGE}:timing"
    kinds: dict[BuildKind, list[Build]] = {"cold": [], "cached": [], "code_change": []}
    try:
        for index in range(repeat):
            cold = _build(run, variant, nocache=True, tag=scratch_tag)
            kinds["cold"].append(cold)
            if index == 0:
                run.cold_log = list(cold.log)
            kinds["cached"].append(_build(run, variant))
            with _edited_context(f"{time.time_ns()}") as context:
                kinds["code_change"].append(_build(run, variant, context=context, tag=scratch_tag))
    finally:
        run.engine.remove_image(scratch_tag)
    for kind, builds in kinds.items():
        steps = [
            StepTiming(number=step.number, instruction=step.instruction,
                       seconds=analysis.spread(build.steps[position].seconds for build in builds),
                       cached=all(build.steps[position].cached for build in builds))
            for position, step in enumerate(builds[0].steps)
        ]
        run.builds.append(BuildTiming(variant=variant.name, kind=kind,
                                      total=analysis.spread(build.seconds for build in builds),
                                      steps=steps))


def _analyse(run: Run, ref: str, role: Role, variant: str | None) -> None:
    """Sizes for every image; packages, files and efficiency for the variants and the builder."""
    info = run.engine.image(ref)
    if info is None:
        raise RuntimeError(f"{ref} is not on the engine")
    with tempfile.TemporaryDirectory(prefix="labreport-save-") as scratch:
        archive = Path(scratch) / "image.tar"
        run.engine.save_image(ref, archive)
        with tools.TIMER.measure():
            compressed = sum(analysis.compressed_layer_sizes(archive))
        run.images.append(ImageSize(
            ref=ref, role=role, variant=variant if role == "variant" else None,
            image_id=info.id,
            size=info.size, compressed_size=compressed,
            layers=[Layer(instruction=layer.instruction, size=layer.size) for layer in info.layers]))
        if variant is None:
            return
        packages = analysis.syft_package_count(tools.syft(archive))
        score, wasted = analysis.dive_efficiency(tools.dive(archive, Path(scratch) / "dive.json"))
    program = posixpath.join(info.workdir, info.command[0]) if info.command else ""
    facts = analysis.surface_facts(run.engine.export_files(ref), posixpath.normpath(program))
    run.surfaces.append(Surface(variant=variant, packages=packages, user=info.user or "root", **facts))
    run.efficiency.append(Efficiency(variant=variant, score=score, wasted_bytes=wasted))


def _http(port: int, path: str) -> tuple[int, Any]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"User-Agent": "labreport-probe"})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _probe(run: Run, variant: Variant) -> None:
    port = engine.free_port()
    # All of it is waiting on the container or on Docker's own health check: not our overhead.
    with run.engine.container(variant.ref, ports={"8080/tcp": port}) as container, run.engine.timer.measure():
        run.probes.append(_observe(container, variant, port))


def _observe(container: Any, variant: Variant, port: int) -> Probe:
    started = time.monotonic()
    if not variant.starts:
        status = container.wait(timeout=60)
        logs = container.logs().decode(errors="replace").strip()
        return Probe(
            variant=variant.name, started=False, seconds_to_healthy=None, root_body=None,
            health_body=None, not_found_status=None, not_found_body=None, spec_problems=[],
            process_uid=None, healthcheck_status=None, memory_bytes=None, stop_seconds=None,
            exit_code=int(status["StatusCode"]), error_text=logs, logs=logs.splitlines())
    seconds_to_healthy = _first_ok(port, started)
    _, root = _http(port, "/")
    _, health = _http(port, "/health")
    not_found_status, not_found = _http(port, "/does-not-exist")
    top = container.top(ps_args="-o pid,uid")
    uid = int(top["Processes"][0][top["Titles"].index("UID")])
    healthcheck = _healthcheck_status(container)
    memory = analysis.container_memory(container.stats(stream=False))
    stop_started = time.monotonic()
    container.stop(timeout=10)
    stop_seconds = time.monotonic() - stop_started
    container.reload()
    logs = container.logs().decode(errors="replace").splitlines()
    return Probe(
        variant=variant.name, started=True, seconds_to_healthy=round(seconds_to_healthy, 3),
        root_body=root, health_body=health, not_found_status=not_found_status,
        not_found_body=not_found, spec_problems=spec.problems(root, health), process_uid=uid,
        healthcheck_status=healthcheck, memory_bytes=memory, stop_seconds=round(stop_seconds, 3),
        exit_code=int(container.attrs["State"]["ExitCode"]), error_text=None, logs=logs[-20:])


def _first_ok(port: int, started: float, seconds: float = 30.0) -> float:
    while time.monotonic() - started < seconds:
        with contextlib.suppress(OSError, ValueError):
            if _http(port, "/health")[0] == 200:
                return time.monotonic() - started
        time.sleep(0.01)
    raise RuntimeError(f"/health did not answer 200 within {seconds:.0f}s")


def _healthcheck_status(container: Any, seconds: float = 30.0) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        container.reload()
        health = container.attrs["State"].get("Health")
        if health is None:
            return None
        if health["Status"] != "starting":
            return str(health["Status"])
        time.sleep(0.25)
    return "starting"


def _publish(run: Run, variants: list[Variant]) -> None:
    names = [variant.name for variant in variants if variant.name in PUBLISHED and variant.name in run.built]
    with engine.local_registry() as registry, engine.fresh_daemon() as node:
        for name in names:
            target = f"{registry}/{IMAGE}:{name}"
            digest = engine.push(run.engine, BY_NAME[name].ref, target)
            compressed = engine.manifest_size(registry, IMAGE, name)
            pulls = [engine.timed_pull(node, target) for _ in range(run.options.repeat)]
            run.engine.timer.seconds += node.timer.seconds
            node.timer.seconds = 0.0
            run.publish.append(Publish(variant=name, pushed_ref=target.split("/", 1)[1], digest=digest,
                                       compressed_size=compressed, pull_seconds=analysis.spread(pulls),
                                       docker_hub=_docker_hub(run, name)))


def _docker_hub(run: Run, name: str) -> str | None:
    """Pushes to Docker Hub when its credentials are in the environment; the token is never printed."""
    user, token = os.environ.get("DOCKERHUB_USERNAME"), os.environ.get("DOCKERHUB_TOKEN")
    if not user or not token:
        return None
    target = f"{user}/{IMAGE}:{name}"
    engine.push(run.engine, BY_NAME[name].ref, target, auth={"username": user, "password": token})
    return target


# -- the data file ---------------------------------------------------------------------------


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    return result.stdout.strip()


def _assemble(run: Run, current_hash: str, seconds: float) -> Measurements:
    facts = run.engine.facts()
    return Measurements(
        schema_version=1,
        provenance=Provenance(
            measured_at=datetime.now(UTC).replace(microsecond=0),
            git_commit=_git("rev-parse", "HEAD") or "unknown",
            git_dirty=bool(_git("status", "--porcelain", "--untracked-files=no")),
            engine=EngineFacts(**facts), builder="legacy (docker-py, no BuildKit)",
            host_os=f"{platform.system()} {platform.release()}", host_architecture=platform.machine(),
            cpu_count=os.cpu_count() or 0, python_version=platform.python_version(),
            go_version=standins.go_version(), bases=list(run.bases.values()),
            inputs_hash=current_hash, repeats=run.options.repeat, only=run.options.only,
            duration_seconds=round(seconds, 1), docker_seconds=round(run.engine.timer.seconds, 1),
            tool_seconds=round(tools.TIMER.seconds, 1)),
        images=run.images, builds=run.builds, cold_build_log=run.cold_log, binaries=run.binaries,
        probes=run.probes, surfaces=run.surfaces, efficiency=run.efficiency, lint=run.lint,
        publish=run.publish, failures=run.failures)

