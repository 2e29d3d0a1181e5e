"""The one object a site build works from, made afresh for every build.

The plugin's `on_config` (`plugin.LabreportPlugin`) starts a `Build`: the validated data, the
status of any measurement running in the background, the figures being drawn, and the per-page
figure numbers. The plugin holds it, and under `mkdocs serve` closes the previous one's figure
worker when a rebuild starts the next. The macros find it through what mkdocs-macros hands them
(`env.conf.plugins`, see `macros.env`), which makes it `current()` only while a macro runs, with
`using`: a context variable, so no build outlives its call or leaks into the next build.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mkdocs.structure.files import File

from ...contract.inputs import inputs_hash
from ...contract.schema import DATA_FILE, Measurements, load
from ...contract.status import STATUS_FILE, MeasureStatus, read_status
from ..claims import claimsfile
from ..claims.judge import Claim
from ..claims.ledger import ledger
from ..derive import stale
from .rendering import Batch

#: Set this to build the site from another data file (tests, previews); default data/measurements.json.
DATA_ENV = "LABREPORT_DATA"
#: Set this to read the background measurement's status from another file (tests).
STATUS_ENV = "LABREPORT_STATUS"


@dataclass(frozen=True, kw_only=True)
class SiteData:
    path: Path
    data: Measurements
    current_inputs_hash: str | None  # None: the repository's inputs hash could not be computed
    stale: bool | None


@dataclass(kw_only=True, eq=False)
class Build:
    site: SiteData
    #: What a measurement running in the background is doing, or None when there is none.
    status: MeasureStatus | None
    figures: Batch
    #: Generated files standing in for figures still being drawn, filled in by `on_post_build`.
    placeholders: list[File] = field(default_factory=list)
    #: The repository's web address (mkdocs.yml `repo_url`), for links to the measured commit.
    repo_url: str | None = None
    #: Figures numbered so far on each page, by the page's source path.
    figure_numbers: dict[str, int] = field(default_factory=dict)

    @property
    def data(self) -> Measurements:
        return self.site.data

    @cached_property
    def ledger(self) -> list[Claim]:
        """The claims ledger, judged once per build (many macros on many pages read it)."""
        return ledger(self.site.data)

    def next_figure_number(self, page_uri: str) -> int:
        number = self.figure_numbers[page_uri] = self.figure_numbers.get(page_uri, 0) + 1
        return number

    def close(self) -> None:
        self.figures.close()


#: The build a macro (or the plugin's own call into the macros' modules) is running in, if any.
_in_use: ContextVar[Build] = ContextVar("labreport_site_build")


def data_path(default: Path = DATA_FILE) -> Path:
    chosen = os.environ.get(DATA_ENV)
    return Path(chosen).resolve() if chosen else default


def status_path(default: Path = STATUS_FILE) -> Path:
    chosen = os.environ.get(STATUS_ENV)
    return Path(chosen).resolve() if chosen else default


def repository_inputs_hash() -> str | None:
    return inputs_hash()


def load_site_data(path: Path | None = None) -> SiteData:
    """Loads and validates the data; raises `DataError` naming the file and the field."""
    chosen = path or data_path()
    data = load(chosen)
    current_hash = repository_inputs_hash()
    return SiteData(path=chosen, data=data, current_inputs_hash=current_hash, stale=stale(data, current_hash))


def start(data: Path | None = None, status: Path | None = None) -> Build:
    """A new build: loads the data and the claims (raises `DataError`) and starts drawing the
    figures. The caller (the plugin) holds it and closes it."""
    site = load_site_data(data)
    claimsfile.current()  # a bad claims file fails the build here, naming the claim and the field
    # Drawing starts now, in a worker, while MkDocs reads and renders the pages.
    return Build(site=site, status=read_status(status or status_path()), figures=Batch(site.data))


@contextmanager
def using(build: Build) -> Iterator[Build]:
    """Makes `build` the current one for the code run inside (a macro, the plugin's files)."""
    token = _in_use.set(build)
    try:
        yield build
    finally:
        _in_use.reset(token)


def current() -> Build:
    try:
        return _in_use.get()
    except LookupError:
        raise RuntimeError(
            "no site build in use: the labreport plugin (mkdocs.yml `plugins:`) makes one for each build"
        ) from None
