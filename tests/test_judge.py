"""The claims ledger: how numeric claims are judged, and every claim's verdict, over fake measurements."""

from __future__ import annotations

import dataclasses

import pytest

from labreport.contract.schema import Measurements
from labreport.report import derive
from labreport.report.claims import claimsfile
from labreport.report.claims import judge as judging
from labreport.report.claims.judge import Claim, Quantity
from labreport.report.claims.ledger import ledger
from records import fake_measurements, with_base_source, with_variant_size


def claims(data: Measurements) -> dict[str, Claim]:
    return {claim.key: claim for claim in ledger(data)}


@pytest.mark.parametrize(
    ("measured", "claimed", "tolerance", "points", "verdict"),
    [
        (100.0, 100.0, 0.10, False, "reproduced"),
        (109.9, 100.0, 0.10, False, "reproduced"),
        (90.1, 100.0, 0.10, False, "reproduced"),
        (110.1, 100.0, 0.10, False, "differs"),
        (89.0, 100.0, 0.10, False, "differs"),
        (25.0, (20.0, 30.0), 0.0, False, "reproduced"),
        (31.0, (20.0, 30.0), 0.0, False, "differs"),
        (19.0, (20.0, 30.0), 0.0, False, "differs"),
        # Percentages in percentage points: 30.5 % is 0.5 pp past "20-30 %", inside 2 pp; 97.25 % is
        # 0.95 pp from 96.3 %, inside 1 pp (a relative 1 % would allow only 0.963 pp, still inside, but
        # 97.35 %, 1.05 pp away, is outside either way).
        (30.5, (20.0, 30.0), 2.0, True, "reproduced"),
        (32.5, (20.0, 30.0), 2.0, True, "differs"),
        (17.9, (20.0, 30.0), 2.0, True, "differs"),
        (97.25, 96.3, 1.0, True, "reproduced"),
        (97.35, 96.3, 1.0, True, "differs"),
        # The band is closed: exactly 10 pp from 50 % at either end still reproduces.
        (40.0, 50.0, 10.0, True, "reproduced"),
        (60.0, 50.0, 10.0, True, "reproduced"),
    ],
)
def test_judge_number_tolerance(
    measured: float, claimed: float | tuple[float, float], tolerance: float, points: bool, verdict: str
) -> None:
    assert judging.judge_number(measured, claimed, tolerance, points)[0] == verdict


def test_judge_number_signed_difference() -> None:
    assert judging.judge_number(120.0, 100.0)[1] == pytest.approx(20.0)
    assert judging.judge_number(35.0, (20.0, 30.0), 0.0)[1] == pytest.approx(100 * 5 / 30)
    assert judging.judge_number(25.0, (20.0, 30.0), 0.0)[1] == 0.0  # inside the range: no distance
    assert judging.judge_number(30.5, (20.0, 30.0), 2.0, points=True)[1] == pytest.approx(0.5)  # pp
    # Below a range the distance is to its low end: 17.9 - 20 = -2.1 pp, 35 - 30 = +5 pp above it.
    assert judging.difference(17.9, (20.0, 30.0), points=True) == pytest.approx(-2.1)
    assert judging.difference(35.0, (20.0, 30.0), points=True) == pytest.approx(5.0)
    # Either end of a range is inside it: no distance.
    assert judging.difference(20.0, (20.0, 30.0), points=False) == 0.0
    assert judging.difference(30.0, (20.0, 30.0), points=False) == 0.0


def test_a_claimed_zero_is_judged_with_no_percentage_of_it() -> None:
    """A report's "FROM scratch (0 MB)": a value off 0 differs, by no percentage of the claim."""
    assert judging.judge_number(6_000_000.0, 0.0) == ("differs", None)
    assert judging.judge_number(0.0, 0.0) == ("reproduced", 0.0)
    assert judging.judge_number(0.4, 0.0, 0.5, points=True) == ("reproduced", pytest.approx(0.4))


