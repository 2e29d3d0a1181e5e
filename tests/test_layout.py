"""The layout's rules, read from the source with `ast`: Docker only in the engine, and two wings
that meet only in the contract."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "labreport"
ENGINE = PACKAGE / "measure" / "engine.py"
BUILDKIT = PACKAGE / "measure" / "buildkit.py"
CONTRACT = ("schema", "variants", "inputs", "spec", "status", "history", "pointer", "evidence")
SUBPROCESS_CALLS = {f"subprocess.{name}" for name in ("run", "Popen", "call", "check_call", "check_output")}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute `labreport....` names."""
    package = ["labreport", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            # `from .. import report` names the wing in the alias, not in the module.
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _wing(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_only_the_engine_imports_docker() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if path != ENGINE and any(_within(name, "docker") for name in _imported(path))
    ]
    assert offenders == [], "only measure/engine.py may talk to Docker"
    assert any(_within(name, "docker") for name in _imported(ENGINE)), "the check must see real imports"


def test_the_wings_meet_only_in_the_contract() -> None:
    forbidden = {
        "measure": ("labreport.report",),
        "report": ("labreport.measure",),
        None: ("labreport.measure", "labreport.report"),  # contract modules: neither wing
    }
    offenders: list[str] = []
    for path in _modules():
        wing = _wing(path)
        if wing is None and path.stem not in CONTRACT:
            continue  # the CLI and `serve` join the wings
        for name in sorted(_imported(path)):
            if any(_within(name, prefix) for prefix in forbidden.get(wing, ())):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_the_import_reader_resolves_relative_imports(tmp_path: Path) -> None:
    module = PACKAGE / "measure" / "phases.py"
    names = _imported(module)
    assert "labreport.schema" in names and "labreport.measure.analysis" in names


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _docker_cli_runs(path: Path) -> list[int]:
    """Lines that start the docker CLI: a subprocess call whose command begins with `docker` (a
    literal name or path) or with `cli()`, buildkit's choice of the binary."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not (isinstance(node, ast.Call) and _dotted(node.func) in SUBPROCESS_CALLS and node.args):
            continue
        command = node.args[0]
        head = command.elts[0] if isinstance(command, ast.List | ast.Tuple) and command.elts else None
        literal = isinstance(head, ast.Constant) and str(head.value).rsplit("/", 1)[-1] == "docker"
        chosen = isinstance(head, ast.Call) and _dotted(head.func).rsplit(".", 1)[-1] == "cli"
        if literal or chosen:
            lines.append(node.lineno)
    return lines


def test_only_buildkit_runs_the_docker_cli() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in _modules()
        if path != BUILDKIT
        for line in _docker_cli_runs(path)
    ]
    assert offenders == [], "the docker CLI runs through measure/buildkit.py's run_cli only"
    assert _docker_cli_runs(BUILDKIT), "the check must see the real call"
    assert "labreport.measure.buildkit.run_cli" in _imported(PACKAGE / "measure" / "witness.py")
