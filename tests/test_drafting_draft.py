"""The whole drafter on a report of our own (tests/data/reports/report.md: output recorded here,
sentences written for the test): every claim, its arguments, its figure and its line."""

from __future__ import annotations

from pathlib import Path

from labreport.drafting import draft

REPORT = (Path(__file__).parent / "data" / "reports" / "report.md").read_text(encoding="utf-8")
KNOWN = {"drafting-rec/app:1.0": "app", "drafting-rec/base:1.0": "drafting-rec/base:1.0"}
DIGEST = "sha256:84c09eab5b0c63151a3be35359a5d5121c95843be9eebb4059d0f54749698d68"


def test_every_claim_of_the_report_with_its_line() -> None:
    drafted = [
        (claim.key, claim.measure, claim.claimed, claim.line, claim.of, claim.kind, claim.instruction)
        for claim in draft(REPORT, KNOWN)
    ]
    assert drafted == [
        ("layer-app-copy-payload", "layer-size", "1.5 MB", 25, "app", None, "COPY payload"),
        ("step-count-builder", "step-count", "6", 47, "builder", None, None),
        ("step-count-stage-1", "step-count", "5", 64, "stage-1", None, None),
        ("step-cold-echo", "step-time", "0.3s", 66, None, "cold", "echo"),
        ("step-cold-sleep-cat", "step-time", "1.3s", 78, None, "cold", "sleep cat"),
        ("step-cold-sleep-dd", "step-time", "2.4s", 86, None, "cold", "sleep dd"),
        ("step-cold-copy-payload", "step-time", "0.1s", 90, None, "cold", "COPY payload"),
        ("step-cold-chown", "step-time", "0.3s", 94, None, "cold", "chown"),
        ("build-cached", "build-total", "0.2s", 109, None, "cached", None),
        ("step-count-builder-2", "step-count", "6", 115, "builder", None, None),
        ("step-count-stage-1-2", "step-count", "5", 118, "stage-1", None, None),
        ("build-code-change", "build-total", "2.9s", 137, None, "code_change", None),
        ("step-count-builder-3", "step-count", "6", 143, "builder", None, None),
        ("step-code-change-sleep-dd", "step-time", "2.4s", 150, None, "code_change", "sleep dd"),
        ("step-count-stage-1-3", "step-count", "5", 151, "stage-1", None, None),
        ("step-code-change-chown", "step-time", "0.3s", 154, None, "code_change", "chown"),
        ("build-cold", "build-total", "about 4 seconds", 161, None, "cold", None),
        ("build-code-change-2", "build-total", "2.9 s", 161, None, "code_change", None),
        ("unmatched-168", "", "4.98MB", 168, None, None, None),
        ("size-app", "image-size", "4.98MB", 169, "app", None, None),
        ("size-drafting-rec-base-1-0", "image-size", "1.98MB", 170, "drafting-rec/base:1.0", None, None),
        ("layer-app-chown", "layer-size", "1.5MB", 176, "app", None, "chown"),
        ("layer-app-copy-payload-2", "layer-size", "1.5MB", 177, "app", None, "COPY payload"),
        ("layer-app-echo", "layer-size", "90B", 179, "app", None, "echo"),
        ("size-app-2", "image-size", "4.98 MB", 183, "app", None, None),
        ("layer-app-copy-payload-3", "layer-size", "1.5 MB", 184, "app", None, "COPY payload"),
        ("size-drafting-rec-base-1-0-2", "image-size", "1.98 MB", 185, "drafting-rec/base:1.0", None, None),
        ("unmatched-187", "", "12%", 187, None, None, None),
        ("push-digest-app", "push-digest", DIGEST, 204, "app", None, None),
        ("probe-health-status", "probe-field", "healthy", 211, None, None, None),
    ]


def test_each_claim_names_the_line_that_prints_it() -> None:
    lines = REPORT.split("\n")
    for claim in draft(REPORT, KNOWN):
        assert claim.text == lines[claim.line - 1]
        assert claim.claimed.replace(" ", "") in claim.text.replace(" ", ""), claim.key


def test_what_the_parsers_explain_and_what_they_could_not() -> None:
    claims = {claim.key: claim for claim in draft(REPORT, KNOWN)}
    assert (
        claims["unmatched-168"].note == "drafting-rec/app:legacy is not one of the project's images or bases"
    )
    assert claims["unmatched-187"].note == "words around it: 'We spent of the afternoon on this table.'"
    assert claims["push-digest-app"].note == "manifest of 1363 bytes; 5 layers, 5 pushed"
    assert claims["probe-health-status"].endpoint == "/health"
    assert claims["probe-health-status"].field == "status"
    # said twice (the images table, the list under it): one claim, where first said
    assert [
        claim.line for claim in claims.values() if claim.of == "app" and claim.measure == "image-size"
    ] == [169, 183]


def test_without_the_caller_s_names_the_report_s_own_image_is_final() -> None:
    claims = {claim.key: claim for claim in draft(REPORT, {})}
    assert claims["size-final"].claimed == "4.98MB" and claims["size-final"].line == 169
    assert claims["size-drafting-rec-base-1-0"].of == "drafting-rec/base:1.0"  # a FROM of its Dockerfile


def test_a_report_with_nothing_to_draft() -> None:
    assert draft("# Notes\n\nNo figures at all.\n\n```\n$ make\n```\n", KNOWN) == []
