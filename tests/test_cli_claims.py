"""`labreport claims draft`: through the real CLI parser, on a short report written for the test."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from labreport.cli import main
from labreport.cli.claims import project_images
from labreport.cli.outcomes import NOTHING_RECOGNISED

REPORT = """\
# Notes

The final image is 9.1 MB and a cold build takes ~31 seconds.
We spent 12% of the afternoon on it.

```
$ docker build -t myapp:v2 .
```
"""


def test_it_writes_a_claims_file_and_says_what_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, claims = tmp_path / "notes.md", tmp_path / "claims.toml"
    report.write_text(REPORT, encoding="utf-8")
    assert main(["claims", "draft", str(report), "-o", str(claims), "--image", "myapp:v2=app"]) == 0
    assert capsys.readouterr().out == (
        f"wrote {claims}: 2 claims (2 drafted, 0 kept as edited or confirmed), 1 figures not matched\n"
    )
    data = tomllib.loads(claims.read_text(encoding="utf-8"))
    assert [(entry["key"], entry["claimed"], entry["line"]) for entry in data["claim"]] == [
        ("size-app", "9.1 MB", 3),
        ("build-cold", "~31 seconds", 3),
    ]
    assert [(entry["claimed"], entry["line"]) for entry in data["unmatched"]] == [("12%", 4)]


def test_a_second_run_keeps_a_confirmed_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report, claims = tmp_path / "notes.md", tmp_path / "claims.toml"
    report.write_text(REPORT, encoding="utf-8")
    assert main(["claims", "draft", str(report), "-o", str(claims)]) == 0
    confirmed = claims.read_text(encoding="utf-8").replace('claimed = "9.1 MB"', 'claimed = "9 MB"', 1)
    claims.write_text(confirmed, encoding="utf-8")
    assert main(["claims", "draft", str(report), "-o", str(claims)]) == 0
    assert "(1 drafted, 1 kept as edited or confirmed)" in capsys.readouterr().out
    assert tomllib.loads(claims.read_text(encoding="utf-8"))["claim"][0]["claimed"] == "9 MB"


def test_a_report_with_no_figure_exits_with_its_code_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "words.md"
    report.write_text("# Only words\n\nNothing measured here.\n", encoding="utf-8")
    assert (
        main(["claims", "draft", str(report), "-o", str(tmp_path / "claims.toml")])
        == NOTHING_RECOGNISED.code
        == 6
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"labreport: {report}: no figure, image table, build log, push or service answer recognised; "
        "nothing drafted\n"
    )
    assert not (tmp_path / "claims.toml").exists()


def test_a_missing_report_and_a_broken_claims_file_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["claims", "draft", str(tmp_path / "absent.md")]) == 1
    assert (
        capsys.readouterr().err
        == f"labreport: cannot read the report {tmp_path / 'absent.md'}: No such file or directory\n"
    )
    report, claims = tmp_path / "notes.md", tmp_path / "claims.toml"
    report.write_text(REPORT, encoding="utf-8")
    claims.write_text("not = [toml\n", encoding="utf-8")
    assert main(["claims", "draft", str(report), "-o", str(claims)]) == 1
    assert capsys.readouterr().err.startswith(f"labreport: {claims}: not a TOML claims file")
    assert claims.read_text(encoding="utf-8") == "not = [toml\n"


def test_a_bad_image_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["claims", "draft", "notes.md", "--image", "no-equals-sign"])
    assert stopped.value.code == 2
    assert "want REF=NAME" in capsys.readouterr().err


def test_the_project_s_images_and_bases_by_reference() -> None:
    known = project_images()
    assert known["devops-info-service:alpine"] == "alpine"
    assert known["golang:1.25-alpine"] == "golang:1.25-alpine"
    assert known["devops-info-service:scratch"] == "scratch"
