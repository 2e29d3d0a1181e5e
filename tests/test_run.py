"""Unit tests of measure.run: when the recorded data is current, what a failed build leaves
failed, and the wait for in-flight builds after an interrupt."""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from fake_engine import FakeEngineClient, FakeImageSpec
from fake_run import fake_run as fake_run  # the fixture, used by name below
from labreport.contract import schema
from labreport.contract.schema import BaseImage, ImageSize, Rebuild, RebuiltImage
from labreport.contract.variants import BUILDER_REF, BY_NAME, VARIANTS
from labreport.measure import phases, registry
from labreport.measure import run as run_module
from labreport.measure.buildlog import Build, BuildFailed
from labreport.measure.engine import Engine
from labreport.measure.progress import Progress
from labreport.measure.record import Options, Run
from labreport.measure.run import is_up_to_date, settle
from records import fake_measurements


def test_is_up_to_date_when_the_recorded_hash_matches(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    output.write_text(json.dumps({"provenance": {"inputs_hash": "abc123"}}))
    assert is_up_to_date(output, "abc123") is True
    assert is_up_to_date(output, "abc124") is False


def test_is_up_to_date_with_a_saved_measurement(tmp_path: Path) -> None:
    output = tmp_path / "measurements.json"
    schema.save(fake_measurements(), output)
    assert is_up_to_date(output, fake_measurements().provenance.inputs_hash) is True
    assert is_up_to_date(output, "0" * 16) is False


def test_is_up_to_date_missing_file(tmp_path: Path) -> None:
    assert is_up_to_date(tmp_path / "absent.json", "abc123") is False


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"[]", id="list"),
        pytest.param(b'"abc123"', id="string"),
        pytest.param(b"{}", id="no-provenance"),
        pytest.param(b'{"provenance": ["abc123"]}', id="provenance-list"),
        pytest.param(b'{"provenance": {"inputs": "abc123"}}', id="no-hash"),
        pytest.param(b'{"provenance": {"inputs_hash": null}}', id="null-hash"),
    ],
)
def test_is_up_to_date_corrupt_file(tmp_path: Path, content: bytes) -> None:
    output = tmp_path / "measurements.json"
    output.write_bytes(content)
    assert is_up_to_date(output, "abc123") is False


class _BuildingEngine:
    """Records the builds asked of it; a build of `failing` raises what the engine raises."""

    def __init__(self, failing: str | None = None) -> None:
        self.failing = failing
        self.builds: list[dict[str, Any]] = []

    def build(self, context: Path, **options: Any) -> Build:
        self.builds.append(options)
        if options["tag"] == self.failing:
            raise BuildFailed(
                f"build of {self.failing} failed: returned a non-zero code: 1", ("undefined: x",)
            )
        return Build(image_id=f"sha256:{len(self.builds):064x}", seconds=1.0, steps=(), log=())


def _run(engine: _BuildingEngine) -> Run:
    return Run(engine=cast(Any, engine), options=Options(only=[], output=Path("/nonexistent.json")))


def test_variants_copy_from_this_runs_builder_by_id_not_by_tag() -> None:
    """Issue 9: a variant built FROM the builder's tag took the previous run's image when the
    builder failed; the build argument is now the ID this run's builder build returned."""
    engine = _BuildingEngine()
    run = _run(engine)
    phases.build_builder(run)
    phases.build_variant(run, BY_NAME["scratch"])
    assert engine.builds[-1]["buildargs"] == {"BUILD_STAGE_IMAGE": run.built["builder"].image_id}
    assert run.built["builder"].image_id.startswith("sha256:")


def test_a_failed_builder_fails_every_variant_that_copies_from_it() -> None:
    engine = _BuildingEngine(failing=BUILDER_REF)
    run = _run(engine)
    run.attempt("build", "builder", phases.build_builder, run)
    for variant in VARIANTS:
        run.attempt("build", variant.name, phases.build_variant, run, variant)
    failed = {failure.variant for failure in run.failures}
    dependents = {variant.name for variant in VARIANTS if variant.uses_builder_image}
    assert failed == {"builder", *dependents}
    assert set(run.built) == {variant.name for variant in VARIANTS} - dependents
    assert all(BUILDER_REF in failure.error for failure in run.failures if failure.variant in dependents)
    assert len(engine.builds) == 1 + len(VARIANTS) - len(dependents), "no build from a stale builder"


