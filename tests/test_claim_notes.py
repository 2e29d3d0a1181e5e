"""The whole claim a reader sees (verdict, figures, explanatory note), judged ranges at the edges of
the tolerance band, and each measure built afresh, with figures worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from labreport.contract.schema import Measurements
from labreport.report import derive
from labreport.report.claims import judge as judging
from labreport.report.claims.judge import Claim
from labreport.report.claims.ledger import ledger
from records import fake_measurements, with_one_base_source, with_variant_size


def claims(data: Measurements) -> dict[str, Claim]:
    return {claim.key: claim for claim in ledger(data)}


# --- the whole claim a reader sees: verdict, figures and the explanatory note ---------------------


def _without_difference(claim: Claim) -> Claim:
    """The claim with its float difference taken out, to compare the rest exactly."""
    return replace(claim, difference=None)


def test_full_note_of_a_claim_the_stand_in_range_refutes() -> None:
    # Own layers 5,834,067 B = 5.83 MB; plus an alpine base of 0..7.73 MB: 5.83 MB to 13.6 MB, all
    # below 29.8 MB - 10 %. The difference is from the nearest: (13,564,067 - 29,800,000) / 29.8e6.
    found = claims(fake_measurements())["final"]
    assert _without_difference(found) == Claim(
        key="final",
        topic="final image, uncompressed",
        claimed="29.8 MB",
        measured="8.15 MB",
        verdict="differs",
        difference=None,
        note="the final image's own layers alone: 5.83 MB; with any alpine:3.19 base from 0 to 7.73 MB "
        "it would be 5.83 MB to 13.6 MB, not 29.8 MB",
        page="sizes.md",
        tolerance="\u00b110 %",
        points=False,
        standin=True,
    )
    assert found.difference == pytest.approx(-54.4830, abs=1e-4)
    assert judging.show_difference(found) == "-54.5 %"


def test_full_note_puts_the_range_before_the_quantitys_own_note() -> None:
    # The fake manifest holds the local gzip estimate, 3,421,559 B; less the alpine base's compressed
    # 971,251 B, the own layers download 2,450,308 B = 2.45 MB; plus 7.73 MB: 10,180,308 B = 10.2 MB,
    # below 15 MB - 20 % = 12 MB. Difference (10,180,308 - 15e6) / 15e6 = -32.13 %.
    found = claims(fake_measurements())["final-compressed"]
    assert found.verdict == "differs" and found.tolerance == "\u00b120 %"
    assert found.note == (
        "its own layers' download alone: 2.45 MB; with any alpine:3.19 base from 0 to 7.73 MB it would "
        "be 2.45 MB to 10.2 MB, not 15 MB; the registry manifest's layer sizes; the report says about "
        "this much"
    )
    assert found.difference == pytest.approx(-32.1313, abs=1e-4)


def test_full_note_of_a_claim_the_base_weight_decides() -> None:
    # 29.8 MB in all: own layers 29,800,000 - 2,312,504 = 27,487,496 B (27.5 MB); + 7.73 MB = 35.2 MB.
    found = claims(with_variant_size(fake_measurements(), "alpine", 29_800_000))["final"]
    assert found.verdict == "stand-in" and found.difference == 0.0
    assert found.note == (
        "the final image's own layers alone: 27.5 MB; with any alpine:3.19 base from 0 to 7.73 MB it "
        "could be 27.5 MB to 35.2 MB: the base's real weight decides"
    )
    # The distroless variant: its binary 5,611,704 B (5.61 MB) on a base of 0..10 MB: up to 15.6 MB.
    distroless = claims(fake_measurements())["distroless"]
    assert distroless.verdict == "stand-in"
    assert distroless.note == (
        "the variant's own layers alone: 5.61 MB; with any gcr.io/distroless/static-debian12:latest base "
        "from 0 to 10 MB it could be 5.61 MB to 15.6 MB: the base's real weight decides"
    )


def test_full_note_of_a_claim_about_a_stand_in_base_itself() -> None:
    # The stand-in golang:1.25 weighs 78,912,345 + 231,456,789 + 241,345,678 = 551,714,812 B:
    # (551,714,812 - 807e6) / 807e6 = -31.63 %.
    found = claims(fake_measurements())["sdk"]
    assert _without_difference(found) == Claim(
        key="sdk",
        topic="`golang:1.25` (Debian-based SDK image)",
        claimed="807 MB",
        measured="552 MB",
        verdict="stand-in",
        difference=None,
        note="about the base image alone (nothing this project adds): only the real image settles it",
        page="sizes.md",
        tolerance="\u00b110 %",
        standin=True,
    )
    assert found.difference == pytest.approx(-31.6339, abs=1e-4)


def test_full_note_of_a_claim_decided_by_stand_ins() -> None:
    # Pull medians: single-stage 9.8 s (of 9.1, 9.8, 11.2), alpine 0.41 s (of 0.38, 0.41, 0.47):
    # 9.8 / 0.41 = 23.90x; (23.902 - 40) / 40 = -40.24 %.
    found = claims(fake_measurements())["deploy"]
    assert _without_difference(found) == Claim(
        key="deploy",
        topic="multi-stage deploys faster than single-stage",
        claimed="40.0x",
        measured="23.9x",
        verdict="stand-in",
        difference=None,
        note="decided by the stand-in for golang:1.25, alpine:3.19; pull from a registry on this machine: "
        "no network latency",
        page="publishing.md",
        tolerance="\u00b110 %",
        standin=True,
    )
    assert found.difference == pytest.approx(-40.2439, abs=1e-4)
    runtime = claims(fake_measurements())["packages-runtime"]  # 3 packages against 15: -80 %
    assert runtime.note == "decided by the stand-in for alpine:3.19; nearly every package is the base's"
    assert runtime.difference == pytest.approx(-80.0)


def test_full_note_of_a_claim_reproduced_for_every_base_weight() -> None:
    # 10 x (807,000,000 - 5,834,067..13,564,067) = 7,934,359,330..8,011,659,330 B: within 7.9 GB +- 10 %;
    # the worst case is (8,011,659,330 - 7.9e9) / 7.9e9 = +1.413 %.
    found = claims(fake_measurements())["savings-10"]
    assert _without_difference(found) == Claim(
        key="savings-10",
        topic="saved by deploying 10 containers",
        claimed="7.9 GB",
        measured="5.44 GB",
        verdict="reproduced",
        difference=None,
        note="with any alpine:3.19 base from 0 to 7.73 MB and golang:1.25 at the report's 807 MB it is "
        "7.93 GB to 8.01 GB, within 7.9 GB \u00b110 %",
        page="why-it-matters.md",
        tolerance="\u00b110 %",
        standin=True,
    )
    assert found.difference == pytest.approx(1.4134, abs=1e-4)


def test_full_note_of_a_reproduced_claim_with_no_stand_in() -> None:
    # Cold build: step medians 0.9 + 41.2 + 0.8 + 0.3 + 0.3 and 12 steps of 0.15 s = 45.3 s;
    # (45.3 - 45) / 45 = +0.667 %.
    found = claims(fake_measurements())["build-cold"]
    assert _without_difference(found) == Claim(
        key="build-cold",
        topic="cold build",
        claimed="45.0 s",
        measured="45.3 s",
        verdict="reproduced",
        difference=None,
        note="base images already on the engine: no download time",
        page="build.md",
        tolerance="\u00b110 %",
    )
    assert found.difference == pytest.approx(0.6667, abs=1e-4)


def test_full_note_of_a_percentage_in_points() -> None:
    # 1 - 5,834,067 / 807e6 = 99.28 %, 1 - 13,564,067 / 807e6 = 98.32 %: above 96.3 % + 1 pp.
    found = claims(fake_measurements())["reduction-sdk"]
    assert found.note == (
        "with any alpine:3.19 base from 0 to 7.73 MB and golang:1.25 at the report's 807 MB it would be "
        "98.3 % to 99.3 %, not 96.3 %"
    )
    # Once golang:1.25 is real it is no longer held at 807 MB: its measured 551,714,812 B is used.
    # 1 - 13,564,067 / 551,714,812 = 97.54 %, 1 - 5,834,067 / 551,714,812 = 98.94 %.
    real_sdk = claims(with_one_base_source(fake_measurements(), derive.SDK, "pulled"))["reduction-sdk"]
    assert real_sdk.note == (
        "with any alpine:3.19 base from 0 to 7.73 MB it would be 97.5 % to 98.9 %, not 96.3 %"
    )
    assert real_sdk.difference == pytest.approx(97.5415 - 96.3, abs=1e-4)


def test_full_claim_of_a_range() -> None:
    # 1 - 5,611,704 / 8,159,402 = 31.224 %: 1.224 pp above "20-30 %", within 2 pp.
    found = claims(fake_measurements())["strip"]
    assert _without_difference(found) == Claim(
        key="strip",
        topic='`-ldflags="-w -s"` effect on the binary',
        claimed="20.0 % to 30.0 %",
        measured="31.2 %",
        verdict="reproduced",
        difference=None,
        note="",
        page="dockerfile.md",
        tolerance="\u00b12 pp",
        points=True,
    )
    assert judging.show_difference(found) == "+1.2 pp"


def test_full_claim_not_measurable() -> None:
    found = claims(fake_measurements(publish=[]))["deploy"]
    assert found == Claim(
        key="deploy",
        topic="multi-stage deploys faster than single-stage",
        claimed="40.0x",
        measured="\u2013",
        verdict="not measurable here",
        difference=None,
        note="the pull times were not measured",
        page="publishing.md",
        tolerance="\u00b110 %",
    )
    assert judging.show_difference(found) == "\u2013"
    reduction = claims(fake_measurements(images=[]))["reduction-sdk"]
    assert reduction.verdict == "not measurable here" and reduction.points
    assert reduction.tolerance == "\u00b11 pp" and reduction.claimed == "96.3 %"


def test_only_the_bases_still_stand_ins_are_named_in_the_note() -> None:
    # Alpine real: its variant weighs its measured 8,146,571 B; distroless 5,611,704 B + 0..10 MB base:
    # 8,146,571 - 15,611,704 = -7,465,133 B to 8,146,571 - 5,611,704 = 2,534,867 B, never 9-11 MB.
    # Difference from the nearer end: (2,534,867 - 10e6) / 10e6 = -74.65 %.
    data = with_one_base_source(fake_measurements(), derive.ALPINE, "pulled")
    found = claims(data)["alpine-over-distroless"]
    assert found.verdict == "differs"
    assert found.note == (
        "with any gcr.io/distroless/static-debian12:latest base from 0 to 10 MB it would be "
        "-7.47 MB to 2.53 MB, not 10 MB"
    )
    assert found.difference == pytest.approx(-74.65133)


def test_tolerance_as_shown() -> None:
    assert judging.show_tolerance(0.1, points=False) == "\u00b110 %"
    assert judging.show_tolerance(0.2, points=False) == "\u00b120 %"
    assert judging.show_tolerance(1.0, points=True) == "\u00b11 pp"


def test_verdict_counts_count_each_claim_once() -> None:
    found = claims(fake_measurements())
    picked = [found["build-cold"], found["strip"], found["final"], found["cves"]]
    assert judging.verdict_counts(picked) == {
        "reproduced": 2,
        "differs": 1,
        "stand-in": 0,
        "not measurable here": 1,
    }
    assert list(judging.verdict_counts([])) == list(judging.VERDICTS)


# --- a judged range over base weights, at the edges of the band -------------------------------


def _on_alpine(own: float, claimed: float = 50.0) -> judging.Quantity:
    """A percentage that is `own` plus whatever the alpine base weighs (its stand-in: 1)."""
    return judging.Quantity(
        key="k",
        topic="t",
        claimed=claimed,
        show=lambda value: f"{value:g}",
        measure=lambda data, weights: own + weights.get(derive.ALPINE, 1.0),
        missing="m",
        page="p.md",
        vary=(derive.ALPINE,),
        tolerance=10.0,
        points=True,
    )


@pytest.mark.parametrize(
    ("own", "verdict"),
    [
        (30.0, "stand-in"),  # 30..40: touches the band's low end 50 - 10 = 40
        (60.0, "stand-in"),  # 60..70: touches its high end 50 + 10 = 60
        (40.0, "reproduced"),  # 40..50: inside, the band is closed
        (50.0, "reproduced"),  # 50..60
        (29.0, "differs"),  # 29..39: below
        (61.0, "differs"),  # 61..71: above
    ],
)
def test_a_range_at_the_edge_of_the_band(own: float, verdict: str) -> None:
    found = judging.judge(fake_measurements(), _on_alpine(own), {derive.ALPINE: 10.0})
    assert found.verdict == verdict


def test_a_reproduced_range_reports_its_worst_case_in_points() -> None:
    # 42..51 against 50 +- 10 pp: -8 pp at the light end, +1 pp at the heavy one; the worst is -8 pp
    # (in points: -16 % would be the relative figure).
    found = judging.judge(fake_measurements(), _on_alpine(42.0), {derive.ALPINE: 9.0})
    assert found.verdict == "reproduced" and found.difference == pytest.approx(-8.0)
    assert found.note == "with any alpine:3.19 base from 0 to 9 B it is 42 to 51, within 50 \u00b110 pp"
