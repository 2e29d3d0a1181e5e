"""Unit tests of measure.carry: which variants' records a run without --force takes from the previous
data file, and what its provenance says of them, against the fake engine (tests/fake_run.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest

from fake_engine import FakeEngineClient
from fake_run import fake_run as fake_run  # the fixture, used by name below
from labreport.contract import schema
from labreport.contract.inputs import running_inputs_hashes
from labreport.contract.pointer import resolve
from labreport.contract.schema import BaseImage, Measurements
from labreport.contract.variants import BY_NAME
from labreport.measure import carry, record
from labreport.measure import run as run_module
from labreport.measure.progress import Progress

MEASURED = ("alpine", "cgo")  # the variants the fake engine has recipes for


@pytest.fixture
def inputs(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The variants' file hashes the runs see (edit one to "change its Dockerfile"), and a whole
    inputs hash that changes on every run, so that none finds its data current."""
    hashes = {"alpine": "a" * 16, "cgo": "c" * 16, "cache-mount": "m" * 16}
    counter = iter(range(1000))
    monkeypatch.setattr(run_module, "variant_inputs_hashes", lambda: dict(hashes))
    running = running_inputs_hashes()  # a variant taken out of `hashes` is unlisted here too
    monkeypatch.setattr(
        run_module,
        "running_inputs_hashes",
        lambda: {name: running[name] for name in hashes if name in running},
    )
    monkeypatch.setattr(run_module, "inputs_hash", lambda: f"{next(counter):016x}")
    monkeypatch.setattr(run_module, "VARIANTS", tuple(BY_NAME[name] for name in MEASURED))
    return hashes


def _measure(output: Path, *, force: bool = False, repeat: int = 1) -> Measurements:
    options = record.Options(only=[], repeat=repeat, force=force, output=output, publish=False,
                             progress=Progress(live=False))  # fmt: skip
    with contextlib.redirect_stdout(None), contextlib.redirect_stderr(None):
        measured = run_module.measure(options)
    assert measured is not None
    schema.save(measured, output)
    return measured


def _of(data: Measurements, variant: str) -> list[object]:
    return [
        [item for item in data.images if item.variant == variant],
        [item for item in data.probes if item.variant == variant],
        [item for item in data.surfaces if item.variant == variant],
        [item for item in data.efficiency if item.variant == variant],
        [item for item in data.lint if item.dockerfile == BY_NAME[variant].dockerfile],
    ]


