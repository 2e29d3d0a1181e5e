"""The hooks over two builds in one process, as `mkdocs serve` rebuilds: a new `Build` each time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labreport.report.site import build as sitebuild
from labreport.report.site import rendering
from records import fake_measurements, with_variant_size, write_data
from site_fixtures import REPO, site_config


def test_each_build_starts_afresh_and_closes_the_previous_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sitebuild.DATA_ENV, str(write_data(fake_measurements(), tmp_path / "m.json")))
    monkeypatch.setenv(sitebuild.STATUS_ENV, str(tmp_path / "absent.json"))
    first = sitebuild.start()
    closed: list[bool] = []
    monkeypatch.setattr(first.figures, "close", lambda: closed.append(True))
    first.next_figure_number("sizes.md")
    second = sitebuild.start()
    assert second is not first and sitebuild.current() is second and closed == [True]
    assert second.next_figure_number("sizes.md") == 1 and second.status is None
    sitebuild.finish()
    with pytest.raises(RuntimeError, match="on_config must run first"):
        sitebuild.current()


@pytest.mark.site
def test_a_rebuild_in_the_same_process_redraws_only_changed_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    data = write_data(with_variant_size(fake_measurements(), "scratch", 6_543_210), tmp_path / "m.json")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv(sitebuild.DATA_ENV, str(data))
    monkeypatch.setenv(sitebuild.STATUS_ENV, str(tmp_path / "absent.json"))
    monkeypatch.setenv(rendering.WORKERS_ENV, "0")
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    config_path = site_config(tmp_path, docs)
    builds, drawn = [], []
    for edit in range(2):
        if edit:
            page = docs / "conclusion.md"
            page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
        before = rendering.MEMO.drawn
        build(load_config(str(config_path), site_dir=str(tmp_path / "site")))
        builds.append(sitebuild.current())
        drawn.append(rendering.MEMO.drawn - before)
    assert builds[0] is not builds[1]
    assert drawn[1] == 0 and drawn[0] in (0, len(rendering.paths()) // len(rendering.THEMES))
    assert "One more sentence." in (tmp_path / "site" / "conclusion" / "index.html").read_text()