def test_attempt_keeps_the_failing_steps_output() -> None:
    run = _run(_BuildingEngine(failing=BY_NAME["alpine"].ref))
    run.attempt("build", "alpine", phases.build_variant, run, BY_NAME["alpine"])
    (failure,) = run.failures
    assert failure.output_tail == ["undefined: x"]
    assert "non-zero code: 1" in failure.error


class _SettlingEngine:
    """A build container that lingers for `busy` polls after the interrupt, then is gone."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.polls = 0
        self.swept = 0

    def remove_leftovers(self) -> None:
        self.swept += 1

    def container_ids(self) -> set[str]:
        self.polls += 1
        return {"known", "build-step"} if self.polls <= self.busy else {"known"}


def test_settle_waits_for_the_daemons_in_flight_build_step() -> None:
    engine = _SettlingEngine(busy=3)
    started = time.monotonic()
    settle(cast(Any, engine), {"known"}, seconds=10, quiet=0.3)
    assert engine.polls > 3 and engine.swept == engine.polls
    assert 0.3 <= time.monotonic() - started < 5


def test_settle_gives_up_at_its_deadline() -> None:
    engine = _SettlingEngine(busy=10**9)
    started = time.monotonic()
    settle(cast(Any, engine), {"known"}, seconds=0.5, quiet=0.3)
    assert time.monotonic() - started < 2


def _engine_with_a_moved_tag() -> tuple[Run, FakeEngineClient, str, str]:
    """The primary variant measured as one image, then its tag moved to a later build of the same
    Dockerfile, as the legacy builder's cache does in the timings phase."""
    client = FakeEngineClient(bases={}, recipes={}, answers={})
    spec = FakeImageSpec(layers=[], config={}, files=[])
    ref = BY_NAME["alpine"].ref
    measured = client.images.add(ref, spec).id
    later = client.images.add(ref, spec).id
    run = Run(engine=Engine(cast(Any, client)), options=Options(only=[], output=Path("/nonexistent.json")))
    run.images.append(
        ImageSize(ref=ref, role="variant", variant="alpine", image_id=measured, size=0, compressed_size=0,
                  layers=[])
    )  # fmt: skip
    return run, client, measured, later


def test_a_measured_image_gets_its_tag_back_from_a_later_build() -> None:
    run, client, measured, later = _engine_with_a_moved_tag()
    assert client.images.by_ref[BY_NAME["alpine"].ref].id == later
    run_module.retag_measured(run)
    assert client.images.by_ref[BY_NAME["alpine"].ref].id == measured
    assert client.images.get(later).tags == [], "the later build is left untagged, for the clean-up"


def test_an_image_the_data_names_that_is_gone_is_a_failure() -> None:
    run, _, measured, _ = _engine_with_a_moved_tag()
    run.bases["alpine:3.19"] = BaseImage(requested="alpine:3.19", source="standin", image_id="sha256:base")
    run.rebuild = Rebuild(variant="alpine", builder="buildkit", source_date_epoch=None, builds=[
        RebuiltImage(image_id=measured, binary_sha256="sha256:0", diff_ids=[]),
        RebuiltImage(image_id="sha256:rebuilt", binary_sha256="sha256:0", diff_ids=[]),
    ])  # fmt: skip
    assert run_module.recorded_image_ids(run) == {
        measured: "rebuild 1",
        "sha256:base": "alpine:3.19",
        "sha256:rebuilt": "rebuild 2",
    }
    run.attempt("images", None, run_module.measured_images_remain, run)
    assert [(failure.phase, failure.error) for failure in run.failures] == [
        ("images", "the run removed images its data names: alpine:3.19 (sha256:base), "
         "rebuild 2 (sha256:rebuilt)")
    ]  # fmt: skip
    run.failures.clear()
    run.bases.clear()
    run.rebuild = None
    run_module.measured_images_remain(run)
    assert run.failures == []


