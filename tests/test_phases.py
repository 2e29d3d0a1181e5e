"""Unit tests of the phases and the probe that need no engine: the lists built from the schema's
Literals, and a probe read through a fake container (conftest)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any, cast, get_args

import pytest

from conftest import FakeDockerFactory
from labreport.contract.schema import BuildKind, Flavour
from labreport.contract.variants import BY_NAME
from labreport.measure import phases, probe, registry
from labreport.measure.buildlog import ImageInfo
from labreport.measure.buildlog import Layer as HistoryLayer
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


class _Pushes:
    """An engine that records its pushes (what `_docker_hub` calls)."""

    def __init__(self) -> None:
        self.pushed: list[tuple[str, str, dict[str, str] | None]] = []

    def push(self, ref: str, target: str, auth: dict[str, str] | None = None) -> str:
        self.pushed.append((ref, target, auth))
        return "sha256:digest"


def _run_with_pushes() -> tuple[Any, _Pushes]:
    engine = _Pushes()
    run = SimpleNamespace(engine=engine, built={"alpine": SimpleNamespace(image_id="sha256:built")})
    return run, engine


def test_docker_hub_push_uses_both_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKERHUB_USERNAME", "someone")
    monkeypatch.setenv("DOCKERHUB_TOKEN", "t0ken")
    run, engine = _run_with_pushes()
    assert phases._docker_hub(run, "alpine") == "someone/devops-info-service:alpine"
    assert engine.pushed == [
        ("sha256:built", "someone/devops-info-service:alpine", {"username": "someone", "password": "t0ken"})
    ]


@pytest.mark.parametrize(
    ("user", "token"), [("someone", None), (None, "t0ken"), (None, None), ("", "t0ken"), ("someone", "")]
)
def test_docker_hub_push_needs_both_credentials(
    monkeypatch: pytest.MonkeyPatch, user: str | None, token: str | None
) -> None:
    for name, value in (("DOCKERHUB_USERNAME", user), ("DOCKERHUB_TOKEN", token)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    run, engine = _run_with_pushes()
    assert phases._docker_hub(run, "alpine") is None
    assert engine.pushed == []


def _info(*sizes: int) -> ImageInfo:
    return ImageInfo(
        ref="img:1",
        id="sha256:1",
        size=sum(sizes),
        labels={},
        user="",
        command=(),
        workdir="/",
        layers=tuple(HistoryLayer(instruction=f"step {n}", size=size) for n, size in enumerate(sizes)),
    )


def test_compressed_sizes_go_to_the_entries_that_add_a_layer() -> None:
    # Three history entries; the first and the last add a layer (the middle one, a 0 B ENV, does not).
    layers = phases._layers_with_compressed(_info(100, 0, 50), [True, False, True], [40, 20])
    assert [(layer.size, layer.compressed_size) for layer in layers] == [(100, 40), (0, None), (50, 20)]


def test_history_and_archive_that_do_not_line_up_are_refused() -> None:
    # One entry more in the flags than in the history (the adding count still matches the archive).
    with pytest.raises(ValueError) as raised:
        phases._layers_with_compressed(_info(100, 50), [True, True, False], [40, 20])
    assert str(raised.value) == (
        "img:1: 2 history entries and 2 archive layers do not line up (2 of 3 entries add a layer)"
    )
    with pytest.raises(ValueError, match=r"1 of 2 entries add a layer"):
        phases._layers_with_compressed(_info(100, 50), [True, False], [40, 20])


class _Node:
    """The fresh daemon of the publish phase: each pull takes the next of `seconds`."""

    def __init__(self, seconds: list[float]) -> None:
        self.seconds = seconds
        self.pulled: list[str] = []
        self.timer = SimpleNamespace(seconds=2.5)

    def timed_pull(self, ref: str) -> float:
        self.pulled.append(ref)
        return self.seconds[len(self.pulled) - 1]


def test_publish_records_the_manifests_size_the_digest_and_each_pull(monkeypatch: pytest.MonkeyPatch) -> None:
    node = _Node([0.41, 0.38, 0.47])

    @contextlib.contextmanager
    def local_registry() -> Iterator[str]:
        yield "127.0.0.1:5999"

    @contextlib.contextmanager
    def fresh_daemon() -> Iterator[_Node]:
        yield node

    sizes = {("127.0.0.1:5999", "devops-info-service", "alpine"): 4_278_167}
    monkeypatch.setattr(registry, "local_registry", local_registry)
    monkeypatch.setattr(registry, "fresh_daemon", fresh_daemon)
    monkeypatch.setattr(registry, "manifest_size", lambda *where: sizes[where])
    monkeypatch.setenv("DOCKERHUB_USERNAME", "someone")
    monkeypatch.setenv("DOCKERHUB_TOKEN", "t0ken")
    engine = _Pushes()
    engine.timer = SimpleNamespace(seconds=10.0)  # type: ignore[attr-defined]
    built = {name: SimpleNamespace(image_id=f"sha256:{name}") for name in ("alpine", "scratch")}
    run = SimpleNamespace(
        engine=engine, built=built, options=SimpleNamespace(repeat=3), publish=[], pushed=[]
    )
    # scratch is built but not one of the published variants; single-stage is published but not built.
    phases.publish(cast(Any, run), [BY_NAME["alpine"], BY_NAME["scratch"], BY_NAME["single-stage"]])
    assert engine.pushed == [
        ("sha256:alpine", "127.0.0.1:5999/devops-info-service:alpine", None),
        ("sha256:alpine", "someone/devops-info-service:alpine", {"username": "someone", "password": "t0ken"}),
    ]
    assert node.pulled == ["127.0.0.1:5999/devops-info-service:alpine"] * 3
    (published,) = run.publish
    assert (published.variant, published.pushed_ref, published.digest) == (
        "alpine",
        "devops-info-service:alpine",
        "sha256:digest",
    )
    assert published.compressed_size == 4_278_167, "the manifest's size, as the registry answered it"
    assert (published.pull_seconds.median, published.pull_seconds.min, published.pull_seconds.max) == (
        0.41,
        0.38,
        0.47,
    )
    assert published.docker_hub == "someone/devops-info-service:alpine"
    assert (engine.timer.seconds, node.timer.seconds) == (12.5, 0.0)  # type: ignore[attr-defined]


class _RecordingEngine:
    """Records the legacy builder's calls (the real engine's own test builds for real)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def build(self, context: Any, **given: Any) -> Any:
        self.calls.append({"context": context, **given})
        return SimpleNamespace(image_id="sha256:" + "b" * 64, log=())


