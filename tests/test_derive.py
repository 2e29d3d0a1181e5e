"""Derived figures and the claims ledger, over fake measurements."""

from __future__ import annotations

import pytest

from labreport.report import derive
from labreport.schema import Measurements, Publish
from records import fake_measurements, spread, with_base_source, with_variant_size


def claims(data: Measurements) -> dict[str, derive.Claim]:
    return {claim.key: claim for claim in derive.ledger(data)}


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1_000, "1 kB"),
        (524_288, "524 kB"),
        (29_800_000, "29.8 MB"),
        (807_000_000, "807 MB"),
        (7_900_000_000, "7.9 GB"),
        (79_000_000_000, "79 GB"),
    ],
)
def test_human_size_is_decimal_like_docker(size: int, expected: str) -> None:
    assert derive.human_size(size) == expected


def test_other_units() -> None:
    assert derive.mebibytes(2 * 1024**2) == "2.00 MiB"
    assert derive.seconds(0.25) == "250 ms" and derive.seconds(45.3) == "45.3 s"
    assert derive.percent(96.25) == "96.2 %" and derive.signed_percent(-3.0) == "-3.0 %"
    assert derive.ratio(39.96) == "40.0x"


def test_reduction_and_ratio() -> None:
    assert derive.reduction(807, 29.8) == pytest.approx(96.307, abs=1e-3)
    assert derive.reduction(336, 29.8) == pytest.approx(91.131, abs=1e-3)
    assert derive.times(800, 20) == 40
    with pytest.raises(ValueError, match="non-positive"):
        derive.reduction(0, 1)


def test_reductions_compare_final_with_builder_and_both_sdks() -> None:
    data = with_variant_size(fake_measurements(), "alpine", 10_000_000)
    rows = {row.before_ref: row for row in derive.reductions(data)}
    assert set(rows) == {derive.BUILDER, derive.SDK, derive.SDK_ALPINE}
    builder = derive.builder_image(data)
    assert builder is not None
    assert rows[derive.BUILDER].percent == pytest.approx((1 - 10_000_000 / builder.size) * 100)


def test_savings_scale_with_containers() -> None:
    data = with_variant_size(fake_measurements(), "alpine", 29_800_000)
    sdk = derive.image(data, derive.SDK)
    assert sdk is not None
    assert derive.savings(data, 10) == (sdk.size - 29_800_000) * 10
    assert derive.savings(data, 100) == (sdk.size - 29_800_000) * 100


def test_deploy_ratio_is_single_stage_over_alpine_pull_medians() -> None:
    data = fake_measurements()
    publish = [
        p.model_copy(update={"pull_seconds": spread(8.0 if p.variant == "single-stage" else 0.2)})
        for p in data.publish
    ]
    assert derive.deploy_ratio(data.model_copy(update={"publish": publish})) == pytest.approx(40)
    assert derive.deploy_ratio(data.model_copy(update={"publish": []})) is None


def test_strip_saving() -> None:
    data = fake_measurements()
    plain, stripped = derive.binary(data, "default"), derive.binary(data, "stripped")
    assert plain is not None and stripped is not None
    assert derive.strip_saving(data) == pytest.approx((1 - stripped.size / plain.size) * 100)


def test_unknown_names_raise() -> None:
    data = fake_measurements()
    with pytest.raises(derive.UnknownMeasurement):
        derive.variant_image(data, "alpne")
    with pytest.raises(derive.UnknownMeasurement):
        derive.build(data, "warm")


@pytest.mark.parametrize(
    ("measured", "claimed", "verdict"),
    [
        (100.0, 100.0, "reproduced"),
        (109.9, 100.0, "reproduced"),
        (90.1, 100.0, "reproduced"),
        (110.1, 100.0, "differs"),
        (89.0, 100.0, "differs"),
        (25.0, (20.0, 30.0), "reproduced"),
        (31.0, (20.0, 30.0), "differs"),
        (19.0, (20.0, 30.0), "differs"),
    ],
)
def test_judge_number_tolerance(measured: float, claimed: float | tuple[float, float], verdict: str) -> None:
    assert (
        derive.judge_number(measured, claimed, 0.10 if not isinstance(claimed, tuple) else 0.0)[0] == verdict
    )


def test_judge_number_signed_difference() -> None:
    assert derive.judge_number(120.0, 100.0)[1] == pytest.approx(20.0)
    assert derive.judge_number(35.0, (20.0, 30.0), 0.0)[1] == pytest.approx(100 * 5 / 30)


