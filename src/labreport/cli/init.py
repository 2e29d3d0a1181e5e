"""`labreport init [DIR]`: a starting project file (labreport.toml) read from a repository's
Dockerfiles and Go source: the Go module's folder, the port (EXPOSE, else the code), the routes,
each Dockerfile's FROM lines and the role they suggest. What it had to guess it marks `# guessed`
and says; PROJECT.md documents the format.

Exit codes (`outcomes`): 0 written, 2 a project file is there already (never overwritten), 7 no
Dockerfile.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..contract import dockerfile
from ..contract.project import PROJECT_FILE
from ..contract.schema import write_atomically
from .outcomes import NO_DOCKERFILE as NOTHING_TO_READ
from .outcomes import USAGE

EXISTS, NO_DOCKERFILE = USAGE.code, NOTHING_TO_READ.code
#: Folders a repository keeps other people's or generated files in.
_SKIPPED = {".git", ".venv", "node_modules", "vendor", "site", "__pycache__"}
_ROUTE = re.compile(r"""Handle(?:Func)?\(\s*"(?:[A-Z]+\s+)?(?P<path>/[^"]*)\"""")
_PORT_IN_CODE = re.compile(r"""(?:[Pp]ort\w*\s*=\s*|Addr:\s*|Listen(?:AndServe)?\()"?:?(?P<port>\d{2,5})\"""")
_MODULE = re.compile(r"^module\s+(?P<path>\S+)", re.MULTILINE)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "init",
        help="write a starting labreport.toml from a repository's Dockerfiles and Go source",
        description="Reads the Dockerfiles (their stages, FROM lines and EXPOSE), the Go module and "
        "its routes, and writes DIR/labreport.toml, marking what it guessed. Never overwrites one "
        f"(exit {EXISTS}); a folder with no Dockerfile is exit {NO_DOCKERFILE}.",
    )
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), help="the repository (default: .)")


@dataclass(frozen=True)
class Found:
    text: str  # the project file
    guesses: list[str]  # what could not be read and was guessed, one line each


def _dockerfiles(root: Path) -> list[Path]:
    def wanted(path: Path) -> bool:
        name = path.name
        named = name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")
        inside = path.relative_to(root).parts[:-1]
        return named and path.is_file() and not set(inside) & _SKIPPED and len(inside) <= 2

    found = [path for path in root.rglob("*Dockerfile*") if wanted(path)]
    # The root's Dockerfile first (the usual primary), then by depth and name.
    return sorted(
        found, key=lambda path: (path.relative_to(root) != Path("Dockerfile"), len(path.parts), path)
    )


def _module(root: Path) -> tuple[Path | None, str | None]:
    mods = sorted(
        (path for path in root.rglob("go.mod") if not set(path.relative_to(root).parts) & _SKIPPED),
        key=lambda path: len(path.parts),
    )
    if not mods:
        return None, None
    found = _MODULE.search(mods[0].read_text(encoding="utf-8"))
    return mods[0].parent, found["path"].rsplit("/", 1)[-1] if found else None


def _go_sources(folder: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.glob("*.go"))
        if not path.name.endswith("_test.go")
    )


def _routes(code: str) -> list[str]:
    paths = [match["path"].replace("{$}", "") or "/" for match in _ROUTE.finditer(code)]
    fixed = [path for path in dict.fromkeys(paths) if "{" not in path]
    return sorted(fixed, key=lambda path: path != "/")


def _flavour(text: str) -> str:
    if re.search(r"CGO_ENABLED=1", text):
        return "cgo"
    stripped = re.search(r"-ldflags=?[\"']?[^\n]*-s\b", text) is not None and "-w" in text
    if stripped and "-trimpath" in text:
        return "stripped_trimpath"
    return "stripped" if stripped else "default"


def _name(path: Path, runtime: str | None, taken: set[str]) -> str:
    """The variant's name: the Dockerfile's own suffix, else its runtime base's family."""
    stem = path.name.removeprefix("Dockerfile").removeprefix(".").removesuffix(".Dockerfile").lower()
    if path.name == "Dockerfile" or not stem:
        image = runtime or dockerfile.EMPTY
        family = "distroless" if "/distroless/" in image else image.rsplit("/", 1)[-1].split(":")[0]
        stem = re.sub(r"[^a-z0-9._-]", "-", family.lower()) or "main"
    name, number = stem, 2
    while name in taken:
        name, number = f"{stem}-{number}", number + 1
    return name


