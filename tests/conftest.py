"""Fakes shared by the fast tests: a Docker SDK client that records what the engine asks of it;
and the committed data's site, built once a session for the browser tests that only read it.

`fake_docker(...)` (a fixture) gives an `Engine` over a `FakeClient` holding one `FakeContainer`;
the container's answers (exit code, logs, `docker top`, stats, health) are set when it is made, and
`fail` names SDK calls that raise the SDK's own error, to show the engine translating it.

No test reads, writes or clears the project's own analysis cache (measure/cache.py): each test
gets an empty one of its own, and the session's longer measurements (module-wide ones, and serve's
background run) share one that is empty when the session starts. The first real run analyses each
image it measures; a later one is given those analyses of the same image IDs, as a CI cache would
give them (an entry is checked against the engine before it is used, cache.py). A fake image ID
never meets an entry a real run left.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import docker.errors
import pytest

from labreport.measure import cache
from labreport.measure.engine import Engine
from site_fixtures import committed_site

_ids = itertools.count(1)


#: The modules that read the committed site `served_committed_site` builds once per worker.
SHARED_SITE = ("test_browser.py", "test_evidence_browser.py")
#: The real-engine module whose measurement runs on a second engine of its own: beside the first
#: engine's tests, not after them (it only pushes the bases from the first engine).
SECOND_ENGINE = "test_mirror_docker.py"
#: Where each room comes in the run (others: 1): the first engine's tests start at once, on one
#: worker, and are the longest; the second engine's come last on the other, after the fast ones.
ORDER = {"engine": 0, "second-engine": 2}


def _room(nodeid: str) -> str:
    """The xdist work unit a test belongs to: every real-engine test (its module is named
    `*_docker.py`) in one, in file order, since measurements take the engine's lock, time builds
    alone and check that nothing is left on the engine; the second engine's rehearsal in one; the
    committed site's readers in one; any other module in its own."""
    path = nodeid.split("::")[0]
    name = Path(path).name
    if name == SECOND_ENGINE:
        return "second-engine"
    if name.endswith("docker.py"):
        return "engine"
    return "committed-site" if name in SHARED_SITE else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`make test` runs two workers: the engine's tests on one, the rest beside them on the other.
    (xdist's own `loadgroup` marks do not reach its scheduler under pytest 9, so the unit is
    told by the test's file.) Units go out in collection order, which ORDER sets."""
    from xdist.scheduler import LoadScopeScheduling

    class ByRoom(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _room(nodeid)

    config.option.loadscopereorder = False
    return ByRoom(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The rooms are told by file name (`_room`): a real-engine test elsewhere would run beside
    another measurement, and a reader of the committed site elsewhere would build it again.
    The rooms go in ORDER."""
    for item in items:
        room = _room(item.nodeid)
        if item.get_closest_marker("docker") and room not in ORDER:
            raise pytest.UsageError(f"{item.nodeid} is marked docker: move it to a tests/*_docker.py module")
        if "served_committed_site" in getattr(item, "fixturenames", ()) and room != "committed-site":
            raise pytest.UsageError(f"{item.nodeid} reads the committed site: list its module in SHARED_SITE")
    items.sort(key=lambda item: ORDER.get(_room(item.nodeid), 1))


def _session_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of the whole session's: under xdist, the one the workers' temporary folders sit
    in, so that both share it."""
    basetemp = tmp_path_factory.getbasetemp()
    folder = (basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp) / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def base_images_built(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every base image of the project, built once, before a worker's first real-engine test: two
    builds of one stand-in at a time (one per worker) would leave an image dangling, so the second
    worker waits for the first and then finds them built. (`make test` builds them before pytest.)"""
    with open(_session_folder(tmp_path_factory, "locks") / "standins.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        subprocess.run([sys.executable, "-m", "labreport", "standins", "--quiet"], check=True, timeout=1800)


@pytest.fixture(autouse=True, scope="module")
def _stand_ins_before_the_engine(request: pytest.FixtureRequest) -> None:
    """Module-wide, so that it comes before a real-engine module's own fixtures (its measurement)."""
    if _room(str(request.node.nodeid)) in ORDER:
        request.getfixturevalue("base_images_built")


@pytest.fixture(autouse=True, scope="session")
def session_analysis_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's shared analysis cache folder: in force for the measurements module-scoped
    fixtures make (they run before any test's own folder is set); a test hands it on by name.
    Both xdist workers share it (their temporary folders sit side by side in the session's): the
    second engine's run pulls the very bases the first engine's runs analysed. Entries are
    written atomically, so two workers analysing one image at once both write a whole entry."""
    folder = _session_folder(tmp_path_factory, "analysis-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.ENVIRONMENT, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def analysis_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's analysis cache folder (not yet made), where `labreport measure` and `clean` look."""
    folder = tmp_path_factory.mktemp("test-analysis-cache") / "analysis-cache"
    monkeypatch.setenv(cache.ENVIRONMENT, str(folder))
    return folder


@pytest.fixture(scope="session")
def served_committed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, folder) of the site built from the committed measurements: one build, shared by
    tests/test_browser.py and tests/test_evidence_browser.py, which look and never write."""
    with committed_site(tmp_path_factory.mktemp("committed-site")) as served:
        yield served


class FakeContainer:
    def __init__(
        self,
        *,
        fail_start: bool = False,
        already_gone: bool = False,
        fail: Sequence[str] = (),
        exit_code: int = 0,
        logs: bytes = b"",
        uid: int = 65532,
        stats: dict[str, Any] | None = None,
        health: Sequence[str | None] = (None,),
    ) -> None:
        self.id = f"c{next(_ids):063x}"
        self.fail_start = fail_start
        self.already_gone = already_gone
        self.fail = set(fail)
        self.exit_code = exit_code
        self.log_bytes = logs
        self.uid = uid
        self.stats_sample = stats or {"memory_stats": {"usage": 4_000_000, "stats": {"inactive_file": 1_000}}}
        self.health = list(health)  # one entry per reload; the last one stays
        self.started = False
        self.stopped: list[float] = []
        self.removals: list[dict[str, Any]] = []
        self.attrs: dict[str, Any] = {"State": {"Status": "created", "ExitCode": 0}}

    def _call(self, name: str) -> None:
        if name in self.fail:
            raise docker.errors.APIError(f"{name} refused by the fake engine")

    def start(self) -> None:
        if self.fail_start:
            raise docker.errors.APIError("cannot start container")
        self.started = True

    def remove(self, **options: Any) -> None:
        self.removals.append(options)
        if self.already_gone:
            raise docker.errors.NotFound("no such container")

    def wait(self, timeout: float) -> dict[str, Any]:
        self._call("wait")
        return {"StatusCode": self.exit_code, "Error": None}

    def logs(self) -> bytes:
        self._call("logs")
        return self.log_bytes

    def top(self, ps_args: str) -> dict[str, Any]:
        self._call("top")
        return {"Titles": ["PID", "UID"], "Processes": [["1", str(self.uid)]]}

    def stats(self, stream: bool) -> dict[str, Any]:
        self._call("stats")
        return self.stats_sample

    def stop(self, timeout: float) -> None:
        self._call("stop")
        self.stopped.append(timeout)

    def reload(self) -> None:
        self._call("reload")
        health = self.health.pop(0) if len(self.health) > 1 else self.health[0]
        state: dict[str, Any] = {
            "Status": "exited" if self.stopped else "running" if self.started else "created",
            "ExitCode": self.exit_code if self.stopped else 0,
        }
        if health is not None:
            state["Health"] = {"Status": health}
        self.attrs = {"State": state}

    def export(self) -> Iterator[bytes]:
        self._call("export")
        yield b"tar "
        yield b"bytes"


class FakeContainers:
    def __init__(self, container: FakeContainer, leftovers: list[FakeContainer] | None = None) -> None:
        self.container = container
        self.leftovers = leftovers or []
        self.created: list[tuple[str, dict[str, Any]]] = []
        self.list_filters: list[dict[str, Any]] = []

    def create(self, ref: str, **options: Any) -> FakeContainer:
        self.created.append((ref, options))
        return self.container

    def list(self, **options: Any) -> list[FakeContainer]:
        self.list_filters.append(options)
        return self.leftovers


class FakeClient:
    def __init__(self, container: FakeContainer, leftovers: list[FakeContainer] | None = None) -> None:
        self.containers = FakeContainers(container, leftovers)


@dataclass(frozen=True, kw_only=True)
class FakeDocker:
    engine: Engine
    client: FakeClient
    container: FakeContainer


FakeDockerFactory = Callable[..., FakeDocker]


@pytest.fixture
def fake_docker() -> FakeDockerFactory:
    """Makes an Engine over a fake client; keyword arguments go to its `FakeContainer`, except
    `leftovers` (the labelled containers a killed run left)."""

    def make(*, leftovers: list[FakeContainer] | None = None, **container_options: Any) -> FakeDocker:
        container = FakeContainer(**container_options)
        client = FakeClient(container, leftovers)
        return FakeDocker(engine=Engine(cast(Any, client)), client=client, container=container)

    return make
