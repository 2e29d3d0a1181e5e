"""Building the site in a scratch directory, from a chosen data file, the way CI builds it; a copy
of mkdocs.yml that builds from anywhere, which the site benchmark (scripts/bench_site.py) uses too;
and the committed data's site, built once and served, which the browser tests share (conftest.py)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from chromium import served
from labreport.contract import schema
from labreport.report.site import mkdocs_config

REPO = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"


def site_config(tmp: Path, docs: Path | None = None, *, plain: bool = False) -> Path:
    """Writes into `tmp` a copy of mkdocs.yml with every path in it made absolute, optionally over
    another docs directory, and returns its path. `plain` drops every plugin but search (ours and
    mkdocs-macros): MkDocs Material on the same pages, with nothing of ours."""
    config = mkdocs_config.load()
    config["docs_dir"] = str(docs or REPO / "docs")
    config["watch"] = [str(REPO / path) for path in config["watch"]]
    if "custom_dir" in config.get("theme", {}):
        config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    if plain:
        config["plugins"] = ["search"]
    path = tmp / ("plain.yml" if plain else "mkdocs.yml")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build_site(
    data: Path, out: Path, *, docs: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` from the data file `data` into `out`; returns the finished process.

    No background measurement is running unless `env` names a status file (`LABREPORT_STATUS`):
    one the repository's own measurement is writing must not show up in a test's pages.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    config = site_config(out.parent, docs) if docs else REPO / "mkdocs.yml"
    environment = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "LABREPORT_DATA": str(data),
        "LABREPORT_STATUS": str(out.parent / "no-measurement-running.json"),
        **(env or {}),
    }
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "--config-file", str(config), "--site-dir", str(out)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@contextlib.contextmanager
def committed_site(root: Path) -> Iterator[tuple[str, Path]]:
    """The site people read, built into `root` from the committed measurements and served on
    loopback: (its base URL, its folder). Read-only for the tests that look at it."""
    result = build_site(schema.DATA_FILE, root / "site")
    assert result.returncode == 0, result.stderr
    with served(root / "site") as base:
        yield base, root / "site"


def visible(markup: str) -> str:
    """What a reader sees of a macro's output, its tags (an evidence button's) stripped."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", markup))
