"""Drafted claims: their keys, what makes two of them one, and the entry a claims file gets."""

from __future__ import annotations

from labreport.drafting.claim import UNMATCHED, DraftedClaim, base_key, deduplicated, with_keys


def _claim(line: int, claimed: str, measure: str = "image-size", **arguments: object) -> DraftedClaim:
    return DraftedClaim(
        key="", topic="t", claimed=claimed, measure=measure, line=line, text=f"line {line}", **arguments
    )  # type: ignore[arg-type]


def test_keys_say_what_the_claim_is_about() -> None:
    assert base_key(_claim(1, "8 MB", of="golang:1.24-alpine")) == "size-golang-1-24-alpine"
    assert base_key(_claim(1, "5 s", "build-total", kind="code_change")) == "build-code-change"
    assert (
        base_key(_claim(1, "1 s", "step-time", kind="cold", instruction="go build")) == "step-cold-go-build"
    )
    assert base_key(_claim(1, "50%", "reduction", of="final", against="golang:1.24")) == (
        "reduction-final-vs-golang-1-24"
    )
    assert base_key(_claim(1, "1 GB", "saving", of="final", against="sdk", containers=10)) == (
        "saving-10-final-vs-sdk"
    )
    assert (
        base_key(_claim(1, "ok", "probe-field", endpoint="/health", field="status")) == "probe-health-status"
    )
    assert base_key(_claim(1, "x", "fact", check="cgo-fails")) == "cgo-fails"
    assert base_key(_claim(7, "3 MB", UNMATCHED)) == "unmatched-7"


def test_a_repeated_key_is_numbered_in_report_order() -> None:
    keyed = with_keys([_claim(1, "8 MB", of="app"), _claim(2, "9 MB", of="app"), _claim(3, "1 MB", of="x")])
    assert [claim.key for claim in keyed] == ["size-app", "size-app-2", "size-x"]


def test_a_figure_repeated_on_another_line_is_a_claim_there_a_fact_is_one_claim() -> None:
    claims = [
        _claim(9, "12.4MB", of="app"),
        _claim(3, "12.4 MB", of="app"),
        _claim(5, "12.4 MB", of="builder"),
        _claim(6, "a failure", "fact", check="cgo-fails"),
        _claim(8, "another wording", "fact", check="cgo-fails"),
        _claim(4, "3 MB", UNMATCHED),
        _claim(7, "3 MB", UNMATCHED),
    ]
    assert [(claim.line, claim.claimed) for claim in deduplicated(claims)] == [
        (3, "12.4 MB"),
        (4, "3 MB"),
        (5, "12.4 MB"),
        (6, "a failure"),
        (7, "3 MB"),
        (9, "12.4MB"),
    ]


def test_an_entry_holds_only_what_is_set_in_vocabulary_order() -> None:
    claim = DraftedClaim(
        key="k",
        topic="t",
        claimed="9 MB",
        measure="layer-size",
        line=4,
        text="row",
        of="app",
        instruction="COPY x",
    )
    assert list(claim.entry().items()) == [
        ("key", "k"),
        ("topic", "t"),
        ("claimed", "9 MB"),
        ("measure", "layer-size"),
        ("of", "app"),
        ("instruction", ["COPY", "x"]),  # each word found on its own
        ("line", 4),
        ("text", "row"),
    ]
    assert claim.matched and not _claim(1, "1 MB", UNMATCHED).matched
