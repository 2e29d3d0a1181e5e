"""The inputs hash: one digest over everything a measurement depends on, so stale data shows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .variants import REPO_ROOT

# Dockerfiles, the service's sources, the contract and the measuring wing. The report wing is left
# out: it only reads the data, so changing it never makes the figures stale.
PATTERNS = (
    "Dockerfile",
    ".dockerignore",
    "variants/*.Dockerfile",
    "app/*",
    "requirements.txt",
    "src/labreport/*.py",
    "src/labreport/measure/*.py",
    "src/labreport/measure/recipes/*",
    "src/labreport/measure/recipes/etc/*",
)


def input_files(root: Path = REPO_ROOT) -> list[Path]:
    return sorted({path for pattern in PATTERNS for path in root.glob(pattern) if path.is_file()})


def inputs_hash(root: Path = REPO_ROOT) -> str:
    digest = hashlib.sha256()
    for path in input_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
