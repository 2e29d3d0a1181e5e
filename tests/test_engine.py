"""Unit tests of the engine: connecting, and containers through a fake Docker client (conftest)."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from conftest import FakeContainer, FakeDockerFactory
from labreport.measure import engine
from labreport.measure.buildlog import BuildFailed
from labreport.measure.engine import LABEL, Engine, EngineError, EngineUnavailable


def test_free_port_is_bindable_and_not_one_in_use() -> None:
    first = engine.free_port()
    assert 0 < first < 65536
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", first))  # raises OSError if the port were taken
        holder.listen()
        second = engine.free_port()
        assert second != first
        with socket.socket() as server:
            server.bind(("127.0.0.1", second))


def test_connect_to_a_missing_socket_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    with pytest.raises(EngineUnavailable) as raised:
        Engine.connect("unix:///nonexistent.sock")
    message = str(raised.value)
    assert "dockerd" in message or "DOCKER_HOST" in message
    assert "\n" not in message


def test_connect_error_names_the_endpoint_it_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    with pytest.raises(EngineUnavailable, match=re.escape("/nonexistent.sock")):
        Engine.connect("unix:///nonexistent.sock")


def test_container_is_labelled_started_and_removed(fake_docker: FakeDockerFactory) -> None:
    fake = fake_docker()
    container, docker_engine, client = fake.container, fake.engine, fake.client
    with docker_engine.container("img:1", ports={"8080/tcp": 49152}, environment={"A": "1"}) as inside:
        assert inside.id == container.id
        assert container.started
        assert container.removals == []
    ((ref, options),) = client.containers.created
    assert ref == "img:1"
    assert options["labels"] == {LABEL: "1"}
    assert options["ports"] == {"8080/tcp": ("127.0.0.1", 49152)}
    assert options["environment"] == {"A": "1"}
    assert container.removals == [{"force": True}]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_container_is_removed_when_the_block_raises(
    error: BaseException, fake_docker: FakeDockerFactory
) -> None:
    fake = fake_docker()
    container, docker_engine = fake.container, fake.engine
    with pytest.raises(type(error)), docker_engine.container("img:1"):
        raise error
    assert container.removals == [{"force": True}]


def test_container_is_removed_when_start_fails(fake_docker: FakeDockerFactory) -> None:
    fake = fake_docker(fail_start=True)
    container, docker_engine = fake.container, fake.engine
    # The SDK's error leaves the engine as the engine's own, so callers need no `docker` import.
    with pytest.raises(EngineError, match="cannot start container"), docker_engine.container("img:1"):
        pytest.fail("the block must not run when the container did not start")
    assert container.removals == [{"force": True}]


def test_container_not_started_when_start_false_and_already_removed_is_tolerated(
    fake_docker: FakeDockerFactory,
) -> None:
    fake = fake_docker(already_gone=True)
    container, docker_engine = fake.container, fake.engine
    with docker_engine.container("img:1", start=False) as inside:
        assert inside.started_at is None
    assert not container.started
    assert container.removals == [{"force": True}]


def test_remove_leftovers_removes_every_labelled_container(fake_docker: FakeDockerFactory) -> None:
    leftovers = [FakeContainer(), FakeContainer(already_gone=True)]
    fake = fake_docker(leftovers=leftovers)
    client = fake.client
    fake.engine.remove_leftovers()
    fake.engine.container_ids()
    # Sparse, both: the SDK's full list inspects each container and raises NotFound for one the
    # daemon removed meanwhile, as a build step's is while a stop waits the build out (run.settle).
    assert client.containers.list_filters == [
        {"all": True, "sparse": True, "filters": {"label": LABEL}},
        {"all": True, "sparse": True},
    ]
    assert [leftover.removals for leftover in leftovers] == [[{"force": True}], [{"force": True}]]


def test_container_wrapper_reads_exit_code_logs_uid_stats_and_state(fake_docker: FakeDockerFactory) -> None:
    fake = fake_docker(exit_code=3, logs=b"line one\nline \xff two\n", uid=65532, health=["healthy"])
    with fake.engine.container("img:1") as container:
        assert container.wait(timeout=5) == 3
        assert container.logs() == "line one\nline \ufffd two\n", "undecodable bytes are replaced, not fatal"
        assert container.process_uid() == 65532
        assert container.stats() == fake.container.stats_sample
        assert container.state().status == "running"
        container.stop(timeout=10)
        state = container.state()
    assert fake.container.stopped == [10]
    assert (state.status, state.exit_code, state.health) == ("exited", 3, "healthy")


def test_container_wrapper_times_the_start_call(fake_docker: FakeDockerFactory) -> None:
    fake = fake_docker()
    before = time.monotonic()
    with fake.engine.container("img:1") as container:
        after = time.monotonic()
        assert container.started_at is not None
        assert before <= container.created_at <= container.started_at <= after


@pytest.mark.parametrize("call", ["wait", "logs", "top", "stats", "stop", "reload", "export"])
def test_container_wrapper_turns_sdk_errors_into_engine_errors(
    fake_docker: FakeDockerFactory, call: str
) -> None:
    fake = fake_docker(fail=[call])
    actions = {
        "wait": lambda c: c.wait(timeout=1),
        "logs": lambda c: c.logs(),
        "top": lambda c: c.process_uid(),
        "stats": lambda c: c.stats(),
        "stop": lambda c: c.stop(timeout=1),
        "reload": lambda c: c.state(),
        "export": lambda c: list(c.export()),
    }
    with fake.engine.container("img:1") as container, pytest.raises(EngineError, match=f"{call} refused"):
        actions[call](container)
    assert fake.container.removals == [{"force": True}]


def test_engine_time_inside_a_container_block_counts_once(fake_docker: FakeDockerFactory) -> None:
    fake = fake_docker()
    with fake.engine.container("img:1") as container, fake.engine.timer.measure():
        container.wait(timeout=1)
        time.sleep(0.05)
    assert 0.05 <= fake.engine.timer.seconds < 0.5


class _FakeApi:
    def __init__(self, chunks: list[dict[str, Any]]) -> None:
        self.chunks = chunks

    def build(self, **options: Any) -> Iterator[dict[str, Any]]:
        yield from self.chunks


class _FakeImage:
    def __init__(self, tags: list[str]) -> None:
        self.tags = tags


class _FakeImages:
    def __init__(self, images: dict[str, _FakeImage]) -> None:
        self.images = images
        self.removed: list[str] = []

    def get(self, image_id: str) -> _FakeImage:
        return self.images[image_id]

    def remove(self, image_id: str) -> None:
        self.removed.append(image_id)


class _BuildClient:
    def __init__(self, chunks: list[dict[str, Any]], images: dict[str, _FakeImage] | None = None) -> None:
        self.api = _FakeApi(chunks)
        self.images = _FakeImages(images or {})


def test_a_failed_build_carries_the_failing_steps_output() -> None:
    message = "The command '/bin/sh -c go build .' returned a non-zero code: 1"
    client = _BuildClient(
        [
            {"stream": "Step 1/2 : FROM golang:1.25-alpine\n ---> 0762d095c4c4\n"},
            {"stream": "Step 2/2 : RUN go build .\n ---> Running in 9f8e7d6c5b4a\n"},
            {"stream": "./main.go:3:1: syntax error: non-declaration statement outside function body\n"},
            {"error": message, "errorDetail": {"message": message}},
        ]
    )
    with pytest.raises(BuildFailed) as raised:
        Engine(cast(Any, client)).build(Path("/nonexistent"), tag="devops-info-service:broken")
    assert message in str(raised.value)
    assert raised.value.output_tail == (
        "./main.go:3:1: syntax error: non-declaration statement outside function body",
    )


def test_remove_untagged_leaves_tagged_images_alone() -> None:
    client = _BuildClient([], {"aaa": _FakeImage([]), "bbb": _FakeImage(["golang:1.25"])})
    Engine(cast(Any, client)).remove_untagged(("aaa", "bbb"))
    assert client.images.removed == ["aaa"]
