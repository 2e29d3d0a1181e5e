"""The one object a site build works from, made afresh for every build.

The hooks' `on_config` starts a `Build`: the validated data, the status of any measurement running in
the background, the figures being drawn, and the per-page figure numbers. The macros and the
banner reach it through `current()`. MkDocs loads the hooks and mkdocs-macros loads the macros
from their file paths, each as a module of its own, so the build lives here, in a module both import
by name. Under `mkdocs serve` every rebuild starts a new `Build` and closes the previous one's
figure worker.
"""

from __future__ import annotations

import os
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


_current: Build | None = None


def data_path() -> Path:
    chosen = os.environ.get(DATA_ENV)
    return Path(chosen).resolve() if chosen else DATA_FILE


def status_path() -> Path:
    chosen = os.environ.get(STATUS_ENV)
    return Path(chosen).resolve() if chosen else STATUS_FILE


def repository_inputs_hash() -> str | None:
    return inputs_hash()


def load_site_data(path: Path | None = None) -> SiteData:
    """Loads and validates the data; raises `DataError` naming the file and the field."""
    chosen = path or data_path()
    data = load(chosen)
    current_hash = repository_inputs_hash()
    return SiteData(path=chosen, data=data, current_inputs_hash=current_hash, stale=stale(data, current_hash))


def start() -> Build:
    """Loads the data and the claims (raises `DataError`), starts drawing the figures, and makes this
    the current build."""
    global _current
    site = load_site_data()
    claimsfile.current()  # a bad claims file fails the build here, naming the claim and the field
    finish()  # a previous build that ended before collecting its figures
    # Drawing starts now, in a worker, while MkDocs reads and renders the pages.
    _current = Build(site=site, status=read_status(status_path()), figures=Batch(site.data))
    return _current


def current() -> Build:
    if _current is None:
        raise RuntimeError("no site build started: the hooks' on_config must run first")
    return _current


def finish() -> None:
    """Closes the current build's figure worker, if a build was started, and forgets the build."""
    global _current
    if _current is not None:
        _current.close()
    _current = None