def test_verdict_reproduced_and_differs_on_final_image_once_bases_are_real() -> None:
    real = with_base_source(fake_measurements(), "pulled")
    assert claims(with_variant_size(real, "alpine", 30_500_000))["final"].verdict == "reproduced"
    differing = claims(with_variant_size(real, "alpine", 8_000_000))["final"]
    assert differing.verdict == "differs"
    assert differing.difference == pytest.approx((8.0 - 29.8) / 29.8 * 100)


def test_verdict_stand_in_for_claims_that_depend_on_a_stand_in_base() -> None:
    found = claims(with_variant_size(fake_measurements(), "alpine", 29_800_000))
    assert found["final"].verdict == "stand-in" and found["final"].measured == "29.8 MB"
    assert found["sdk"].verdict == "stand-in" and found["sdk"].note == "stand-in for golang:1.25"
    assert found["chown-layer"].verdict != "stand-in"  # depends on the binary only
    present = claims(with_base_source(fake_measurements(), "present"))
    assert "stand-in" not in {claim.verdict for claim in present.values()}


def test_verdict_not_measurable_when_data_is_missing() -> None:
    found = claims(fake_measurements(publish=[], binaries=[]))
    assert found["deploy"].verdict == "not measurable here" and found["deploy"].measured == "\u2013"
    assert found["strip"].verdict == "not measurable here"


def test_qualitative_claims() -> None:
    found = claims(fake_measurements())
    assert found["cgo"].verdict == "reproduced"
    assert found["ownership"].verdict == "differs"
    data = fake_measurements()
    started = [
        p.model_copy(update={"started": True, "error_text": None}) if p.variant == "cgo" else p
        for p in data.probes
    ]
    assert claims(data.model_copy(update={"probes": started}))["cgo"].verdict == "differs"
    assert claims(fake_measurements(probes=[]))["ownership"].verdict == "not measurable here"


def test_every_claim_of_the_course_spec_is_in_the_ledger() -> None:
    keys = set(claims(fake_measurements()))
    assert {
        "sdk",
        "sdk-alpine",
        "alpine",
        "final",
        "final-compressed",
        "reduction-sdk",
        "reduction-sdk-alpine",
        "binary-layer",
        "user-layer",
        "chown-layer",
        "strip",
        "scratch",
        "distroless",
        "build-cold",
        "build-cached",
        "build-change",
        "step-download",
        "step-compile",
        "packages-builder",
        "packages-runtime",
        "savings-10",
        "savings-100",
        "deploy",
        "cgo",
        "ownership",
    } <= keys
    assert derive.verdict_counts(list(claims(fake_measurements()).values()))["stand-in"] > 0


def test_stale() -> None:
    data = fake_measurements()
    assert derive.stale(data, data.provenance.inputs_hash) is False
    assert derive.stale(data, "other") is True
    assert derive.stale(data, None) is None


def test_publish_model_is_what_the_fixture_writes() -> None:
    assert all(isinstance(p, Publish) for p in fake_measurements().publish)


def test_names_come_from_the_variants_and_the_stand_in_recipes() -> None:
    from labreport import variants
    from labreport.measure import standins

    assert tuple(variant.name for variant in variants.VARIANTS) == derive.VARIANTS
    assert derive.PRIMARY == variants.PRIMARY and derive.BUILDER == variants.BUILDER_REF
    assert set(derive.BASES) == set(standins.RECIPES) - {standins.DEBIAN}


def test_builder_packages_come_from_the_builder_stage_scan() -> None:
    found = claims(with_base_source(fake_measurements(), "pulled"))["packages-builder"]
    assert found.measured == "212" and found.verdict == "differs"  # 300 claimed, within 20 % reproduces
    data = fake_measurements()
    without = [item for item in data.surfaces if item.variant != "builder"]
    assert claims(fake_measurements(surfaces=without))["packages-builder"].verdict == "not measurable here"


def test_ownership_is_judged_from_the_program_owner_and_mode() -> None:
    found = claims(fake_measurements())["ownership"]
    assert found.verdict == "differs"
    assert "`0:0`" in found.measured and "`0755`" in found.measured and "uid 100" in found.measured
    assert "`100:101`" in found.note  # the as-reported variant, after its chown
    data = fake_measurements()
    chowned = [
        item.model_copy(update={"program_owner": "100:101"}) if item.variant == derive.PRIMARY else item
        for item in data.surfaces
    ]
    assert claims(fake_measurements(surfaces=chowned))["ownership"].verdict == "not measurable here"
    stopped = {"started": False, "process_uid": None}
    failed = [
        item.model_copy(update=stopped) if item.variant == derive.PRIMARY else item for item in data.probes
    ]
    assert claims(fake_measurements(probes=failed))["ownership"].verdict == "reproduced"
