"""The macros the pages may call, collected by the `@macro` and `@page_macro` decorators.

`macros.define_env` registers every function collected here with mkdocs-macros, under its own
name; defining a macro twice is an error rather than a silent replacement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Macro = Callable[..., str]
MacroT = TypeVar("MacroT", bound=Macro)

#: Macros called with the page's arguments only.
MACROS: dict[str, Macro] = {}
#: Macros that also need the page being rendered: called with its source path first.
PAGE_MACROS: dict[str, Macro] = {}


def _collect(into: dict[str, Macro], function: MacroT) -> MacroT:
    name = function.__name__
    if name in MACROS or name in PAGE_MACROS:
        raise ValueError(f"macro {name!r} is defined twice")
    into[name] = function
    return function


def macro(function: MacroT) -> MacroT:
    """Makes `function` callable from every page as `{{ name(...) }}`."""
    return _collect(MACROS, function)


def page_macro(function: MacroT) -> MacroT:
    """Like `macro`, for a function whose first parameter is the calling page's source path."""
    return _collect(PAGE_MACROS, function)
