"""The measure vocabulary's functions, each built afresh, with figures worked out by hand."""

from __future__ import annotations

import pytest

from labreport.contract.schema import Measurements
from labreport.report import derive
from labreport.report.claims import measures
from records import fake_measurements

# --- the measures, built afresh in the test ----------------------------------------------------
# The ledger builds its measures once, at import; these build them here, so a wrong measure is
# seen as a wrong number. The fake sizes (tests/records.py): golang:1.25 551,714,812 B, the alpine
# base 2,312,504 B (compressed 971,251 B), the final image 8,146,571 B (own layers 5,834,067 B,
# compressed 3,421,559 B), distroless 7,705,145 B (binary 5,611,704 B on a 2,093,441 B base).


def _without_image(data: Measurements, ref: str) -> Measurements:
    return data.model_copy(update={"images": [item for item in data.images if item.ref != ref]})


def test_image_and_variant_size_measures() -> None:
    data = fake_measurements()
    assert measures.image_size(derive.SDK)(data, {}) == 551_714_812
    assert measures.image_size(derive.SDK)(data, {derive.SDK: 807e6}) == 807e6  # the base itself
    assert measures.image_size(derive.SDK)(_without_image(data, derive.SDK), {}) is None
    final = measures.variant_size("alpine")
    assert final(data, {}) == 8_146_571
    assert final(data, {derive.ALPINE: 7.73e6}) == 13_564_067  # 7,730,000 + 5,834,067
    assert final(data, {derive.ALPINE: 0.0}) == 5_834_067
    assert final(_without_image(data, "devops-info-service:alpine"), {}) is None


def test_download_size_measure() -> None:
    data = fake_measurements()
    download = measures.download_size("alpine")
    assert download(data, {}) == 3_421_559  # the manifest's figure
    assert download(data, {derive.ALPINE: 0.0}) == 2_450_308  # 3,421,559 - 971,251
    pushed = [p.model_copy(update={"compressed_size": 13_000_000}) for p in data.publish]
    bigger = data.model_copy(update={"publish": pushed})
    assert download(bigger, {}) == 13_000_000
    assert download(bigger, {derive.ALPINE: 7.73e6}) == 19_758_749  # 13,000,000 - 971,251 + 7,730,000
    # Not pushed: the local estimate; scratch has no base, so no weight enters: int(5,831,046 x 0.45).
    assert measures.download_size("scratch")(data, {derive.ALPINE: 5.0}) == 2_623_970
    assert download(_without_image(data, "devops-info-service:alpine"), {}) is None


def test_size_difference_measure() -> None:
    data = fake_measurements()
    over = measures.size_difference("alpine", "distroless")
    assert over(data, {}) == 441_426  # 8,146,571 - 7,705,145
    # 13,564,067 - 5,611,704 with the alpine base at 7.73 MB and distroless's at nothing.
    assert over(data, {derive.ALPINE: 7.73e6, derive.DISTROLESS: 0.0}) == 7_952_363
    assert over(_without_image(data, "devops-info-service:distroless"), {}) is None
    assert over(_without_image(data, "devops-info-service:alpine"), {}) is None


def test_layer_size_measure() -> None:
    data = fake_measurements()
    assert measures.layer_size("as-reported", "chown")(data, {}) == 5_611_704
    assert measures.layer_size("as-reported", "adduser")(data, {}) == 4_045  # 3,021 + 1,024
    assert measures.layer_size("alpine", "chown")(data, {}) is None


def test_reduction_measure() -> None:
    data = fake_measurements()
    against = measures.reduction_against(derive.SDK)
    # 1 - 8,146,571 / 551,714,812 = 1 - 0.014766 = 98.523 %
    assert against(data, {}) == pytest.approx(98.5234, abs=1e-4)
    # 1 - 5,834,067 / 807e6 = 99.277 %
    assert against(data, {derive.SDK: 807e6, derive.ALPINE: 0.0}) == pytest.approx(99.2771, abs=1e-4)
    assert against(data, {derive.SDK: 0.0}) is None  # nothing to reduce from
    assert against(_without_image(data, derive.SDK), {}) is None
    assert against(_without_image(data, "devops-info-service:alpine"), {}) is None


