"""Yes/no facts stated in words or shown in an error message, on sentences written for the test."""

from __future__ import annotations

from labreport.drafting.facts import read_facts
from labreport.drafting.markdown import Line


def _facts(text: str, around: str = "") -> list[tuple[str | None, str, int]]:
    line = Line(number=7, text=text, raw=text)
    return [(claim.check, claim.claimed, claim.line) for claim in read_facts(line, around)]


def test_the_loader_error_of_a_cgo_binary_is_the_cgo_fact_when_cgo_is_in_view() -> None:
    error = "exec /usr/local/bin/server: no such file or directory"
    assert _facts(error, "Problem 1: cgo was still on") == [("cgo-fails", error, 7)]
    assert _facts(error, "Problem 1: a typo in the path") == []


def test_ownership_needing_chown() -> None:
    said = "- The binary was owned by root, so **appuser** could not start it"
    assert _facts(said, "Problem 2: file ownership") == [
        ("chown-needed", "The binary was owned by root, so appuser could not start it", 7)
    ]


def test_no_package_manager_and_fewer_vulnerabilities() -> None:
    assert _facts("The runtime image has no package manager at all") == [
        ("no-package-manager", "The runtime image has no package manager at all", 7)
    ]
    assert _facts("A scan lists 41 CVEs in the builder and 2 in the runtime image") == [
        ("fewer-cves", "A scan lists 41 CVEs in the builder and 2 in the runtime image", 7)
    ]


def test_a_plain_sentence_states_no_fact() -> None:
    assert _facts("The package manager installs tzdata in the builder") == []
    assert _facts("Both images start in under a second") == []
