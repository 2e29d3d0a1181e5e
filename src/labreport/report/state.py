"""The data one site build works from: which file, its validated contents, whether it is stale.

Loaded once per build by the hooks' `on_config`; the macros read it while pages render.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..schema import DATA_FILE, Measurements, load
from . import derive

#: Set this to build the site from another data file (tests, previews); default data/measurements.json.
DATA_ENV = "LABREPORT_DATA"


@dataclass(frozen=True, kw_only=True)
class SiteData:
    path: Path
    data: Measurements
    current_inputs_hash: str | None  # None: the repository's inputs hash could not be computed
    stale: bool | None

    @cached_property
    def ledger(self) -> list[derive.Claim]:
        """The claims ledger, judged once per build (many macros on many pages read it)."""
        return derive.ledger(self.data)


_current: list[SiteData] = []
#: Figures numbered so far on each page (by source path); reset with every build.
figure_numbers: dict[str, int] = {}


def data_path() -> Path:
    chosen = os.environ.get(DATA_ENV)
    return Path(chosen).resolve() if chosen else DATA_FILE


def repository_inputs_hash() -> str | None:
    try:
        from ..inputs import inputs_hash
    except ImportError:  # the inputs module is not there yet: the staleness check is skipped
        return None
    return inputs_hash()


def load_site_data(path: Path | None = None) -> SiteData:
    """Loads and validates the data (raises `DataError`) and makes it the build's current data."""
    chosen = path or data_path()
    data = load(chosen)
    current = repository_inputs_hash()
    site = SiteData(path=chosen, data=data, current_inputs_hash=current, stale=derive.stale(data, current))
    _current[:] = [site]
    figure_numbers.clear()
    return site


def current() -> SiteData:
    if not _current:
        raise RuntimeError("no measurement data loaded: the hooks' on_config must run first")
    return _current[0]
