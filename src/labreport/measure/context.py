"""The build context as a measurement edits it: a copy whose Go source differs by one comment line,
for the builds that time a one-line code change (both builders)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..contract.variants import REPO_ROOT


@contextlib.contextmanager
def edited_context(nonce: str) -> Iterator[Path]:
    """A temporary copy of the build context whose Go source differs by one comment line."""
    with tempfile.TemporaryDirectory(prefix="labreport-context-") as scratch:
        context = Path(scratch)
        for name in ("Dockerfile", ".dockerignore"):
            shutil.copy(REPO_ROOT / name, context / name)
        shutil.copytree(REPO_ROOT / "variants", context / "variants")
        shutil.copytree(REPO_ROOT / "app", context / "app")
        with (context / "app" / "main.go").open("a") as source:
            source.write(f"\n// rebuilt by the measurement: {nonce}\n")
        yield context
