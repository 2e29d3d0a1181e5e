"""The labreport MkDocs plugin: it finds the project, holds each build, and keeps one object across
the rebuilds of one process (as `mkdocs serve` rebuilds), closing the previous build's worker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from labreport.contract.project import PROJECT_ENV
from labreport.contract.variants import PROJECT_PATH
from labreport.report.site import build as sitebuild
from labreport.report.site import plugin, rendering
from records import fake_measurements, with_variant_size, write_data
from site_fixtures import REPO, site_config


def _config(folder: Path) -> MkDocsConfig:
    return MkDocsConfig(config_file_path=str(folder / "mkdocs.yml"))


def test_the_project_beside_mkdocs_yml_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = tmp_path / "labreport.toml"
    monkeypatch.setenv(PROJECT_ENV, str(PROJECT_PATH))
    assert plugin.find_project(str(tmp_path / "mkdocs.yml")) == PROJECT_PATH  # none beside it yet
    beside.write_text("", encoding="utf-8")
    assert plugin.find_project(str(tmp_path / "mkdocs.yml")) == beside


def test_another_project_than_the_loaded_one_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "labreport.toml").write_text("", encoding="utf-8")
    with pytest.raises(PluginError, match=r"has the project .* loaded, not .*: build the site in a new"):
        plugin.LabreportPlugin().on_config(_config(tmp_path))


def test_each_build_starts_afresh_and_closes_the_previous_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sitebuild.DATA_ENV, str(write_data(fake_measurements(), tmp_path / "m.json")))
    monkeypatch.setenv(sitebuild.STATUS_ENV, str(tmp_path / "absent.json"))
    site = plugin.LabreportPlugin()
    with pytest.raises(RuntimeError, match="on_config must run first"):
        site.current()
    site.on_config(_config(tmp_path))
    first = site.current()
    closed: list[bool] = []
    monkeypatch.setattr(first.figures, "close", lambda: closed.append(True))
    first.next_figure_number("sizes.md")
    site.on_config(_config(tmp_path))
    second = site.current()
    assert second is not first and closed == [True]
    assert second.next_figure_number("sizes.md") == 1 and second.status is None
    site.close()


def test_a_macro_sees_a_build_only_while_one_is_in_use(tmp_path: Path) -> None:
    data = fake_measurements()
    build = sitebuild.Build(
        site=sitebuild.SiteData(path=tmp_path, data=data, current_inputs_hash=None, stale=None),
        status=None,
        figures=None,  # type: ignore[arg-type]
    )
    with sitebuild.using(build):
        assert sitebuild.current() is build
    with pytest.raises(RuntimeError, match="no site build in use"):
        sitebuild.current()


def test_the_macros_need_the_plugin_listed() -> None:
    class Conf:
        def __init__(self) -> None:
            self.plugins: dict[str, object] = {"search": object()}

    with pytest.raises(RuntimeError, match="must list the 'labreport' plugin"):
        plugin.plugin_of(Conf())


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
    plugins, builds, drawn = [], [], []
    for edit in range(2):
        if edit:
            page = docs / "conclusion.md"
            page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
        before = rendering.MEMO.drawn
        config = load_config(str(config_path), site_dir=str(tmp_path / "site"))
        build(config)
        plugins.append(plugin.plugin_of(config))
        builds.append(plugins[-1].current())
        drawn.append(rendering.MEMO.drawn - before)
    # One plugin object over both builds (it has on_startup), a new build each time.
    assert plugins[0] is plugins[1] and builds[0] is not builds[1]
    assert drawn[1] == 0 and drawn[0] in (0, len(rendering.paths()) // len(rendering.THEMES))
    assert "One more sentence." in (tmp_path / "site" / "conclusion" / "index.html").read_text()


@pytest.mark.site
def test_a_projects_own_mkdocs_yml_builds_from_the_project_beside_it(tmp_path: Path) -> None:
    """`mkdocs build -f DIR/mkdocs.yml`, run from this repository with no LABREPORT_* set: the plugin
    reads DIR's project file, so the pages show DIR's data file (and history), not this repository's."""
    import json
    import os
    import subprocess
    import sys

    import yaml

    from labreport.contract.project import load
    from labreport.report.site import generic
    from records_example import EXAMPLE, example_measurements

    folder = tmp_path / "quote-service"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("data", "site"))
    write_data(example_measurements(), folder / "data" / "measurements.json")
    staged = generic.stage(load(folder / "labreport.toml"), folder, tmp_path / "pages", tmp_path / "site")
    (folder / "mkdocs.yml").write_text(staged.read_text(encoding="utf-8"), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LABREPORT_")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(folder / "mkdocs.yml")],
        cwd=REPO,
        env={**environment, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    config = yaml.safe_load(staged.read_text(encoding="utf-8"))
    sizes = (Path(config["site_dir"]) / "sizes" / "index.html").read_text(encoding="utf-8")
    assert "<code>quote-service:distroless</code>" in sizes and "devops-info-service:alpine" not in sizes
    published = json.loads((Path(config["site_dir"]) / "data" / "history.json").read_text(encoding="utf-8"))
    ours = json.loads((REPO / "data" / "history.json").read_text(encoding="utf-8"))
    assert published["records"] == [] and ours["records"]  # the project has none; this repository has some
