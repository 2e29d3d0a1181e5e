"""The inputs hash: one digest over everything a measurement depends on, so stale data shows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .variants import REPO_ROOT

# Dockerfiles, the service's sources and the pipeline's own code (site code excluded: it only reads).
PATTERNS = ("Dockerfile", ".dockerignore", "variants/*.Dockerfile", "app/*", "requirements.txt",
            "scripts/labreport/*.py", "scripts/labreport/standins/*", "scripts/labreport/standins/etc/*")


SITE_ONLY = ("scripts/labreport/derive.py",)


def input_files(root: Path = REPO_ROOT) -> list[Path]:
    found = {path for pattern in PATTERNS for path in root.glob(pattern) if path.is_file()}
    return sorted(path for path in found if path.relative_to(root).as_posix() not in SITE_ONLY)


def inputs_hash(root: Path = REPO_ROOT) -> str:
    digest = hashlib.sha256()
    for path in input_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
