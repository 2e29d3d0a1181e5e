"""mkdocs-macros' entry point (mkdocs.yml `modules:`, by import name): every macro the pages call.

The macros themselves live in `values` (single numbers and sentences), `tables`, `blocks` (code
blocks and figures), `budget_view` (budgets.toml) and `build_view` (the two builders, the rebuild
check), each marked with `@macro` from `registry`; importing those modules is what collects them.
Pages hold prose and calls to these macros; an unknown name fails the build.
"""

from __future__ import annotations

from typing import Any

from . import blocks, budget_view, downloads, tables, values
from . import builds as build_view
from . import history as history_view
from . import reshaped as tables_reshaped
from .registry import MACROS, PAGE_MACROS, Macro

#: The modules whose `@macro` functions the pages call; imported for that registration.
MACRO_MODULES = (history_view, values, tables, tables_reshaped, blocks, budget_view, downloads, build_view)


def _on_current_page(env: Any, function: Macro) -> Macro:
    def on_page(*args: Any, **kwargs: Any) -> str:
        return function(env.page.file.src_uri, *args, **kwargs)

    on_page.__name__, on_page.__doc__ = function.__name__, function.__doc__
    return on_page


def define_env(env: Any) -> None:
    for name, function in MACROS.items():
        env.macro(function, name)
    for name, function in PAGE_MACROS.items():
        env.macro(_on_current_page(env, function), name)