def _fake_publish(
    monkeypatch: pytest.MonkeyPatch, client: FakeEngineClient, events: list[str], *, pulls: bool = True
) -> None:
    """A registry, a fresh daemon and pushes that record what they were asked, in `events`; the
    registry leaves a blob in the storage it is given; `pulls=False`: every pull fails."""

    @contextlib.contextmanager
    def local_registry(access_log: Path | None = None, storage: Path | None = None) -> Iterator[str]:
        events.append("registry up")
        if storage is not None:
            storage.mkdir(parents=True, exist_ok=True)
            (storage / "blob").write_text("pushed\n")
        yield "127.0.0.1:5999"
        events.append("registry down")

    @contextlib.contextmanager
    def fresh_daemon() -> Iterator[object]:
        def timed_pull(ref: str) -> float:
            if not pulls:
                raise RuntimeError(f"pull of {ref}: digest mismatch")
            events.append(f"pull {ref} after {len(client.api.builds)} builds")
            return 0.5

        yield SimpleNamespace(timed_pull=timed_pull, timer=SimpleNamespace(seconds=0.0))

    def push(engine: Engine, ref: str, target: str, auth: object = None) -> str:
        events.append(f"push {target} after {len(client.api.builds)} builds")
        return "sha256:" + "d" * 64

    monkeypatch.setattr(registry, "local_registry", local_registry)
    monkeypatch.setattr(registry, "fresh_daemon", fresh_daemon)
    monkeypatch.setattr(registry, "manifest_size", lambda *where: 4_000)
    monkeypatch.setattr(Engine, "push", push)


def test_pushes_go_beside_the_builds_and_the_timed_pulls_come_after_every_build(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: a push times nothing, so it runs in the background once its variant is built; the
    pulls are timed, so they wait until every build, timing and probe is done."""
    client = fake_run()
    events: list[str] = []
    _fake_publish(monkeypatch, client, events)
    options = Options(only=["alpine", "cgo"], repeat=2, force=True, output=tmp_path / "m.json",
                      progress=Progress(live=False, stream=io.StringIO()))  # fmt: skip
    data = run_module.measure(options)
    assert data is not None and data.failures == []
    # builder, alpine: the push (beside cgo's build); then the timings' 2 x 3 builds; the pulls
    # after all 9.
    target = "127.0.0.1:5999/devops-info-service:alpine"
    assert events[1] in {f"push {target} after 2 builds", f"push {target} after 3 builds"}
    assert [events[0], *events[2:]] == [
        "registry up", *[f"pull {target} after 9 builds"] * 2, "registry down",
    ]  # fmt: skip
    (published,) = data.publish
    assert (published.variant, published.compressed_size, published.pull_seconds.samples) == (
        "alpine", 4_000, [0.5, 0.5],
    )  # fmt: skip


def test_the_registry_keeps_its_blobs_in_the_analysis_cache_until_a_publish_fails(
    fake_run: Callable[..., FakeEngineClient],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    analysis_cache: Path,
) -> None:
    """What a run pushed stays for the next one's push to find (no gzip, no upload); after a failed
    publish it is removed, never trusted: a blob it holds may be what failed."""
    client = fake_run()
    options = Options(only=["alpine"], repeat=1, force=True, output=tmp_path / "m.json",
                      progress=Progress(live=False, stream=io.StringIO()))  # fmt: skip
    _fake_publish(monkeypatch, client, [])
    data = run_module.measure(options)
    assert data is not None and data.failures == []
    assert (analysis_cache / "registry" / "blob").is_file()
    _fake_publish(monkeypatch, client, [], pulls=False)
    data = run_module.measure(options)
    assert data is not None and [failure.phase for failure in data.failures] == ["publish"]
    assert not (analysis_cache / "registry").exists()
