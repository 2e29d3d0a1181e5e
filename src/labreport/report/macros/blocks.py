"""Macros for blocks: a probe's response, a log, or a figure, as fenced code or HTML.

A page calls one on a line of its own, e.g. `{{ json_block("alpine", "health") }}`.
"""

from __future__ import annotations

import html
import inspect
import json
import posixpath
from urllib.parse import quote

from labreport.contract.schema import Measurements
from labreport.report import derive
from labreport.report.figures import FIGURES
from labreport.report.macros.registry import macro, page_macro
from labreport.report.markup import NOT_MEASURED, fenced
from labreport.report.site import build as sitebuild
from labreport.report.site.rendering import THEMES


def _data() -> Measurements:
    return sitebuild.current().data


@macro
def json_block(variant: str, which: str = "root") -> str:
    """A probe's response body as a JSON block: which is root, health or not_found."""
    found = derive.probe(_data(), variant)
    body = None if found is None else getattr(found, f"{which}_body")
    if body is None:
        return f"{NOT_MEASURED}\n"
    return fenced(json.dumps(body, indent=2, ensure_ascii=False), "json")


@macro
def build_log(limit: int = 0) -> str:
    """The cold build's output; its lines wrap (see extra.css) rather than run off the box."""
    lines = _data().cold_build_log
    return fenced("\n".join(lines[-limit:] if limit else lines))


@macro
def container_logs(variant: str) -> str:
    found = derive.probe(_data(), variant)
    if found is None or not found.logs:
        return f"{NOT_MEASURED}\n"
    return fenced("\n".join(found.logs))


@macro
def error_text(variant: str) -> str:
    found = derive.probe(_data(), variant)
    if found is None or found.error_text is None:
        return f"{NOT_MEASURED}\n"
    return fenced(found.error_text)


def site_link(page_uri: str, target: str) -> str:
    """`target` (a path in the built site) relative to the page built from `page_uri`, for raw HTML,
    which MkDocs does not rewrite. Every page is a directory (`use_directory_urls`)."""
    stem = posixpath.splitext(page_uri)[0]
    folder = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem
    return posixpath.relpath(target, folder or ".")


@page_macro
def figure(page_uri: str, name: str, caption: str, alt: str) -> str:
    """Figure `name` in both palettes, numbered per page, with its caption and alt text. The
    palette's CSS shows one of the two."""
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}")
    number = sitebuild.current().next_figure_number(page_uri)

    images = "\n".join(
        f'  <img class="figure-{theme}" src="{site_link(page_uri, f"figures/{name}-{theme}.svg")}"'
        f' alt="{html.escape(alt)}">'
        for theme in THEMES
    )
    return (
        f'<figure id="figure-{name}">\n{images}\n'
        f"  <figcaption>Figure {number}: {html.escape(caption)}</figcaption>\n</figure>\n"
        f"{making(page_uri, name)}"
    )


def making(page_uri: str, name: str) -> str:
    """The line under a figure: the values it was drawn from (published as data/figures/NAME.json)
    and the function that drew it, linked at the measured commit under `repo_url`."""
    draw = FIGURES[name][1]
    path = f"src/{draw.__module__.replace('.', '/')}.py"
    function = f"{draw.__module__}.{draw.__name__}"
    build = sitebuild.current()
    if build.repo_url:
        line = inspect.getsourcelines(draw)[1]
        commit = build.data.provenance.git_commit
        # The commit is read from the data file: quoted, it cannot leave the link's path.
        source = html.escape(f"{build.repo_url}/blob/{quote(commit, safe='')}/{path}#L{line}")
        drawn = f'<a href="{source}"><code>{function}</code></a>'
    else:
        drawn = f"<code>{function}</code>"
    data = site_link(page_uri, f"data/figures/{name}.json")
    return (
        f'<p class="download figure-making">Drawn from <a href="{data}" download>{name}.json</a> '
        f"(the values the drawing read, from measurements.json) by {drawn}</p>\n"
    )