def test_saving_measure() -> None:
    data = fake_measurements()
    ten = measures.saving(10, derive.SDK)
    assert ten(data, {}) == 5_435_682_410  # (551,714,812 - 8,146,571) x 10
    assert ten(data, {derive.SDK: 807e6, derive.ALPINE: 7.73e6}) == 7_934_359_330  # (807e6 - 13,564,067) x 10
    assert ten(_without_image(data, derive.SDK), {}) is None
    assert ten(_without_image(data, "devops-info-service:alpine"), {}) is None


def test_timing_and_count_measures() -> None:
    data = fake_measurements()
    # Cold: 0.9 + 41.2 + 0.8 + 0.3 + 0.3 + 12 x 0.15 = 45.3 s; cached 17 x 0.06 = 1.02 s;
    # code change 0.2 + 38.7 + 0.3 + 14 x 0.06 = 40.04 s.
    assert measures.build_total("cold")(data, {}) == pytest.approx(45.3)
    assert measures.build_total("cached")(data, {}) == pytest.approx(1.02)
    assert measures.build_total("code_change")(data, {}) == pytest.approx(40.04)
    assert measures.build_total("cold")(fake_measurements(builds=[]), {}) is None
    assert measures.cold_step("go mod download")(data, {}) == pytest.approx(0.9)
    assert measures.cold_step("go build")(data, {}) == pytest.approx(41.2)
    assert measures.cold_step("no such step")(data, {}) is None
    assert measures.cold_step("go build")(fake_measurements(builds=[]), {}) is None
    assert measures.package_count("builder")(data, {}) == 212
    assert measures.package_count("alpine")(data, {}) == 3
    assert measures.package_count("alpine")(fake_measurements(surfaces=[]), {}) is None
    # 1 - 5,611,704 / 8,159,402 = 31.224 %, whatever weights are assumed.
    strip = measures.unweighed(derive.strip_saving)
    assert strip(data, {derive.ALPINE: 0.0}) == pytest.approx(31.2241, abs=1e-4)


def test_the_vocabularys_other_measures() -> None:
    data = fake_measurements()
    # Pull medians (tests/records.py): single-stage 9.8 s, alpine 0.41 s; 9.8 / 0.41 = 23.90x.
    assert measures.pull_ratio("alpine", "single-stage")(data, {}) == pytest.approx(23.9024, abs=1e-4)
    assert measures.pull_ratio("alpine", "scratch")(data, {}) is None  # scratch was not pushed
    assert measures.pull_time("single-stage")(data, {}) == pytest.approx(9.8)
    assert measures.binary_size("default")(data, {}) == 8_159_402
    assert measures.binary_size("stripped")(fake_measurements(binaries=[]), {}) is None
    # Cold: go mod download, go build, three more and 12 short steps: 17.
    assert measures.step_count("cold")(data, {}) == 17
    assert measures.step_time("code_change", "go build")(data, {}) == pytest.approx(38.7)


def test_roles_and_the_registry() -> None:
    data = fake_measurements()
    # "final" is the primary variant's image; "builder" the builder stage's.
    assert measures.image_size("final")(data, {}) == 8_146_571
    builder = derive.builder_image(data)
    assert builder is not None and measures.image_size("builder")(data, {}) == builder.size
    assert measures.package_count("final")(data, {}) == 3
    made = measures.MEASURES["reduction"].make(measures.Arguments(of="alpine", against=derive.SDK))
    assert made(data, {}) == pytest.approx(98.5234, abs=1e-4)
    made = measures.MEASURES["saving"].make(
        measures.Arguments(of="alpine", against=derive.SDK, containers=10)
    )
    assert made(data, {}) == 5_435_682_410
