"""The macro registry: every macro a page calls is registered once, by its own name."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from labreport.report.macros import registry
from site_fixtures import REPO

CALL = re.compile(r"\{\{-?\s*([a-z_]+)\s*\(")


class FakeEnv:
    """What `define_env` uses of mkdocs-macros' env: `macro` and the page being rendered."""

    def __init__(self, page_uri: str) -> None:
        self.page = SimpleNamespace(file=SimpleNamespace(src_uri=page_uri))
        self.macros: dict[str, Callable[..., str]] = {}

    def macro(self, function: Callable[..., str], name: str) -> None:
        self.macros[name] = function


def _define_env(page_uri: str) -> FakeEnv:
    import importlib.util

    # Loaded by path, the way mkdocs-macros loads mkdocs.yml's `module_name`.
    path = REPO / "src/labreport/report/macros/env.py"
    spec = importlib.util.spec_from_file_location("macros_by_path", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    env = FakeEnv(page_uri)
    module.define_env(env)
    return env


def test_every_macro_a_page_calls_is_registered() -> None:
    called = {name for page in (REPO / "docs").glob("**/*.md") for name in CALL.findall(page.read_text())}
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


def test_a_macro_defined_twice_is_an_error() -> None:
    def image_size() -> str:
        return ""

    with pytest.raises(ValueError, match="'image_size' is defined twice"):
        registry.macro(image_size)
