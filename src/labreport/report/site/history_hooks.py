"""MkDocs hook: publish the history the site was built from at data/history.json.

The next CI run merges this published file into its own (`make history-merge`), which is how the
history outlives each runner. Loaded by MkDocs from its file path, after `hooks.py`.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from labreport.report.macros.history import site_history


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Validated: a malformed history is never published. A missing one is published empty, so the
    # page's link holds and the next run's merge reads "no records" rather than a 404.
    history = site_history()
    files.append(
        File.generated(config, "data/history.json", content=history.model_dump_json(indent=1) + "\n")
    )
    return files
