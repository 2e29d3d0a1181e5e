"""The claims ledger: how numeric claims are judged, and every claim's verdict, over fake measurements."""

from __future__ import annotations

import pytest

from labreport.report import claims as judging
from labreport.report import derive
from labreport.report.claims import Claim
from labreport.report.ledger import ledger
from labreport.schema import Measurements
from records import fake_measurements, with_base_source, with_variant_size


def claims(data: Measurements) -> dict[str, Claim]:
    return {claim.key: claim for claim in ledger(data)}


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
        judging.judge_number(measured, claimed, 0.10 if not isinstance(claimed, tuple) else 0.0)[0] == verdict
    )


def test_judge_number_signed_difference() -> None:
    assert judging.judge_number(120.0, 100.0)[1] == pytest.approx(20.0)
    assert judging.judge_number(35.0, (20.0, 30.0), 0.0)[1] == pytest.approx(100 * 5 / 30)


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
    assert judging.verdict_counts(list(claims(fake_measurements()).values()))["stand-in"] > 0


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
