"""The stand-in rules the drafter writes (drafting/rules.py), on claims typed here: which base each
measure varies, holds or rests on, and which figure of the report a base is weighed at."""

from __future__ import annotations

from labreport.drafting.claim import DraftedClaim
from labreport.drafting.rules import reported_bases, with_rules

SDK, RUNTIME, SLIM = "golang:9.9", "runtime-base:1", "slim-base:2"
#: A project: `small` on the runtime base, `fat` on the SDK, `bare` on nothing, the builder on the SDK.
BASES = {"small": (RUNTIME,), "fat": (SDK,), "bare": (), "builder": (SDK,), "slim": (SLIM,)}


def claim(measure: str, claimed: str, of: str | None = None, against: str | None = None) -> DraftedClaim:
    return DraftedClaim(
        key="k", topic="t", claimed=claimed, measure=measure, line=1, text="", of=of, against=against
    )


def rules(drafted: DraftedClaim, reported: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    (ruled,) = with_rules([drafted], BASES, reported)
    return ruled.vary, ruled.held, ruled.rests_on


REPORTED = {SDK: "400 MB", RUNTIME: "2 MB"}


def test_an_images_size_varies_its_base_and_a_bases_size_itself() -> None:
    assert rules(claim("image-size", "9 MB", "small"), REPORTED) == ((RUNTIME,), (), ())
    assert rules(claim("download-size", "3 MB", "fat"), REPORTED) == ((SDK,), (), ())
    assert rules(claim("image-size", "400 MB", SDK), REPORTED) == ((SDK,), (), ())
    assert rules(claim("image-size", "6 MB", "bare"), REPORTED) == ((), (), ())


def test_an_image_the_report_weighs_below_its_own_base_holds_the_base_at_the_reports_figure() -> None:
    assert rules(claim("image-size", "300 MB", "fat"), REPORTED) == ((), (SDK,), ())
    assert rules(claim("image-size", "500 MB", "fat"), REPORTED) == ((SDK,), (), ())
    # a download is compressed: lighter than the base's size on disk is no contradiction
    assert rules(claim("download-size", "90 MB", "fat"), REPORTED) == ((SDK,), (), ())


def test_comparisons_vary_the_subject_and_hold_what_it_is_measured_against() -> None:
    assert rules(claim("reduction", "95%", "small", "fat"), REPORTED) == ((RUNTIME,), (SDK,), ())
    assert rules(claim("saving", "4 GB", "small", SDK), REPORTED) == ((RUNTIME,), (SDK,), ())
    assert rules(claim("size-difference", "1 MB", "small", "fat"), REPORTED) == ((RUNTIME, SDK), (), ())
    assert rules(claim("size-difference", "1 MB", "small", "bare"), REPORTED) == ((RUNTIME,), (), ())


def test_counts_and_pulls_rest_on_the_bases_outright_weighed_or_not() -> None:
    assert rules(claim("package-count", "7", "builder"), {}) == ((), (), (SDK,))
    assert rules(claim("pull-ratio", "40x", "small", "fat"), {}) == ((), (), (RUNTIME, SDK))
    assert rules(claim("layer-size", "5 MB", "small"), REPORTED) == ((), (), ())


def test_a_base_the_report_gives_no_figure_gets_no_weighing_rule() -> None:
    assert rules(claim("image-size", "9 MB", "slim"), REPORTED) == ((), (), ())
    assert rules(claim("reduction", "95%", "slim", "fat"), REPORTED) == ((), (SDK,), ())


def test_a_base_is_weighed_at_its_largest_own_figure_else_the_lightest_image_on_it() -> None:
    drafted = [
        claim("image-size", "~300 MB", SDK),
        claim("image-size", "336 MB", SDK),
        claim("image-size", "320 MB", SDK),
        claim("image-size", "12 MB", "slim"),
        claim("image-size", "~10 MB", "slim"),
        claim("download-size", "1 MB", "slim"),  # compressed: no bound on the base's size
        claim("image-size", "8 MB", "bare"),
    ]
    assert reported_bases(drafted, BASES) == {SDK: "336 MB", SLIM: "~10 MB"}
