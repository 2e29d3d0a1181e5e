"""The claims file: this report's claims.toml read whole, and each kind of bad entry refused with one
line naming the file, the claim and the field."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from labreport.report import derive
from labreport.report.claims import claimsfile
from labreport.report.claims.checks import Fact
from labreport.report.claims.claimsfile import ClaimsError, load
from labreport.report.claims.judge import Quantity
from labreport.report.claims.ledger import claimed_value, ledger
from labreport.report.site import build as sitebuild
from labreport.report.site.plugin import LabreportPlugin
from records import fake_measurements, write_data

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
[reported_bases]
"alpine:3.19" = "7.73 MB"

[[claim]]
key = "final"
topic = "final image"
claimed = "29.8 MB"
measure = "image-size"
of = "alpine"
page = "sizes.md"
line = 119
vary = ["alpine:3.19"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_this_reports_claims_file_holds_its_32_claims_in_ledger_order() -> None:
    claims = load(ROOT / "claims.toml")
    assert len(claims.entries) == 32
    assert sum(isinstance(entry, Fact) for entry in claims.entries) == 5
    keys = [claim.key for claim in ledger(fake_measurements(), claims)]
    assert keys == [entry.key for entry in claims.entries]
    assert keys[:2] == ["sdk", "sdk-alpine"] and keys[-1] == "cves"
    # The report's base figures are read as decimal sizes: 807 MB is 807,000,000 bytes.
    assert claims.reported_bases["golang:1.25"] == 807_000_000
    assert claims.reported_bases["alpine:3.19"] == 7_730_000


def test_a_good_entry_reads_as_a_quantity(tmp_path: Path) -> None:
    (entry,) = load(_write(tmp_path, GOOD)).entries
    assert isinstance(entry, Quantity)
    assert entry.claimed == 29_800_000 and entry.tolerance == pytest.approx(0.10) and not entry.points
    assert entry.vary == ("alpine:3.19",) and entry.show(29.8e6) == "29.8 MB"
    # The measure named is the one built: the fake final image weighs 8,146,571 B (tests/records.py).
    assert entry.measure(fake_measurements(), {}) == 8_146_571


def test_an_entry_with_no_page_is_shown_on_its_measures_page(tmp_path: Path) -> None:
    (entry,) = load(
        _write(
            tmp_path,
            GOOD.replace('page = "sizes.md"\n', "")
            .replace("image-size", "layer-size")
            .replace('of = "alpine"', 'of = "alpine"\ninstruction = "COPY"'),
        )
    ).entries
    assert entry.page == "layers.md"


def test_a_drafted_entry_that_cannot_be_read_is_set_aside_and_a_persons_stops_the_load(
    tmp_path: Path,
) -> None:
    broken = "[[claim]]" + GOOD.split("[[claim]]")[1].replace('of = "alpine"\n', "")
    with pytest.raises(ClaimsError, match="claim 'again': field 'of': missing"):
        load(_write(tmp_path, GOOD + broken.replace('key = "final"', 'key = "again"')))
    drafted = broken.replace('key = "final"', 'key = "again"\ndrafted = "0123abcd"')
    claims = load(_write(tmp_path, GOOD + drafted))
    assert [entry.key for entry in claims.entries] == ["final"]
    (reason,) = claims.set_aside
    assert "claim 'again': field 'of': missing" in reason
    with pytest.raises(ClaimsError, match="no \\[\\[claim\\]\\] entry can be judged"):
        load(_write(tmp_path, GOOD.split("[[claim]]")[0] + drafted))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'measure = "image-size"',
            'measure = "image-sise"',
            "claim 'final': field 'measure': unknown measure 'image-sise'",
        ),
        ('of = "alpine"', 'of = "alpline"', "claim 'final': field 'of': unknown name 'alpline'"),
        ('claimed = "29.8 MB"', 'claimed = "29.8 MQ"', "claim 'final': field 'claimed': unknown unit 'MQ'"),
        (
            'claimed = "29.8 MB"',
            'claimed = "about thirty"',
            "claim 'final': field 'claimed': 'about thirty' is not a number",
        ),
        ('page = "sizes.md"', "page = 3", "claim 'final': field 'page': must be a str"),
        ('of = "alpine"\n', "", "claim 'final': field 'of': missing"),
        ("line = 119", 'line = "119"', "claim 'final': field 'line': must be a int"),
        ("line = 119", "line = 0", "claim 'final': field 'line': a report line counts from 1"),
        (
            'vary = ["alpine:3.19"]',
            'vary = ["alpine:3.20"]',
            "claim 'final': field 'vary': unknown name 'alpine:3.20'",
        ),
        (
            'vary = ["alpine:3.19"]',
            'vary = ["golang:1.25"]',
            "field 'vary': 'golang:1.25' has no figure in [reported_bases]",
        ),
        (
            'page = "sizes.md"',
            'page = "sizes.md"\ntolerance = "10 pp"',
            "field 'tolerance': '10 pp': percentage points fit only a percentage",
        ),
        (
            'page = "sizes.md"',
            'page = "sizes.md"\ntolerance = "a bit"',
            "field 'tolerance': 'a bit' is not a tolerance",
        ),
        (
            'page = "sizes.md"',
            'page = "sizes.md"\nkind = "cold"',
            "claim 'final': field 'kind': not an argument of measure 'image-size'",
        ),
        (
            'page = "sizes.md"',
            'page = "sizes.md"\ncolour = "red"',
            "claim 'final': field 'colour': not a field of measure 'image-size'",
        ),
        ('key = "final"\n', "", "claim #1: field 'key': missing"),
        (
            '"alpine:3.19" = "7.73 MB"',
            '"alpine:3.19" = "7.73"',
            "[reported_bases]: field 'alpine:3.19': '7.73' is not one size",
        ),
        (
            '"alpine:3.19" = "7.73 MB"',
            '"alpine:9" = "7.73 MB"',
            "[reported_bases]: field 'alpine:9': unknown base image",
        ),
    ],
)
def test_a_bad_entry_is_one_line_naming_file_claim_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ClaimsError) as raised:
        load(path)
    text = str(raised.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_bad_facts_and_duplicates(tmp_path: Path) -> None:
    fact = '\n[[claim]]\nkey = "cgo"\ntopic = "t"\nclaimed = "fails"\nmeasure = "fact"\n'
    fact += 'page = "p.md"\nline = 3\n'
    cases = {
        fact + 'check = "cgo-fail"\n': "claim 'cgo': field 'check': unknown check 'cgo-fail'",
        fact + 'check = "cgo-fails"\nof = "cgoo"\n': "claim 'cgo': field 'of': unknown name 'cgoo'",
        fact
        + 'check = "cgo-fails"\ncontainers = 3\n': "field 'containers': not an argument of measure 'fact'",
        fact.replace('"cgo"', '"final"')
        + 'check = "not-measurable"\n': "claim 'final': field 'key': used by an earlier",
    }
    for extra, message in cases.items():
        with pytest.raises(ClaimsError, match=re.escape(message)):
            load(_write(tmp_path, GOOD + extra))


def test_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ClaimsError, match="missing"):
        load(tmp_path / "none.toml")
    with pytest.raises(ClaimsError, match="not TOML"):
        load(_write(tmp_path, "[[claim]\n"))
    with pytest.raises(ClaimsError, match="unknown table 'claims'"):
        load(_write(tmp_path, "[[claims]]\nkey = 1\n"))


def test_a_bad_claims_file_fails_the_site_build_before_any_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sitebuild.DATA_ENV, str(write_data(fake_measurements(), tmp_path / "m.json")))
    monkeypatch.setenv(claimsfile.CLAIMS_ENV, str(_write(tmp_path, GOOD.replace("image-size", "image-sise"))))
    with pytest.raises(PluginError, match="field 'measure': unknown measure 'image-sise'"):
        LabreportPlugin().on_config(MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml")))


def test_the_figures_mark_the_value_of_the_file_they_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(claimsfile.CLAIMS_ENV, str(_write(tmp_path, GOOD.replace("29.8 MB", "31 MB"))))
    assert claimed_value("final") == 31_000_000
    with pytest.raises(KeyError, match="no numeric claim 'sdk'"):
        claimed_value("sdk")


def _numbers_in_source() -> set[float]:
    found: set[float] = set()
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)
            ):
                found.add(float(node.value))
    return found


def test_no_figure_of_the_report_is_written_in_the_source() -> None:
    """The report's numbers live in claims.toml only. Small round ones (2, 10, 15, 40) are too common
    to tell apart from any other constant, so the check covers the telling ones."""
    claims = load(ROOT / "claims.toml")
    values = [*claims.reported_bases.values()]
    for entry in claims.entries:
        if isinstance(entry, Quantity):
            values += list(entry.claimed) if isinstance(entry.claimed, tuple) else [entry.claimed]
    telling = {value for value in values if value >= 1000 or value != int(value)}
    assert len(telling) >= 15
    assert not telling & _numbers_in_source()


def test_a_fact_without_the_variant_its_check_needs_is_one_line_and_no_package_manager_means_the_final(
    tmp_path: Path,
) -> None:
    fact = """
[[claim]]
key = "cgo"
topic = "cgo fails"
claimed = "no such file or directory"
measure = "fact"
check = "cgo-fails"
expect = "no such file"
page = "build.md"
line = 3
"""
    with pytest.raises(ClaimsError, match="claim 'cgo': field 'of': missing"):
        load(_write(tmp_path, fact))
    quiet = fact.replace('"cgo-fails"', '"no-package-manager"').replace('expect = "no such file"\n', "")
    (entry,) = load(_write(tmp_path, quiet)).entries
    assert entry.of == derive.PRIMARY
