"""MkDocs hooks: load and validate the data once per build, add the figures, put provenance on each page.

Loaded by MkDocs from its file path (mkdocs.yml `hooks:`), hence the absolute imports.
"""

from __future__ import annotations

import logging
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from labreport.report import figures, macros, state
from labreport.schema import DataError

log = logging.getLogger("mkdocs.labreport")

#: The figures of the build in progress (started in on_config), and their placeholder files.
_batches: list[figures.Batch] = []
_figure_files: list[File] = []


def _batch() -> figures.Batch:
    if not _batches:
        raise RuntimeError("no figures started: the hooks' on_config must run first")
    return _batches[0]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        site = state.load_site_data()
    except DataError as error:
        raise PluginError(str(error)) from None
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
    for previous in _batches:  # a previous build that ended before collecting its figures
        previous.close()
    # Drawing starts now, in a worker, while MkDocs reads and renders the pages.
    _batches[:] = [figures.Batch(site.data)]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Adds the figures: their SVGs now if the memo has them all, else placeholders for `on_post_build`."""
    batch = _batch()
    ready = batch.result() if batch.ready() else {}
    _figure_files.clear()
    for path in figures.paths():
        file = File.generated(config, path, content=ready.get(path, ""))
        files.append(file)
        if not ready:
            _figure_files.append(file)
    return files


def on_post_build(config: MkDocsConfig) -> None:
    """Writes the figures the worker drew while the pages were built over their placeholders."""
    batch = _batch()
    _batches.clear()
    if not _figure_files:
        log.info("figures: all %d from memory", len(figures.FIGURES))
        return
    drawn = figures.RENDERS["count"]
    rendered = batch.result()
    for file in _figure_files:
        file.content_string = rendered[file.src_uri]
        file.copy_file()
    log.info(
        "figures: %d drawn, %d from memory",
        figures.RENDERS["count"] - drawn,
        len(figures.FIGURES) - (figures.RENDERS["count"] - drawn),
    )


def on_build_error(error: Exception) -> None:
    for batch in _batches:
        batch.close()
    _batches.clear()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files, **_: Any) -> str:
    return macros.provenance_banner() + "\n" + markdown
