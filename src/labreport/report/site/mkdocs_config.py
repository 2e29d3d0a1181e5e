"""mkdocs.yml, read the one way MkDocs itself reads it: its loader resolves `!ENV [NAME, default]`
from the environment, as a build does, so no second reader can disagree with the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import yaml_load

from ...contract.variants import REPO_ROOT

MKDOCS_FILE = REPO_ROOT / "mkdocs.yml"


def load(path: Path = MKDOCS_FILE) -> dict[str, Any]:
    """The configuration as written, its `!ENV` tags resolved; MkDocs' defaults not filled in."""
    with path.open("rb") as stream:
        return yaml_load(stream)


def site_url(path: Path = MKDOCS_FILE) -> str | None:
    """Where the site is deployed; None when the file is missing or malformed, or names no address."""
    try:
        found = load(path).get("site_url")
    except (OSError, ConfigurationError):
        return None
    return found if isinstance(found, str) and found else None
