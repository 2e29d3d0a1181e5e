"""The claims file a draft writes, and a second run over the same report keeping a person's work:
an edited entry, a confirmed one (its `drafted` line deleted), a renamed key, a hand-written one."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from labreport.drafting.claim import UNMATCHED, DraftedClaim
from labreport.drafting.claims_file import (
    ClaimsFileError,
    read_claims,
    read_reported_bases,
    stamp,
    write_claims,
)


def _claim(key: str, line: int, claimed: str, measure: str = "image-size", **arguments: Any) -> DraftedClaim:
    return DraftedClaim(
        key=key,
        topic=f"topic {key}",
        claimed=claimed,
        measure=measure,
        line=line,
        text=f"text {line}",
        **arguments,
    )


DRAFT = [
    _claim("size-app", 3, "12.4 MB", of="app"),
    _claim("size-golang-1-24", 4, "850 MB", of="golang:1.24"),
    _claim("build-cold", 9, "31.2s", "build-total", kind="cold"),
    _claim("unmatched-12", 12, "3 MB", UNMATCHED, note="words around it: 'some'"),
]


def _file(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _by_key(path: Path) -> dict[str, dict[str, Any]]:
    return {entry["key"]: entry for entry in _file(path)["claim"]}


def _edit(path: Path, which: str, **fields: Any) -> None:
    """What a person does in an editor: change fields of one entry (None deletes the field)."""
    import tomli_w

    data = _file(path)
    for entry in data["claim"]:
        if entry["key"] == which:
            for name, value in fields.items():
                if value is None:
                    entry.pop(name)
                else:
                    entry[name] = value
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def test_the_first_run_writes_every_claim_stamped_and_lists_the_unmatched(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    written = write_claims(path, DRAFT, read_claims(path), report="notes.md")
    assert (written.drafted, written.kept, written.unmatched) == (3, 0, 1)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Claims drafted from notes.md by `labreport claims draft`")
    data = _file(path)
    assert [entry["key"] for entry in data["claim"]] == ["size-app", "size-golang-1-24", "build-cold"]
    first = data["claim"][0]
    assert first == {
        "key": "size-app",
        "topic": "topic size-app",
        "claimed": "12.4 MB",
        "measure": "image-size",
        "of": "app",
        "line": 3,
        "text": "text 3",
        "drafted": stamp(first),
    }
    assert data["unmatched"] == [
        {"line": 12, "text": "text 12", "claimed": "3 MB", "note": "words around it: 'some'"}
    ]
    assert sorted(item.name for item in tmp_path.iterdir()) == ["claims.toml"]  # no temporary file left


def test_a_second_run_over_an_untouched_file_writes_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    write_claims(path, DRAFT, [], report="notes.md")
    before = path.read_bytes()
    written = write_claims(path, DRAFT, read_claims(path), report="notes.md")
    assert path.read_bytes() == before
    assert (written.drafted, written.kept) == (3, 0)


def test_edited_and_confirmed_entries_are_kept_as_the_person_left_them(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    write_claims(path, DRAFT, [])
    _edit(path, "size-app", claimed="12 MB", of="alpine")  # edited, its stamp left in place
    _edit(path, "size-golang-1-24", drafted=None)  # confirmed
    redrafted = [replace(claim, topic=claim.topic + " (reworded)") for claim in DRAFT]
    written = write_claims(path, redrafted, read_claims(path))
    entries = _by_key(path)
    assert (entries["size-app"]["claimed"], entries["size-app"]["of"]) == ("12 MB", "alpine")
    assert entries["size-app"]["topic"] == "topic size-app"
    assert entries["size-golang-1-24"]["topic"] == "topic size-golang-1-24"
    assert "drafted" not in entries["size-golang-1-24"]
    assert entries["build-cold"]["topic"] == "topic build-cold (reworded)"  # the drafter's own: drafted anew
    assert (written.drafted, written.kept) == (1, 2)
    assert list(entries) == ["size-app", "size-golang-1-24", "build-cold"]


def test_a_renamed_key_is_found_by_its_line_and_text(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    write_claims(path, DRAFT, [])
    _edit(path, "build-cold", key="cold-build")
    write_claims(path, DRAFT, read_claims(path))
    assert list(_by_key(path)) == ["size-app", "size-golang-1-24", "cold-build"]


def test_hand_written_entries_stay_and_one_under_a_drafted_key_stands_for_that_claim(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    mine = {
        "key": "build-cached",
        "topic": "mine",
        "claimed": "1 s",
        "measure": "build-total",
        "kind": "cached",
    }
    other = {"key": "deploy", "claimed": "3x", "measure": "pull-ratio", "of": "app", "against": "sdk"}
    cached = _claim("build-cached", 10, "2.0s", "build-total", kind="cached")
    written = write_claims(path, [*DRAFT, cached], [mine, other])
    entries = _by_key(path)
    assert list(entries) == ["build-cached", "deploy", "size-app", "size-golang-1-24", "build-cold"]
    assert entries["build-cached"] == mine and entries["deploy"] == other
    assert (written.drafted, written.kept) == (3, 2)


def test_a_figure_gone_from_the_report_drops_its_draft_but_not_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    write_claims(path, DRAFT, [])
    _edit(path, "size-golang-1-24", tolerance="5%")
    write_claims(path, DRAFT[3:], read_claims(path))
    assert list(_by_key(path)) == ["size-golang-1-24"]


def test_an_unmatched_figure_the_person_placed_is_no_longer_listed(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    placed = {"key": "mine", "claimed": "3 MB", "measure": "layer-size", "line": 12, "text": "text 12"}
    written = write_claims(path, DRAFT, [placed])
    assert written.unmatched == 0
    assert _file(path)["unmatched"] == []


def test_a_file_that_is_not_toml_is_named_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    path.write_text("[[claim]\nkey = 1\n", encoding="utf-8")
    with pytest.raises(
        ClaimsFileError, match=r"claims\.toml: not a TOML claims file .*fix it or write to another"
    ):
        read_claims(path)
    path.write_text("claim = 3\n", encoding="utf-8")
    with pytest.raises(ClaimsFileError, match=r"`claim` must be an array of tables"):
        read_claims(path)
    assert read_claims(tmp_path / "absent.toml") == []


def test_the_reports_base_figures_are_written_and_a_persons_figure_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    ruled = [replace(DRAFT[0], vary=("golang:1.24",)), *DRAFT[1:]]
    write_claims(path, ruled, reported_bases={"golang:1.24": "850 MB"})
    written = _file(path)
    assert written["reported_bases"] == {"golang:1.24": "850 MB"}
    assert written["claim"][0]["vary"] == ["golang:1.24"] and "held" not in written["claim"][0]
    # The person corrects the base's figure; the next draft adds a new base and keeps theirs.
    path.write_text(path.read_text().replace('"golang:1.24" = "850 MB"', '"golang:1.24" = "880 MB"'))
    write_claims(
        path,
        ruled,
        read_claims(path),
        reported_bases={"golang:1.24": "850 MB", "alpine:9": "8 MB"},
        existing_bases=read_reported_bases(path),
    )
    assert _file(path)["reported_bases"] == {"golang:1.24": "880 MB", "alpine:9": "8 MB"}


def test_no_base_figure_writes_no_reported_bases_table(tmp_path: Path) -> None:
    path = tmp_path / "claims.toml"
    write_claims(path, DRAFT)
    assert "reported_bases" not in _file(path)
    path.write_text('reported_bases = "850 MB"\n')
    with pytest.raises(ClaimsFileError, match=r"\[reported_bases\] must be a table"):
        read_reported_bases(path)