def test_a_changed_dockerfile_re_measures_that_variant_alone(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    client = fake_run()
    output = tmp_path / "m.json"
    first = _measure(output, force=True)
    assert first.provenance.carried_over == [] and set(first.provenance.variant_inputs) == {
        *MEASURED, carry.TIMINGS,
    }  # fmt: skip
    builds_before, probes_before = len(client.api.builds), len(client.containers.created)
    inputs["cgo"] = "d" * 16  # cgo's Dockerfile "changed", and its image with it:
    del client.api.done[("variants/cgo.Dockerfile", None)]  # the fake's build cache misses
    second = _measure(output)
    assert second.failures == []
    new_builds = client.api.builds[builds_before:]
    # cgo (first: it builds its own binary) and the builder stage (a whole-run figure); neither
    # alpine nor its timings (no --no-cache).
    assert [(build["dockerfile"], build["target"]) for build in new_builds] == [
        ("variants/cgo.Dockerfile", None), ("Dockerfile", "builder"),
    ]  # fmt: skip
    assert not any(build["nocache"] for build in new_builds)
    assert _of(second, "alpine") == _of(first, "alpine")
    assert second.builds == first.builds and second.rebuild == first.rebuild
    assert second.probes[1] != first.probes[1] or len(client.containers.created) > probes_before
    carried = {item.what: item for item in second.provenance.carried_over}
    assert set(carried) == {"alpine", carry.TIMINGS}
    assert carried["alpine"].measured_at == first.provenance.measured_at
    assert carried["alpine"].git_commit == first.provenance.git_commit
    assert carried["alpine"].inputs_hash == first.provenance.variant_inputs["alpine"]
    document = second.model_dump(mode="json")
    named = [resolve(document, at) for at in carried["alpine"].pointers]
    assert sorted(at.split("/")[1] for at in carried["alpine"].pointers) == [
        "efficiency", "images", "lint", "probes", "surfaces",
    ]  # fmt: skip
    assert all(item.get("variant", "alpine") == "alpine" for item in named)
    assert (
        resolve(document, next(p for p in carried["alpine"].pointers if p.startswith("/lint")))["dockerfile"]
        == "Dockerfile"
    )
    assert [resolve(document, at) for at in carried[carry.TIMINGS].pointers[:3]] == [
        build.model_dump(mode="json") for build in first.builds
    ][:3]


def test_records_carried_twice_name_the_run_that_measured_them(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    fake_run()
    output = tmp_path / "m.json"
    first = _measure(output, force=True)
    inputs["cgo"] = "d" * 16
    second = _measure(output)
    inputs["cgo"] = "e" * 16
    third = _measure(output)
    assert second.provenance.measured_at >= first.provenance.measured_at
    carried = {item.what: item for item in third.provenance.carried_over}
    assert carried["alpine"].measured_at == first.provenance.measured_at
    assert _of(third, "alpine") == _of(first, "alpine")


def test_force_the_repeats_or_a_missing_image_measure_everything_again(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    client = fake_run()
    output = tmp_path / "m.json"
    first = _measure(output, force=True)
    assert _measure(output, force=True).provenance.carried_over == []
    assert _measure(output, repeat=2).provenance.carried_over == []  # a timing has more samples now
    again = _measure(output, repeat=2)
    assert {item.what for item in again.provenance.carried_over} == {"alpine", "cgo", carry.TIMINGS}
    cgo_image = next(item.image_id for item in again.images if item.variant == "cgo")
    gone = client.images.get(cgo_image)  # deleted by ID, as `docker rmi -f` would (the fake keeps it)
    client.images.every.remove(gone)
    for ref in list(gone.tags):
        client.images.remove(ref)
    del client.api.done[("variants/cgo.Dockerfile", None)]  # and its build cache with it
    after = _measure(output, repeat=2)
    assert {item.what for item in after.provenance.carried_over} == {"alpine", carry.TIMINGS}
    assert next(item.image_id for item in after.images if item.variant == "cgo") != cgo_image
    assert first.provenance.variant_inputs != after.provenance.variant_inputs  # the repeats are in it


def test_a_variant_the_project_file_does_not_list_is_measured_every_time(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    """A variant with no inputs hash of its own (one a test adds beside the project's) has nothing
    to compare: it is never carried over, while the listed ones still are."""
    fake_run()
    output = tmp_path / "m.json"
    del inputs["cgo"]
    first = _measure(output, force=True)
    assert "cgo" not in first.provenance.variant_inputs
    again = _measure(output)
    assert {item.what for item in again.provenance.carried_over} == {"alpine", carry.TIMINGS}


def test_no_carrying_from_a_data_file_that_does_not_load(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    fake_run()
    output = tmp_path / "m.json"
    _measure(output, force=True)
    output.write_text("{", encoding="utf-8")
    assert _measure(output).provenance.carried_over == []


def _base(ref: str, image_id: str) -> BaseImage:
    return BaseImage(requested=ref, source="standin", image_id=image_id)


def test_a_variants_hash_rests_on_its_own_bases_and_the_repeats() -> None:
    files = {"alpine": "1" * 16, "single-stage": "2" * 16, "scratch": "3" * 16, "cache-mount": "4" * 16}
    variants = [BY_NAME[name] for name in ("alpine", "single-stage", "scratch")]
    refs = {ref for variant in variants for ref in variant.bases}
    bases = {ref: _base(ref, f"sha256:{n:064x}") for n, ref in enumerate(sorted(refs))}
    before = carry.inputs_by_variant(files, bases, 3, variants)
    sdk = BY_NAME["single-stage"].build_base
    assert sdk is not None and sdk not in BY_NAME["alpine"].bases
    changed = carry.inputs_by_variant(files, bases | {sdk: _base(sdk, "sha256:" + "f" * 64)}, 3, variants)
    assert {name for name in before if before[name] != changed[name]} == {"single-stage"}
    # scratch copies from the primary's builder stage: a new primary build base changes it too.
    builder_base = BY_NAME["alpine"].build_base
    assert builder_base is not None and builder_base not in BY_NAME["scratch"].bases
    moved = carry.inputs_by_variant(
        files, bases | {builder_base: _base(builder_base, "sha256:" + "e" * 64)}, 3, variants
    )
    assert {name for name in before if before[name] != moved[name]} == {"alpine", "scratch", carry.TIMINGS}
    other = carry.inputs_by_variant(files | {"cache-mount": "5" * 16}, bases, 3, variants)
    assert {name for name in before if before[name] != other[name]} == {carry.TIMINGS}
    repeats = carry.inputs_by_variant(files, bases, 1, variants)
    assert all(before[name] != repeats[name] for name in before)


def test_every_record_of_the_data_file_is_a_variants_the_timings_or_the_whole_runs() -> None:
    """A new schema field must be placed, or a carried-over variant would silently lose it."""
    fields = set(Measurements.model_fields) - {"schema_version", "provenance"}
    placed = [*carry.PER_VARIANT, *carry.OF_THE_TIMINGS, *carry.WHOLE_RUN]
    assert len(placed) == len(set(placed)) and set(placed) == fields


def test_a_carried_variant_brings_every_per_variant_record(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    fake_run()
    output = tmp_path / "m.json"
    _measure(output, force=True)
    inputs["cgo"] = "d" * 16
    carried = {item.what: item for item in _measure(output).provenance.carried_over}
    lists = {at.split("/")[1] for at in carried["alpine"].pointers}
    assert lists == set(carry.PER_VARIANT) - {"publish"}  # this run publishes nothing


def test_a_build_that_gives_the_same_image_again_takes_its_probe_from_the_run_that_made_it(
    fake_run: Callable[..., FakeEngineClient], tmp_path: Path, inputs: dict[str, str]
) -> None:
    """A comment in the source changes every variant's inputs, yet a -trimpath binary and every
    layer after it stay as they were: the same image ID, whose probe still holds."""
    client = fake_run()
    output = tmp_path / "m.json"
    first = _measure(output, force=True)
    assert set(first.provenance.image_inputs) == set(MEASURED)
    started = len(client.containers.created)
    inputs["cgo"] = "d" * 16  # cgo's inputs changed; the fake's build cache still gives its image
    second = _measure(output)
    assert second.failures == []
    assert len(client.containers.created) == started  # alpine carried whole, cgo's probe by image
    assert second.provenance.image_inputs == first.provenance.image_inputs
    carried = {item.what: item for item in second.provenance.carried_over}
    assert set(carried) == {"alpine", "cgo probe", carry.TIMINGS}
    probe = carried["cgo probe"]
    assert probe.inputs_hash == first.provenance.image_inputs["cgo"]
    assert (probe.measured_at, probe.git_commit) == (
        first.provenance.measured_at,
        first.provenance.git_commit,
    )
    document = second.model_dump(mode="json")
    assert [resolve(document, at) for at in probe.pointers] == [
        item.model_dump(mode="json") for item in first.probes if item.variant == "cgo"
    ]
    assert second.lint == first.lint and second.images == first.images

    inputs["cgo"] = "e" * 16  # carried by image twice: still the first run's probe
    third = _measure(output)
    again = {item.what: item for item in third.provenance.carried_over}["cgo probe"]
    assert again.measured_at == first.provenance.measured_at


def test_another_image_or_other_measuring_code_probes_again(
    fake_run: Callable[..., FakeEngineClient],
    tmp_path: Path,
    inputs: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = fake_run()
    output = tmp_path / "m.json"
    first = _measure(output, force=True)
    inputs["cgo"] = "d" * 16
    del client.api.done[("variants/cgo.Dockerfile", None)]  # a new cgo image
    started = len(client.containers.created)
    second = _measure(output)
    assert len(client.containers.created) > started
    assert second.provenance.image_inputs["cgo"] != first.provenance.image_inputs["cgo"]
    assert "cgo probe" not in {item.what for item in second.provenance.carried_over}

    running = running_inputs_hashes()
    monkeypatch.setattr(run_module, "running_inputs_hashes", lambda: running | {"cgo": "f" * 16})
    inputs["cgo"] = "e" * 16  # the same image as the second run's, probed by other code
    third = _measure(output)
    assert "cgo probe" not in {item.what for item in third.provenance.carried_over}
    assert len(client.containers.created) > started + 1


def test_an_image_inputs_hash_rests_on_the_image_the_running_inputs_and_the_repeats() -> None:
    running = {"alpine": "1" * 16, "cgo": "2" * 16}
    images = {"alpine": "sha256:" + "a" * 64, "cgo": "sha256:" + "c" * 64, "builder": "sha256:" + "b" * 64}
    before = carry.inputs_by_image(running, images, 3)
    assert set(before) == {"alpine", "cgo"}  # the builder stage is no variant
    other_image = carry.inputs_by_image(running, images | {"cgo": "sha256:" + "d" * 64}, 3)
    assert {name for name in before if before[name] != other_image[name]} == {"cgo"}
    other_code = carry.inputs_by_image(running | {"alpine": "3" * 16}, images, 3)
    assert {name for name in before if before[name] != other_code[name]} == {"alpine"}
    repeats = carry.inputs_by_image(running, images, 1)
    assert all(before[name] != repeats[name] for name in before)
