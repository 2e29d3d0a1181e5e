"""The build context as a measurement edits it: a copy whose Go source differs by one comment line,
for the builds that time a one-line code change (both builders)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..contract.variants import PROJECT, ROOT


@contextlib.contextmanager
def edited_context(nonce: str) -> Iterator[Path]:
    """A temporary copy of the build context whose Go source differs by one comment line."""
    with tempfile.TemporaryDirectory(prefix="labreport-context-") as scratch:
        context = Path(scratch)
        source = PROJECT.service.source
        # The project's Dockerfiles, its .dockerignore and the service's source: what the builds read.
        names = [entry.dockerfile for entry in PROJECT.variant] + [".dockerignore"]
        for name in names:
            if (ROOT / name).is_file():
                (context / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / name, context / name)
        shutil.copytree(ROOT / source, context / source, dirs_exist_ok=True, symlinks=True)
        with edited_go_file(context / source).open("a") as program:
            program.write(f"\n// rebuilt by the measurement: {nonce}\n")
        yield context


def edited_go_file(source: Path) -> Path:
    """The Go file a one-line change goes into: main.go where there is one, else the first by name."""
    if (source / "main.go").is_file():
        return source / "main.go"
    found = sorted(path for path in source.glob("*.go") if not path.name.endswith("_test.go"))
    if not found:
        raise RuntimeError(f"{source}: no Go file to change; is [service] source the Go module's folder?")
    return found[0]
