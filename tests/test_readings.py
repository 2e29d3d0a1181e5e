"""The text measures: a field of the shipped image's JSON answer and a pushed digest, read from the
probe and publish records, judged by exact match, and refused in a claims file where they cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from labreport.contract.schema import Answer, Measurements
from labreport.report import derive
from labreport.report.claims.claimsfile import ClaimsError, load
from labreport.report.claims.ledger import ledger
from labreport.report.claims.measures import Arguments
from labreport.report.claims.readings import READINGS, as_printed, probe_field, push_digest
from records import fake_measurements
from records_probes import fake_probe, health_body, root_body

DIGEST = "sha256:" + "5e" * 32


def _data() -> Measurements:
    """The shipped image answers with `quotes: 7`; another variant with 8, which must not be read."""
    shipped = fake_probe(derive.PRIMARY, root_body={**root_body(), "quotes": 7})
    other = fake_probe("single-stage", root_body={**root_body(), "quotes": 8})
    data = fake_measurements(probes=[other, shipped])
    pushed = [
        each.model_copy(update={"digest": DIGEST}) if each.variant == derive.PRIMARY else each
        for each in data.publish
    ]
    return data.model_copy(update={"publish": pushed})


def test_probe_field_reads_the_shipped_images_answer() -> None:
    data = _data()
    assert probe_field("/", "quotes")(data) == "7"
    assert probe_field("/", "service.name")(data) == root_body()["service"]["name"]
    assert probe_field("/health", "status")(data) == health_body()["status"]
    # A field the answer lacks, or one of the other endpoint's, is not measured (not a wrong value).
    assert probe_field("/", "status")(data) is None
    assert probe_field("/health", "quotes")(data) is None
    assert probe_field("/", "service.name.first")(data) is None
    assert probe_field("/", "quotes")(fake_measurements(probes=[])) is None


def test_an_other_declared_endpoints_answer_is_read_from_its_own_entry() -> None:
    """Endpoints beyond the root and the health check are asked once each (`Probe.answers`): the
    field is read from that endpoint's answer, never from another's, and its pointer names it."""
    answers = [
        Answer(path="/quote/1", status=200, body={"id": 1, "text": "first"}),
        Answer(path="/quote/9", status=404, body={"error": "no quote 9"}),
    ]
    shipped = fake_probe(derive.PRIMARY, answers=answers)
    data = fake_measurements(probes=[fake_probe("single-stage"), shipped])
    assert probe_field("/quote/1", "id")(data) == "1"
    assert probe_field("/quote/9", "error")(data) == "no quote 9"
    assert probe_field("/quote/9", "id")(data) is None
    assert probe_field("/quote/2", "id")(data) is None  # never asked: not measured
    pointing = READINGS["probe-field"].point(Arguments(endpoint="/quote/9", field="error"))(data)
    assert pointing is not None and pointing.inputs == ((shipped, ("answers", "1", "body", "error")),)


def test_json_values_read_as_a_report_prints_them() -> None:
    assert [as_printed(each) for each in ("ok", 7, True, None, 0.5)] == ["ok", "7", "true", "null", "0.5"]


def test_push_digest_reads_the_publish_record() -> None:
    data = _data()
    assert push_digest(derive.PRIMARY)(data) == DIGEST
    assert push_digest("single-stage")(data) == "sha256:" + "cd34" * 16
    assert push_digest(derive.PRIMARY)(fake_measurements(publish=[])) is None


CLAIMS = f"""
[[claim]]
key = "quotes"
topic = "quotes"
claimed = "7"
measure = "probe-field"
endpoint = "/"
field = "quotes"
page = "testing.md"
line = 1

[[claim]]
key = "status-wrong"
topic = "status"
claimed = "ok"
measure = "probe-field"
endpoint = "/health"
field = "status"
page = "testing.md"
line = 2

[[claim]]
key = "digest"
topic = "digest"
claimed = "{DIGEST}"
measure = "push-digest"
of = "{derive.PRIMARY}"
page = "publishing.md"
line = 3
"""


def test_text_claims_are_judged_by_exact_match_with_their_evidence(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(CLAIMS, encoding="utf-8")
    data = _data()
    quotes, status, digest = ledger(data, load(path))
    assert (quotes.verdict, quotes.measured) == ("reproduced", "7")
    assert (status.verdict, status.measured) == ("differs", "healthy")
    assert (digest.verdict, digest.measured) == ("reproduced", DIGEST)
    assert quotes.evidence is not None and digest.evidence is not None
    shipped = next(each for each in data.probes if each.variant == derive.PRIMARY)
    assert quotes.evidence.inputs == ((shipped, ("root_body", "quotes")),)
    pushed = next(each for each in data.publish if each.variant == derive.PRIMARY)
    assert digest.evidence.inputs == ((pushed, ("digest",)),)
    (unpushed,) = ledger(fake_measurements(publish=[]), load(_only(path, CLAIMS.split("[[claim]]")[3])))
    assert unpushed.verdict == "not measurable here"


def _only(path: Path, entry: str) -> Path:
    path.write_text("[[claim]]" + entry, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'endpoint = "/"',
            'endpoint = "/quote/1"',
            "field 'endpoint': unknown name '/quote/1'; known: /, /health",
        ),
        ('field = "quotes"', "field = 7", "field 'field': must be a str"),
        ('field = "quotes"\n', 'field = "quotes"\ntolerance = "1%"\n', "matched exactly, not weighed"),
        ('endpoint = "/"\n', "", "field 'endpoint': missing"),
    ],
)
def test_a_bad_text_claim_is_one_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _only(tmp_path / "claims.toml", CLAIMS.split("[[claim]]")[1].replace(old, new, 1))
    with pytest.raises(ClaimsError, match=message):
        load(path)


def test_the_vocabulary_names_both() -> None:
    assert set(READINGS) == {"probe-field", "push-digest"}
