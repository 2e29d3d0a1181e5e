"""The site of a project with no pages of its own: the generic pages in `generic/` and a MkDocs
configuration made for the project, staged in a folder of their own.

The pages are written once, for any project, with the macros the seed's pages use; what differs
between projects (the primary variant's name, the endpoints, where the report lives) reaches them
as the Jinja variable `project`, through mkdocs.yml's `extra` (mkdocs-macros exposes it). The
report's text is linked under the repository's address, never copied. Everything else, the theme,
the Markdown extensions, the validation and the scripts, is this repository's mkdocs.yml, so both
sites are built the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import yaml

from ...contract.project import CACHE_MOUNT_TIMING, FAILURE, REPO_ROOT, Project
from . import mkdocs_config

PAGES = Path(__file__).resolve().parent / "generic"
#: The seed's static files (styles, the ledger's sorting, the evidence popovers), shared as they are.
ASSETS = REPO_ROOT / "docs" / "assets"
#: The report a project's folder holds, linked from the home page.
REPORT_NAME = "REPORT.md"
#: The repository's web address, as mkdocs.yml's `repo_url` reads it.
REPO_URL_ENV = "LABREPORT_REPO_URL"

NAV = [
    {"Home": "index.md"},
    {"Image sizes": "sizes.md"},
    {"Layers": "layers.md"},
    {"Build times": "build.md"},
    {"The service's answers": "testing.md"},
    {"Security": "security.md"},
    {"Publishing": "publishing.md"},
    {"Claims ledger": "ledger.md"},
]
#: A page the claims file names that the generic pages lack: the ledger links each claim to its page.
STUB = """# {name}

The report discusses some of its claims on a page of its own, `{name}`, which this site has no
counterpart for. Their values and verdicts are on the [claims ledger](ledger.md).
"""


def _git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def _web_address(remote: str) -> str | None:
    """`git@github.com:o/r.git` or `https://github.com/o/r.git` as `https://github.com/o/r`."""
    found = re.fullmatch(r"(?:git@|ssh://git@|https://)([^:/]+)[:/](.+?)(?:\.git)?/?", remote)
    return f"https://{found.group(1)}/{found.group(2)}" if found else None


def repo_url(folder: Path) -> str | None:
    """Where the project's repository is browsed: $LABREPORT_REPO_URL, else this repository's
    `repo_url` for a project inside it (the example), else the checkout's `origin`."""
    chosen = os.environ.get(REPO_URL_ENV)
    if chosen:
        return chosen.rstrip("/")
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top and Path(top).resolve() == REPO_ROOT:
        seed = mkdocs_config.load().get("repo_url")
        return seed.rstrip("/") if isinstance(seed, str) else None
    return _web_address(_git(folder, "remote", "get-url", "origin")) if top else None


def report_path(folder: Path) -> str | None:
    """The report's path in its repository (or in its folder, outside any checkout); None: no report."""
    report = folder / REPORT_NAME
    if not report.is_file():
        return None
    top = _git(folder, "rev-parse", "--show-toplevel")
    return report.resolve().relative_to(Path(top).resolve()).as_posix() if top else REPORT_NAME


def claim_pages(project: Project, folder: Path) -> list[str]:
    """The pages the claims file's entries name, in their order, each once. Read as plain TOML: the
    site build checks every entry (and fails on a bad one); here only the page names matter."""
    try:
        raw = tomllib.loads((folder / project.claims).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return []  # the build itself reports the claims file's problem, in its one line
    claims = raw.get("claim", [])
    named = [e.get("page") for e in claims if isinstance(e, dict)] if isinstance(claims, list) else []
    return list(dict.fromkeys(page for page in named if isinstance(page, str)))


def variables(project: Project, folder: Path, url: str | None) -> dict[str, Any]:
    """What the pages know of the project: the Jinja variable `project`."""
    path = report_path(folder)
    return {
        "image": project.service.image,
        "primary": project.primary.name,
        # The images that run; a failure variant has no probe answers and a cache-mount one no image.
        "variants": [e.name for e in project.variant if e.purpose not in (FAILURE, CACHE_MOUNT_TIMING)],
        "root": project.service.endpoints[0],
        "health": project.service.health,
        "claims": project.claims,
        "report_path": path,
        "report_url": f"{url}/blob/main/{path}" if url and path else None,
    }


def config(
    project: Project, folder: Path, docs: Path, out: Path, stubs: list[str] | None = None
) -> dict[str, Any]:
    """This repository's mkdocs.yml, with the project's name, pages, address and data in it."""
    seed = mkdocs_config.load()
    url = repo_url(folder)
    chosen: dict[str, Any] = {
        **seed,
        "site_name": f"{project.service.image}: the report's figures, measured",
        "site_description": f"The figures of {project.service.image}'s report, measured again.",
        "docs_dir": str(docs),
        "site_dir": str(out),
        "nav": NAV + ([{"The report's other pages": stubs}] if stubs else []),
        "watch": [str(folder / "data"), str(folder / project.claims)],
        "extra": {**seed.get("extra", {}), "project": variables(project, folder, url)},
    }
    for key in ("repo_url", "edit_uri", "site_url"):
        chosen.pop(key, None)
    if url:
        chosen["repo_url"] = url
    theme = dict(seed["theme"])
    theme["custom_dir"] = str(REPO_ROOT / theme["custom_dir"])
    chosen["theme"] = theme
    return chosen


def stage(project: Project, folder: Path, staging: Path, out: Path) -> Path:
    """Writes the generic pages, the shared assets and the configuration into `staging`; returns
    the configuration's path. `staging` holds no project file, so the plugin reads the project
    `LABREPORT_PROJECT` names."""
    docs = staging / "docs"
    shutil.copytree(PAGES, docs)
    stubs = [page for page in claim_pages(project, folder) if not (docs / page).is_file()]
    for page in stubs:
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text(STUB.format(name=page), encoding="utf-8")
    # The seed's own picture of its home page is no asset of another site.
    shutil.copytree(ASSETS, docs / "assets", ignore=shutil.ignore_patterns("*.png"))
    path = staging / "mkdocs.yml"
    chosen = config(project, folder, docs, out, stubs)
    path.write_text(yaml.safe_dump(chosen, sort_keys=False), encoding="utf-8")
    return path