def test_a_variants_build_args_reach_the_legacy_build_beside_the_builder_image() -> None:
    from dataclasses import replace

    from labreport.contract.variants import BUILDER_TARGET, PRIMARY, ROOT, SCRATCH
    from labreport.measure.record import Options, Run

    engine = _RecordingEngine()
    run = Run(engine=cast(Any, engine), options=Options(only=[], output=ROOT / "unused.json"))
    phases.build_builder(run)
    variant = replace(BY_NAME[SCRATCH], build_args={"VERSION": "9.9.9"})
    phases.build_variant(run, variant)
    builder, built = engine.calls
    assert (builder["target"], builder["dockerfile"]) == (BUILDER_TARGET, BY_NAME[PRIMARY].dockerfile)
    assert builder["context"] == ROOT
    assert built["buildargs"] == {"VERSION": "9.9.9", "BUILD_STAGE_IMAGE": "sha256:" + "b" * 64}


class _PlainNotFound(BaseHTTPRequestHandler):
    """Answers as Go's ServeMux does for a path no route matches: plain text, not JSON."""

    def do_GET(self) -> None:
        body = b"404 page not found\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_plain_text_404_is_its_status_with_no_body() -> None:
    """The example's service has no catch-all route: its 404 is Go's own text, which stopped the
    probe of every variant ("Extra data: line 1 column 5")."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PlainNotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert probe.http(server.server_address[1], "/does-not-exist") == (404, None)
    finally:
        server.shutdown()
        server.server_close()
