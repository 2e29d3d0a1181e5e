"""Macros for blocks: a probe's response, a log, or a figure, as fenced code or HTML.

A page calls one on a line of its own, e.g. `{{ json_block("alpine", "health") }}`.
"""

from __future__ import annotations

import json
import posixpath

from labreport.report import derive, sitebuild
from labreport.report.figures import FIGURES
from labreport.report.markup import NOT_MEASURED, fenced
from labreport.report.registry import macro, page_macro
from labreport.report.rendering import THEMES
from labreport.schema import Measurements


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


@page_macro
def figure(page_uri: str, name: str, caption: str, alt: str) -> str:
    """A light and a dark SVG of figure `name`, numbered per page, with its caption and alt text."""
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}")
    number = sitebuild.current().next_figure_number(page_uri)
    folder = posixpath.dirname(page_uri)
    images = "\n".join(
        f"  ![{alt}]({posixpath.relpath(f'figures/{name}-{theme}.svg', folder or '.')}#only-{theme})"
        for theme in THEMES
    )
    return (
        f'<figure markdown="span" id="figure-{name}">\n{images}\n'
        f"  <figcaption>Figure {number}: {caption}</figcaption>\n</figure>\n"
    )
