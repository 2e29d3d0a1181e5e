"""MkDocs hooks: start a build (data, status, figures), add the figures, put the banner on each page.

Loaded by MkDocs from its file path (mkdocs.yml `hooks:`), hence the absolute imports. Everything a
build holds lives in the `sitebuild.Build` that `on_config` starts.
"""

from __future__ import annotations

import logging
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from labreport.contract.schema import DataError
from labreport.report import popover
from labreport.report.figures import FIGURES
from labreport.report.macros import downloads
from labreport.report.site import build as sitebuild
from labreport.report.site import rendering
from labreport.report.site.banner import page_banner

log = logging.getLogger("mkdocs.labreport")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        build = sitebuild.start()
    except DataError as error:
        raise PluginError(str(error)) from None
    # The banner links the measured commit under the repository (mkdocs.yml `repo_url`).
    build.repo_url = (config.repo_url or "").rstrip("/") or None
    site = build.site
    if site.stale:
        # Not a warning: under `strict` that would fail the build; every page shows it instead.
        log.info(
            "data %s is stale: inputs hash %s, repository %s",
            site.path,
            site.data.provenance.inputs_hash,
            site.current_inputs_hash,
        )
    for failure in site.data.failures:
        log.info("measurement failure in %s: %s", failure.phase, failure.error)
    if build.status is not None and build.status.state != "done":
        log.info("background measurement: %s", build.status.summary())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Adds the figures (their SVGs now if the memo has them all, else placeholders for
    `on_post_build`), the data file the site was built from and the tables as CSV."""
    build = sitebuild.current()
    for path, content in downloads.files().items():
        files.append(File.generated(config, path, content=content))
    ready = build.figures.result() if build.figures.ready() else {}
    build.placeholders.clear()
    for path in rendering.paths():
        file = File.generated(config, path, content=ready.get(path, ""))
        files.append(file)
        if not ready:
            build.placeholders.append(file)
    return files


def on_post_build(config: MkDocsConfig) -> None:
    """Writes the figures the worker drew while the pages were built over their placeholders."""
    build = sitebuild.current()
    if not build.placeholders:
        log.info("figures: all %d from memory", len(FIGURES))
        return
    rendered = build.figures.result()
    for file in build.placeholders:
        file.content_string = rendered[file.src_uri]
        file.copy_file()
    drawn = build.figures.drawn
    log.info("figures: %d drawn, %d from memory", drawn, len(FIGURES) - drawn)


def on_build_error(error: Exception) -> None:
    sitebuild.finish()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files, **_: Any) -> str:
    return page_banner(sitebuild.current(), page.file.src_uri) + "\n" + markdown


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Adds the popovers of the figures on the page (report/evidence.py) at the end of its article:
    after the search plugin read the page, so the index holds the figures and not their evidence."""
    head, end, tail = output.rpartition("</article>")
    return head + popover.popovers(output) + end + tail if end else output