def _variant(root: Path, path: Path, primary: bool, taken: set[str], guesses: list[str]) -> list[str]:
    text = path.read_text(encoding="utf-8")
    parsed = dockerfile.parse(text)
    first = parsed.base_of(parsed.stages[0]) if parsed.stages else None
    last = parsed.base_of(parsed.stages[-1]) if parsed.stages else None
    name = _name(path, last, taken)
    taken.add(name)
    flavour = _flavour(text)
    runs_elsewhere = last is not None and not last.startswith("golang")
    purpose = "runtime" if primary else "failure" if flavour == "cgo" and runs_elsewhere else "comparison"
    shape = f"{first or 'scratch'} -> {last or 'scratch'}" if len(parsed.stages) > 1 else f"{first} alone"
    guesses.append(f"variant {name!r}: purpose {purpose!r} and flavour {flavour!r} read from {path.name}")
    return [
        "[[variant]]",
        f"name = {json.dumps(name)}",
        f"dockerfile = {json.dumps(path.relative_to(root).as_posix())}",
        f"purpose = {json.dumps(purpose)}  # guessed",
        f"flavour = {json.dumps(flavour)}  # guessed from its go build line",
        # Pushed to the local registry and pull-timed: the primary surely, the others if the report
        # compares their pulls, which init cannot read.
        f"published = {json.dumps(primary)}  # guessed",
        f"summary = {json.dumps(shape)}  # guessed: say what this variant shows",
        "",
    ]


def _service(root: Path, primary: Path, guesses: list[str], asked: Sequence[str]) -> list[str]:
    module, module_name = _module(root)
    code = _go_sources(module) if module else ""
    exposed = dockerfile.read(primary).exposed
    in_code = _PORT_IN_CODE.search(code)
    if exposed:
        port, port_note = exposed[0], f"  # EXPOSE in {primary.name}"
    elif in_code:
        port, port_note = int(in_code["port"]), "  # guessed from the Go code"
        guesses.append(f"port {port}: no EXPOSE, read from the Go code")
    else:
        port, port_note = 8080, "  # guessed: no EXPOSE and none in the code"
        guesses.append("port: no EXPOSE and none in the Go code; 8080 is a guess")
    routes = _routes(code) or ["/"]
    if not _routes(code):
        guesses.append("endpoints: no route found in the Go code; '/' is a guess")
    shown = [path for path in asked if path not in routes]
    routes += shown
    health = next((path for path in routes if "health" in path), routes[0])
    if module is None:
        guesses.append("source: no go.mod found; '.' is a guess")
    source = module.relative_to(root).as_posix() if module else "."
    image = module_name or root.resolve().name
    return [
        "[service]",
        f"image = {json.dumps(re.sub(r'[^a-z0-9._-]', '-', image.lower()))}",
        f"source = {json.dumps(source)}{'' if module else '  # guessed'}",
        f"port = {port}{port_note}",
        f"endpoints = {json.dumps(routes)}  # guessed: the routes with no parameter"
        + (", and the paths the report asks" if shown else ""),
        f"health = {json.dumps(health)}{'' if 'health' in health else '  # guessed'}",
        '# spec = "devops-info-service"  # the course\'s response spec, if the service follows it',
        "",
    ]


def draft(root: Path, asked: Sequence[str] = ()) -> Found | None:
    """The project file for `root`, or None when it has no Dockerfile; `asked`: paths a report
    shows the service answering (`/quote/1`), declared as endpoints beside the routes."""
    files = _dockerfiles(root)
    if not files:
        return None
    multi = [path for path in files if len(dockerfile.read(path).stages) > 1]
    primary = multi[0] if multi else files[0]
    guesses: list[str] = [] if multi else [f"primary: no multi-stage Dockerfile; {primary.name} is a guess"]
    lines = [
        "# Written by `labreport init`; the format is PROJECT.md. Lines marked `# guessed` are",
        "# what it could not read for sure: check them.",
        "",
        *_service(root, primary, guesses, asked),
    ]
    taken: set[str] = set()
    for path in [primary, *(path for path in files if path != primary)]:
        lines += _variant(root, path, path == primary, taken, guesses)
    return Found(text="\n".join(lines).rstrip() + "\n", guesses=guesses)


def run(arguments: argparse.Namespace) -> int:
    root: Path = arguments.dir
    target = root / PROJECT_FILE.name
    if target.exists():
        print(f"labreport: {target} exists; init never overwrites it (move it away first)", file=sys.stderr)
        return EXISTS
    found = draft(root) if root.is_dir() else None
    if found is None:
        print(
            f"labreport: {root}: no Dockerfile here; init reads a repository's Dockerfiles", file=sys.stderr
        )
        return NO_DOCKERFILE
    write_atomically(target, found.text)
    for guess in found.guesses:
        print(f"guessed: {guess}")
    print(f"wrote {target}")
    return 0
