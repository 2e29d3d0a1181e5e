"""mkdocs-macros' entry point (mkdocs.yml `modules:`, by import name): every macro the pages call.

The macros themselves live in `values` (single numbers and sentences), `tables`, `blocks` (code
blocks and figures), `budget_view` (budgets.toml) and `build_view` (the two builders, the rebuild
check), each marked with `@macro` from `registry`; importing those modules is what collects them.
Pages hold prose and calls to these macros; an unknown name fails the build.
"""

from __future__ import annotations

from typing import Any

from ..site import build as sitebuild
from ..site.plugin import plugin_of
from . import blocks, budget_view, downloads, tables, values
from . import builds as build_view
from . import history as history_view
from . import reshaped as tables_reshaped
from .registry import MACROS, PAGE_MACROS, Macro

#: The modules whose `@macro` functions the pages call; imported for that registration.
MACRO_MODULES = (history_view, values, tables, tables_reshaped, blocks, budget_view, downloads, build_view)


def _in_build(env: Any, function: Macro, *, page: bool = False) -> Macro:
    """`function` run in the build the labreport plugin holds (found through `env.conf`, the
    MkDocs configuration mkdocs-macros hands us), with the page's source path first if `page`."""

    def call(*args: Any, **kwargs: Any) -> str:
        with sitebuild.using(plugin_of(env.conf).current()):
            if page:
                return function(env.page.file.src_uri, *args, **kwargs)
            return function(*args, **kwargs)

    call.__name__, call.__doc__ = function.__name__, function.__doc__
    return call


def define_env(env: Any) -> None:
    for name, function in MACROS.items():
        env.macro(_in_build(env, function), name)
    for name, function in PAGE_MACROS.items():
        env.macro(_in_build(env, function, page=True), name)
