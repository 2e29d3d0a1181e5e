"""Unit tests of mkdocs_config: mkdocs.yml read as MkDocs reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config

from labreport.report.site import mkdocs_config


def test_the_site_url_is_the_one_a_build_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    # The witness: MkDocs' whole configuration loader, the one `mkdocs build` runs.
    monkeypatch.setenv("LABREPORT_SITE_URL", "https://fork.example/report/")
    built = load_config(str(mkdocs_config.MKDOCS_FILE))
    assert mkdocs_config.site_url() == built["site_url"] == "https://fork.example/report/"
    monkeypatch.delenv("LABREPORT_SITE_URL")
    assert mkdocs_config.site_url() == load_config(str(mkdocs_config.MKDOCS_FILE))["site_url"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("site_url: https://plain.example/\n", "https://plain.example/", id="plain"),
        pytest.param(
            "site_url: !ENV [NO_SUCH_VARIABLE_SET, 'https://d.example/']\n",
            "https://d.example/",
            id="default",
        ),
        pytest.param("site_name: no address\n", None, id="none"),
        pytest.param("site_url: [unclosed\n", None, id="malformed"),
    ],
)
def test_a_written_site_url_or_none(tmp_path: Path, text: str, expected: str | None) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    assert mkdocs_config.site_url(path) == expected
    assert mkdocs_config.site_url(tmp_path / "missing.yml") is None
