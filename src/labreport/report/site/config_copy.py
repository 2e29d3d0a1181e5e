"""A copy of mkdocs.yml that builds from anywhere: every path in it made absolute.

The site tests build over a copy of the pages, and the site benchmark builds a plain MkDocs site
beside the report; both need the project's configuration with its relative paths resolved.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from ...contract.variants import REPO_ROOT


def absolute_config(tmp: Path, docs: Path | None = None, *, plain: bool = False) -> Path:
    """Writes the copy into `tmp` and returns its path. `plain` drops the hooks and every plugin but
    search: MkDocs Material on the same pages, with nothing of ours."""
    # MkDocs' own loader: it reads `!ENV [NAME, default]` the way a build does.
    config = yaml_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs or REPO_ROOT / "docs")
    config["watch"] = [str(REPO_ROOT / path) for path in config["watch"]]
    if "custom_dir" in config.get("theme", {}):
        config["theme"]["custom_dir"] = str(REPO_ROOT / config["theme"]["custom_dir"])
    if plain:
        config.pop("hooks", None)
        config["plugins"] = ["search"]
    else:
        config["hooks"] = [str(REPO_ROOT / hook) for hook in config["hooks"]]
    path = tmp / ("plain.yml" if plain else "mkdocs.yml")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path