def test_verdict_reproduced_and_differs_on_final_image_once_bases_are_real() -> None:
    real = with_base_source(fake_measurements(), "pulled")
    assert claims(with_variant_size(real, "alpine", 30_500_000))["final"].verdict == "reproduced"
    differing = claims(with_variant_size(real, "alpine", 8_000_000))["final"]
    assert differing.verdict == "differs"
    assert differing.difference == pytest.approx((8.0 - 29.8) / 29.8 * 100)
    assert not differing.standin and "base" not in differing.note


# The fake final image: the alpine stand-in (2,310,456 + 2,048 = 2,312,504 B) and the project's
# layers: users 3,021 + CA bundle 219,342 + binary 5,611,704 = 5,834,067 B. With any alpine base
# from 0 to the report's 7.73 MB it weighs 5,834,067 to 13,564,067 B.
OWN = 5_834_067


def test_a_claim_the_project_layers_refute_whatever_the_base_weighs_differs() -> None:
    found = claims(fake_measurements())["final"]
    assert found.verdict == "differs"  # 13.56 MB at most, far below 29.8 MB - 10 %
    assert found.difference == pytest.approx((13.564067 - 29.8) / 29.8 * 100)  # from the nearest weight
    assert "own layers alone: 5.83 MB" in found.note and "5.83 MB to 13.6 MB, not 29.8 MB" in found.note
    assert found.measured == "8.15 MB" and found.standin  # the stand-in's own figure, marked


def test_a_claim_the_base_weight_decides_stays_stand_in() -> None:
    # 29.8 MB in all, so the project's layers are 27,487,496 B: 27.5 to 35.2 MB with any base,
    # which straddles 26.82-32.78 MB.
    found = claims(with_variant_size(fake_measurements(), "alpine", 29_800_000))["final"]
    assert found.verdict == "stand-in" and found.measured == "29.8 MB"
    assert "27.5 MB to 35.2 MB" in found.note
    sdk = claims(fake_measurements())["sdk"]
    assert sdk.verdict == "stand-in" and "base image alone" in sdk.note
    assert claims(fake_measurements())["chown-layer"].verdict != "stand-in"  # the binary only
    present = claims(with_base_source(fake_measurements(), "present"))
    assert "stand-in" not in {claim.verdict for claim in present.values()}
    assert not any(claim.standin for claim in present.values())


def test_a_claim_with_no_stand_in_rule_is_judged_raw_but_marked_when_it_rests_on_one() -> None:
    """A drafted claim names no base to weigh: it is judged on the measured value, and the mark
    still says the value rests on a stand-in (the final image is built on the alpine stand-in);
    once the bases are real images, no mark."""
    entry = next(e for e in claimsfile.current().entries if e.key == "final")
    assert isinstance(entry, Quantity) and entry.vary  # the file's own claim weighs alpine
    raw = dataclasses.replace(entry, vary=(), held=(), rests_on=(), claimed=8_150_000.0)
    found = judging.judge(fake_measurements(), raw, {})
    assert found.verdict == "reproduced" and found.measured == "8.15 MB" and found.standin
    real = judging.judge(with_base_source(fake_measurements(), "pulled"), raw, {})
    assert real.verdict == "reproduced" and not real.standin


def test_a_claim_that_holds_for_every_base_weight_is_reproduced() -> None:
    # 10 x (807 MB, the report's golang:1.25, minus 5,834,067..13,564,067 B) = 7.934..8.012 GB,
    # within 7.9 GB +- 10 % for every alpine weight: reproduced, though both bases are stand-ins.
    found = claims(fake_measurements())["savings-10"]
    assert found.verdict == "reproduced"
    assert "7.93 GB to 8.01 GB" in found.note
    assert found.difference == pytest.approx((8.011659330 - 7.9) / 7.9 * 100)  # the worst case


