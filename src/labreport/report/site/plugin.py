"""The MkDocs plugin `labreport` (mkdocs.yml `plugins: [search, labreport, macros]`): the report's
site side, the way the ecosystem wires one in (an entry point in pyproject.toml, no paths into src/).

It finds the project file beside mkdocs.yml (else `LABREPORT_PROJECT`, else ./labreport.toml, else
this repository's), starts a `Build` for each build (data, status, figures), adds the figures, the
downloads and the history to the site, and puts the banner on each page. The build lives on the
plugin: MkDocs keeps one plugin object across the rebuilds of `mkdocs serve` (it has
`on_startup`), and each rebuild's `on_config` closes the previous build before starting the next.

The project is read when `labreport.contract.variants` is first imported, so this module imports
nothing of the wings at its top: `on_config` chooses the project first, then imports them. Its
events run late (after mkdocs-macros has rendered a page, as the hooks it replaces did), except
`on_config`, which must choose the project before mkdocs-macros imports the macros.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

# The one module of ours that reads no project: `schema` places the data file as it loads.
from ...contract.paths import PROJECT_ENV, PROJECT_FILE, project_path

if TYPE_CHECKING:
    from .build import Build

log = logging.getLogger("mkdocs.plugins.labreport")

#: The name mkdocs.yml lists it by (pyproject.toml's `mkdocs.plugins` entry point).
NAME = "labreport"
#: Run before mkdocs-macros' `on_config` (it imports the macros, and with them the project)...
EARLY = 50
#: ...and every other event after the plugins at the default priority, where the hooks ran.
LATE = -50


def find_project(config_file_path: str | None) -> Path:
    """The project file beside mkdocs.yml, else the one `project_path` chooses."""
    if config_file_path:
        beside = Path(config_file_path).resolve().parent / PROJECT_FILE.name
        if beside.is_file():
            return beside
    return project_path()


def choose_project(config_file_path: str | None) -> Path:
    """Makes the project this build's: points `LABREPORT_PROJECT` at it before the wings load it,
    or checks that it is the one they loaded (their module globals hold it for the process)."""
    chosen = find_project(config_file_path)
    variants, schema = (sys.modules.get(f"labreport.contract.{name}") for name in ("variants", "schema"))
    if variants is None and schema is None:
        os.environ[PROJECT_ENV] = str(chosen)
        return chosen
    loaded = variants.PROJECT_PATH if variants is not None else None
    if loaded is None and schema is not None and schema.DATA_FILE.parent.parent != chosen.parent:
        loaded = schema.DATA_FILE.parent.parent  # the folder whose data/ the data file is in
    if loaded is not None and loaded not in (chosen, chosen.parent):
        raise PluginError(
            f"labreport: this process has the project {loaded} loaded, not {chosen}: "
            "build the site in a new process (`labreport site --project DIR`)"
        )
    return chosen


# BasePlugin's __init_subclass__ is untyped; the plugin takes no options of its own.
class LabreportPlugin(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        #: The current build; None before the first `on_config`.
        self.build: Build | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Present so that MkDocs keeps this object across `mkdocs serve`'s rebuilds."""

    @event_priority(EARLY)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        chosen = choose_project(config.config_file_path)
        # Only now: `schema` places the data file beside the project chosen, as it loads.
        from ...contract.schema import DataError

        try:
            from . import build as sitebuild  # loads the project: a bad one raises here
            from . import locations

            self.close()  # the previous build's figure worker, under `mkdocs serve`
            build = sitebuild.start(
                sitebuild.data_path(locations.data_file(chosen.parent)),
                sitebuild.status_path(locations.status_file(chosen.parent)),
            )
        except DataError as error:  # the project, data, claims or history file: one line naming it
            raise PluginError(str(error)) from None
        self.build = build
        # The banner links the measured commit under the repository (mkdocs.yml `repo_url`).
        build.repo_url = (config.repo_url or "").rstrip("/") or None
        _say_state(build)
        return config

    def current(self) -> Build:
        if self.build is None:
            raise RuntimeError("no site build started: the labreport plugin's on_config must run first")
        return self.build

    @event_priority(LATE)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Adds the figures (their SVGs now if the memo has them all, else placeholders for
        `on_post_build`), the data file the site was built from, the tables as CSV and the history."""
        from ..macros import downloads
        from ..macros.history import site_history
        from . import build as sitebuild
        from . import rendering

        build = self.current()
        with sitebuild.using(build):
            for path, content in downloads.files().items():
                files.append(File.generated(config, path, content=content))
            ready = build.figures.result() if build.figures.ready() else {}
            build.placeholders.clear()
            for path in rendering.paths():
                file = File.generated(config, path, content=ready.get(path, ""))
                files.append(file)
                if not ready:
                    build.placeholders.append(file)
            # Validated: a malformed history is never published. A missing one is published empty,
            # so the page's link holds and the next run's merge reads "no records" rather than a 404.
            history = site_history().model_dump_json(indent=1) + "\n"
            files.append(File.generated(config, "data/history.json", content=history))
        return files

    @event_priority(LATE)
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The banner, after mkdocs-macros rendered the page: none of it is read as Jinja."""
        from . import build as sitebuild
        from .banner import page_banner

        build = self.current()
        with sitebuild.using(build):
            return page_banner(build, page.file.src_uri) + "\n" + markdown

    @event_priority(LATE)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Adds the popovers of the figures on the page (report/evidence.py) at the end of its
        article: after the search plugin read the page, so the index holds the figures and not
        their evidence."""
        from .. import popover

        head, end, tail = output.rpartition("</article>")
        return head + popover.popovers(output) + end + tail if end else output

    @event_priority(LATE)
    def on_post_build(self, config: MkDocsConfig) -> None:
        """Writes the figures the worker drew while the pages were built over their placeholders."""
        from ..figures import FIGURES

        build = self.current()
        if not build.placeholders:
            log.info("figures: all %d from memory", len(FIGURES))
            return
        rendered = build.figures.result()
        for file in build.placeholders:
            file.content_string = rendered[file.src_uri]
            file.copy_file()
        drawn = build.figures.drawn
        log.info("figures: %d drawn, %d from memory", drawn, len(FIGURES) - drawn)

    def on_build_error(self, *, error: Exception) -> None:
        self.close()

    def on_shutdown(self) -> None:
        self.close()

    def close(self) -> None:
        """Stops the current build's figure worker, if one is running; the build stays readable."""
        if self.build is not None:
            self.build.close()


def _say_state(build: Build) -> None:
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


def plugin_of(conf: Any) -> LabreportPlugin:
    """The labreport plugin of a MkDocs configuration (mkdocs-macros' `env.conf`)."""
    plugin = conf.plugins.get(NAME)
    if not isinstance(plugin, LabreportPlugin):
        raise RuntimeError(f"mkdocs.yml must list the {NAME!r} plugin: `plugins: [search, {NAME}, macros]`")
    return plugin
