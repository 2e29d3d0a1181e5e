"""The inputs hash: one digest over everything a measurement depends on, so stale data shows."""

from __future__ import annotations

import hashlib
import posixpath
import subprocess
from pathlib import Path

from .project import Project
from .variants import BY_NAME, PROJECT, PROJECT_PATH, REPO_ROOT, ROOT

# The tool's own inputs, under its repository: its requirements, the contract and the measuring wing.
# The report wing and the entry points (cli/) are left out: they only read the data or start the
# wings, so changing them never makes the figures stale.
TOOL_PATTERNS = (
    "requirements.txt",
    "src/labreport/contract/*.py",
    "src/labreport/measure/*.py",
    "src/labreport/measure/recipes/*",
    "src/labreport/measure/recipes/etc/*",
)


def project_patterns(project: Project = PROJECT, project_file: str = PROJECT_PATH.name) -> tuple[str, ...]:
    """The project's inputs, under its folder: the project file (which Dockerfiles are built, the
    service's port and endpoints), every Dockerfile it names, the build context's .dockerignore and
    the files of the service's source folder."""
    source = posixpath.normpath(project.service.source)
    return (
        project_file,
        *(entry.dockerfile for entry in project.variant),
        ".dockerignore",
        "*" if source == "." else f"{source}/*",
    )


def _inputs(
    root: Path | None, tool_root: Path | None, patterns: tuple[str, ...] | None = None
) -> dict[Path, str]:
    """Each input file with the name the hash gives it (relative to its root). With no root, the
    project's folder and the tool's repository; with one, both under it (a test's fake repository).
    `patterns` narrows the project's files (one variant's); the tool's are always in."""
    project_root = ROOT if root is None else root
    tools_root = (REPO_ROOT if root is None else root) if tool_root is None else tool_root
    found: dict[Path, str] = {}
    chosen = project_patterns() if patterns is None else patterns
    for base, patterns in ((tools_root, TOOL_PATTERNS), (project_root, chosen)):
        for pattern in patterns:
            for path in base.glob(pattern):
                if path.is_file():
                    found[path] = path.relative_to(base).as_posix()
    return found


def _digest(files: dict[Path, str], *texts: str) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode() + b"\0")
    for path, name in sorted(files.items(), key=lambda item: (item[1], item[0])):
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def variant_inputs_hashes(
    root: Path | None = None, tool_root: Path | None = None, project: Project = PROJECT
) -> dict[str, str]:
    """Each variant's own inputs hash (the cache-mount one's too), by name: the measuring code, the
    service's entry and source, the build context's .dockerignore, the variant's project entry and
    its Dockerfile, and the primary's Dockerfile for one that copies from its builder stage. Editing
    one variant's Dockerfile or entry changes its hash alone; the source or the tool, every one."""
    source = posixpath.normpath(project.service.source)
    shared = (".dockerignore", "*" if source == "." else f"{source}/*")
    service = project.service.model_dump_json()
    hashes: dict[str, str] = {}
    for entry in project.variant:
        known = BY_NAME.get(entry.name)
        builder = (project.primary.dockerfile,) if known is not None and known.uses_builder_image else ()
        files = _inputs(root, tool_root, (*shared, entry.dockerfile, *builder))
        hashes[entry.name] = _digest(files, service, entry.model_dump_json())
    return hashes


def running_inputs_hashes(
    root: Path | None = None, tool_root: Path | None = None, project: Project = PROJECT
) -> dict[str, str]:
    """What each variant's probe rests on besides its image, by name: the measuring code, the
    service's entry (its port, endpoints and spec) and the variant's project entry. With the image's
    ID (`measure.carry.inputs_by_image`) it says whether a probe of an earlier run still holds."""
    service = project.service.model_dump_json()
    tool = _inputs(root, tool_root, ())
    return {entry.name: _digest(tool, service, entry.model_dump_json()) for entry in project.variant}


def input_files(root: Path | None = None, tool_root: Path | None = None) -> list[Path]:
    return sorted(_inputs(root, tool_root))


def inputs_hash(root: Path | None = None, tool_root: Path | None = None) -> str:
    return _digest(_inputs(root, tool_root))


def git_output(root: Path, *args: str) -> str:
    """What `git <args>` prints in `root`; "" when git fails (not a checkout, an unknown revision):
    the callers treat no answer as nothing tracked, nothing changed, no versions."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout


def untracked_inputs(root: Path | None = None) -> list[Path]:
    """Input files git does not track (new, or ignored): they reach the hash and the build context
    but no commit, so data measured with them present is not reproducible from the commit."""
    roots = {ROOT, REPO_ROOT} if root is None else {root}
    listed = {base: git_output(base, "ls-files", "-z").split("\0") for base in roots}
    tracked = {base / name for base, names in listed.items() for name in names if name}
    return [path for path in input_files(root) if path not in tracked]


def git_dirty(root: Path | None = None) -> bool:
    """True when the working tree differs from the commit: a tracked file changed, or an input file
    is untracked (`git status --untracked-files=no` alone misses a new app/*.go)."""
    where = ROOT if root is None else root
    modified = git_output(where, "status", "--porcelain", "--untracked-files=no").strip()
    return bool(modified) or bool(untracked_inputs(root))
