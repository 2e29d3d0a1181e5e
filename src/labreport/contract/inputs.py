"""The inputs hash: one digest over everything a measurement depends on, so stale data shows."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from .variants import REPO_ROOT

# Dockerfiles, the service's sources, the contract and the measuring wing. The report wing and the
# entry points (cli/) are left out: they only read the data or start the wings, so changing them
# never makes the figures stale.
PATTERNS = (
    "labreport.toml",  # the project: which Dockerfiles are built, the service's port and endpoints
    "Dockerfile",
    ".dockerignore",
    "variants/*.Dockerfile",
    "app/*",
    "requirements.txt",
    "src/labreport/contract/*.py",
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


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout


def untracked_inputs(root: Path = REPO_ROOT) -> list[Path]:
    """Input files git does not track (new, or ignored): they reach the hash and the build context
    but no commit, so data measured with them present is not reproducible from the commit."""
    tracked = {root / name for name in _git(root, "ls-files", "-z").split("\0") if name}
    return [path for path in input_files(root) if path not in tracked]


def git_dirty(root: Path = REPO_ROOT) -> bool:
    """True when the working tree differs from the commit: a tracked file changed, or an input file
    is untracked (`git status --untracked-files=no` alone misses a new app/*.go)."""
    modified = _git(root, "status", "--porcelain", "--untracked-files=no").strip()
    return bool(modified) or bool(untracked_inputs(root))
