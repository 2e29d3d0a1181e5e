"""Building the site in a scratch directory, from a chosen data file, the way CI builds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"


def site_config(tmp: Path, docs: Path | None = None) -> Path:
    """A copy of mkdocs.yml with absolute paths, optionally over another docs directory."""
    import yaml

    class Loader(yaml.SafeLoader):
        """Reads MkDocs' `!ENV [NAME, default]` as MkDocs would: the variable, else the default."""

    def environment(loader: yaml.SafeLoader, node: yaml.Node) -> object:
        name, *default = loader.construct_sequence(node)  # type: ignore[arg-type]
        return os.environ.get(str(name), default[0] if default else None)

    Loader.add_constructor("!ENV", environment)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    config["docs_dir"] = str(docs or REPO / "docs")
    if "custom_dir" in config.get("theme", {}):
        config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    config["hooks"] = [str(REPO / hook) for hook in config["hooks"]]
    config["watch"] = [str(REPO / path) for path in config["watch"]]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "macros" in plugin:
            plugin["macros"]["module_name"] = str(REPO / plugin["macros"]["module_name"])
    path = tmp / "mkdocs.yml"
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