def test_percentages_compare_in_points_with_the_tolerance_shown() -> None:
    # 1 - 13,564,067 / 807e6 = 98.319 %, 1 - 5,834,067 / 807e6 = 99.277 %: at least 2.02 pp above
    # 96.3 %, outside 1 pp.
    found = claims(fake_measurements())["reduction-sdk"]
    assert found.verdict == "differs" and found.points and found.tolerance == "\u00b11 pp"
    assert found.difference == pytest.approx(98.319 - 96.3, abs=0.001)
    assert judging.show_difference(found) == "+2.0 pp"
    # The fake binaries: 1 - 5,611,704 / 8,159,402 = 31.224 %, 1.224 pp past "20-30 %": within 2 pp.
    strip = claims(fake_measurements())["strip"]
    assert strip.verdict == "reproduced" and strip.difference == pytest.approx(1.2241, abs=0.001)
    assert all(claim.tolerance for claim in claims(fake_measurements()).values())


def test_alpine_over_distroless_differs_whatever_both_bases_weigh() -> None:
    # Own layers: alpine 5,834,067 B, distroless 5,611,704 B (the binary). Alpine base 0..7.73 MB,
    # distroless base 0..10 MB: the difference spans -9.78 MB to 7.95 MB, never 9-11 MB.
    found = claims(fake_measurements())["alpine-over-distroless"]
    assert found.verdict == "differs"
    assert found.difference == pytest.approx((7.952363 - 10) / 10 * 100)


def test_what_a_pull_downloads_is_the_registry_manifest() -> None:
    data = with_base_source(fake_measurements(), "pulled")
    pushed = [
        p.model_copy(update={"compressed_size": 13_000_000}) if p.variant == "alpine" else p
        for p in data.publish
    ]
    found = claims(data.model_copy(update={"publish": pushed}))["final-compressed"]
    # The manifest's 13 MB is within 15 MB - 20 %; the local gzip sum (3.42 MB) would not be.
    assert found.measured == "13 MB" and found.verdict == "reproduced"
    unpushed = claims(data.model_copy(update={"publish": []}))["final-compressed"]
    assert unpushed.measured == "3.42 MB"  # no push: the local estimate


def test_claims_the_base_content_decides_are_stand_in_until_the_base_is_real() -> None:
    found = claims(fake_measurements())
    for key in ("packages-runtime", "packages-builder", "package-manager", "user-layer"):
        assert found[key].verdict == "stand-in", key
    real = claims(with_base_source(fake_measurements(), "pulled"))
    assert real["packages-runtime"].verdict == "differs"  # 3 against ~15
    assert real["package-manager"].verdict == "reproduced"
    data = with_base_source(fake_measurements(), "pulled")
    with_apk = [
        s.model_copy(update={"has_package_manager": True}) if s.variant == "alpine" else s
        for s in data.surfaces
    ]
    assert claims(data.model_copy(update={"surfaces": with_apk}))["package-manager"].verdict == "differs"


def test_unmeasurable_claims_say_why() -> None:
    found = claims(fake_measurements())
    assert found["cves"].verdict == "not measurable here" and "offline" in found["cves"].note
    assert found["ca-layer"].verdict == "not measurable here" and "apk add" in found["ca-layer"].note


def test_the_copied_ca_bundle_is_shown_as_a_bare_size_with_its_layer() -> None:
    """The page wraps the measured value in its evidence: a figure and its pointer, no words beside it."""
    data = fake_measurements()
    image = next(image for image in data.images if image.variant == "alpine")
    bundle = next(layer for layer in image.layers if "ca-certificates" in layer.instruction)
    found = claims(data)["ca-layer"]
    assert found.evidence is not None and found.evidence.inputs == ((bundle, ("size",)),)
    assert found.measured == f"{bundle.size / 1000:.0f} kB"


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
        "ca-layer",
        "alpine-breakdown",
        "alpine-over-distroless",
        "build-output",
        "build-tools",
        "package-manager",
        "cves",
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
