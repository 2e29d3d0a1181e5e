"""The macro registry: every macro a page calls is registered once, by its own name."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from mkdocs.utils.yaml import yaml_load

from labreport.report.macros import registry
from labreport.report.site import build as sitebuild
from labreport.report.site import generic
from labreport.report.site.plugin import LabreportPlugin
from records import fake_measurements
from site_fixtures import REPO

MACROS_MODULE = "labreport.report.macros.env"
CALL = re.compile(r"\{\{-?\s*([a-z_]+)\s*\(")


class FakeEnv:
    """What `define_env` uses of mkdocs-macros' env: `macro`, the page being rendered and the
    MkDocs configuration, whose plugin collection holds the labreport plugin and its build."""

    def __init__(self, page_uri: str) -> None:
        self.page = SimpleNamespace(file=SimpleNamespace(src_uri=page_uri))
        self.macros: dict[str, Callable[..., str]] = {}
        self.plugin = LabreportPlugin()
        site = sitebuild.SiteData(path=REPO, data=fake_measurements(), current_inputs_hash=None, stale=None)
        self.plugin.build = sitebuild.Build(site=site, status=None, figures=None)  # type: ignore[arg-type]
        self.conf = SimpleNamespace(plugins={"labreport": self.plugin})

    def macro(self, function: Callable[..., str], name: str) -> None:
        self.macros[name] = function


def _define_env(page_uri: str) -> FakeEnv:
    # Imported by name, the way mkdocs-macros loads mkdocs.yml's `modules:`.
    module = importlib.import_module(MACROS_MODULE)
    env = FakeEnv(page_uri)
    module.define_env(env)
    return env


def test_mkdocs_yml_loads_the_macros_by_import_name() -> None:
    config = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    (macros,) = [
        plugin["macros"] for plugin in config["plugins"] if isinstance(plugin, dict) and "macros" in plugin
    ]
    assert macros["modules"] == [MACROS_MODULE] and "module_name" not in macros


def test_every_macro_a_page_calls_is_registered() -> None:
    pages = [*(REPO / "docs").glob("**/*.md"), *generic.PAGES.glob("*.md")]
    called = {name for page in pages for name in CALL.findall(page.read_text())}
    registered = set(_define_env("index.md").macros)
    assert called and called <= registered, called - registered
    assert registered == set(registry.MACROS) | set(registry.PAGE_MACROS)


def test_a_page_macro_is_given_the_calling_page(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, ...]] = []

    def where(page_uri: str, *args: Any) -> str:
        seen.append((page_uri, *args))
        return ""

    monkeypatch.setitem(registry.PAGE_MACROS, "where", where)
    _define_env("results/sizes.md").macros["where"]("a", "b")
    assert seen == [("results/sizes.md", "a", "b")]


def test_a_macro_runs_in_the_build_the_plugin_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[sitebuild.Build] = []

    def which() -> str:
        seen.append(sitebuild.current())
        return ""

    monkeypatch.setitem(registry.MACROS, "which", which)
    env = _define_env("index.md")
    env.macros["which"]()
    assert seen == [env.plugin.build]
    with pytest.raises(RuntimeError, match="no site build in use"):
        sitebuild.current()  # only while the macro ran


def test_a_macro_defined_twice_is_an_error() -> None:
    def image_size() -> str:
        return ""

    with pytest.raises(ValueError, match="'image_size' is defined twice"):
        registry.macro(image_size)
