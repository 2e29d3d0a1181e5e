"""mkdocs-macros' entry point (mkdocs.yml `modules:`, by import name): every macro the pages call.

The macros live one module per topic of the data, as the figures do: `images` (sizes, layers,
reductions, savings, the binary, the bases), `security` (what an image holds, lint), `builds`,
`service` (the running container), `publishing`, `claims` (the ledger, the budgets) and
`history`; `downloads` holds the page macros that link to the published files (`figure`,
`download`). Each macro is marked with `@macro` or `@page_macro` from `registry`; importing the
modules is what collects them. Pages hold prose and calls to these macros; an unknown name fails
the build.
"""

from __future__ import annotations

from typing import Any

from ..site import build as sitebuild
from ..site.plugin import plugin_of
from . import builds, claims, downloads, history, images, publishing, security, service
from .registry import MACROS, PAGE_MACROS, Macro

#: The modules whose `@macro` functions the pages call; imported for that registration.
MACRO_MODULES = (images, security, builds, service, publishing, claims, history, downloads)


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
