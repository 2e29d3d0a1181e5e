"""The layout's rules, read from the source with `ast`: Docker only in the engine, two wings that meet
only in the contract, no import cycles, and every variant named in one place."""

from __future__ import annotations

import ast
from pathlib import Path

from labreport.contract.variants import CACHE_MOUNT, VARIANTS

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "labreport"
ENGINE = PACKAGE / "measure" / "engine.py"
VARIANTS_MODULE = PACKAGE / "contract" / "variants.py"
BUILDKIT = PACKAGE / "measure" / "buildkit.py"
SUBPROCESS_CALLS = {f"subprocess.{name}" for name in ("run", "Popen", "call", "check_call", "check_output")}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name_of(path: Path) -> str:
    parts = ["labreport", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute `labreport....` names."""
    package = _name_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
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
        "measure": ("labreport.report", "labreport.cli"),
        "report": ("labreport.measure", "labreport.cli"),
        "contract": ("labreport.measure", "labreport.report", "labreport.cli"),
    }
    offenders: list[str] = []
    for path in _modules():
        for name in sorted(_imported(path)):
            if any(_within(name, prefix) for prefix in forbidden.get(_wing(path) or "", ())):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []
    assert {_wing(path) for path in _modules()} >= {"contract", "measure", "report", "cli"}


def _graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, whether at the top, in a function or for types only."""
    modules = {_name_of(path): path for path in _modules()}
    return {
        name: {imported for imported in _imported(path) if imported in modules and imported != name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, found by a depth-first walk: each as the modules around it."""
    found: list[list[str]] = []
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = "open"
        stack.append(name)
        for following in sorted(graph[name]):
            if state.get(following) == "open":
                found.append([*stack[stack.index(following) :], following])
            elif following not in state:
                visit(following)
        stack.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return found


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    # The real graph holds the imports made inside functions too (rendering imports matplotlib so).
    assert "labreport.measure.analysis" in _graph()["labreport.measure.phases"]


def _exempt(tree: ast.AST) -> set[int]:
    """Constants that spell a variant's name but do not name a variant: a `Literal[...]` of the schema's
    vocabulary (the binary flavour "cgo"), a dict keyed by flavour, a claim's `key=`, a dict's values
    (what something maps to, never a variant looked up)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        inner: list[ast.AST] = []
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "Literal":
            inner = [node.slice]
        elif isinstance(node, ast.AnnAssign) and node.value and "Flavour" in ast.unparse(node.annotation):  # noqa: SIM114
            inner = [node.value]
        elif isinstance(node, ast.keyword) and node.arg == "key":
            inner = [node.value]
        elif isinstance(node, ast.Dict):
            inner = [value for value in node.values if value is not None]
        ids.update(id(each) for part in inner for each in ast.walk(part))
    return ids


def _variant_literals(path: Path, root: Path = PACKAGE) -> list[str]:
    names = {variant.name for variant in VARIANTS} | {CACHE_MOUNT}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    exempt = _exempt(tree)
    return [
        f"{path.relative_to(root)}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in names and id(node) not in exempt
    ]


#: Read other people's reports and Dockerfiles (`labreport init` writes another repository's project
#: file): their "alpine", "scratch", "distroless", "cgo" are image families and build flavours in
#: those words, not this project's variants.
FOREIGN_WORDS = (PACKAGE / "drafting", PACKAGE / "cli" / "init.py")


def test_no_variant_is_named_by_a_string_outside_its_definition() -> None:
    offenders = [
        line
        for path in _modules()
        if path != VARIANTS_MODULE and not any(path.is_relative_to(foreign) for foreign in FOREIGN_WORDS)
        for line in _variant_literals(path)
    ]
    assert offenders == [], "name a variant by its constant in contract/variants.py"
    # The roles are read from the project file's purposes and bases: not even variants.py names one.
    assert _variant_literals(VARIANTS_MODULE) == [], "a variant's name is the project file's"


def test_the_variant_check_sees_a_literal_where_a_variant_is_looked_up(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text('found = probe(data, "scratch")\nKEYS = {"x": "scratch"}\nkind: Literal["cgo"]\n')
    assert _variant_literals(source, tmp_path) == ["example.py:1 'scratch'"]


def test_the_import_reader_resolves_relative_imports() -> None:
    names = _imported(PACKAGE / "measure" / "phases.py")
    assert "labreport.contract.schema" in names and "labreport.measure.analysis" in names
    assert "labreport.report.claims.judge" in _imported(PACKAGE / "report" / "claims" / "ledger.py")


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


#: A figure as a report prints it: a number and its unit ("29.8 MB", "524kB", "96.3%", "42.1s", "40x").
_FIGURE = r"(\d+(?:\.\d+)?)\s*(GB|MB|kB|KB|B|ms|seconds|s|min|%|x)\b"


def _printed_figures(claims_file: Path) -> set[tuple[str, str]]:
    """The figures a report printed, as its claims file holds them, each as (number, unit)."""
    import re
    import tomllib

    claims = tomllib.loads(claims_file.read_text(encoding="utf-8"))
    printed = [entry["claimed"] for entry in claims["claim"]] + list(
        claims.get("reported_bases", {}).values()
    )
    return {(number, unit) for text in printed for number, unit in re.findall(_FIGURE, text)}


def test_no_figure_of_a_report_is_in_the_code() -> None:
    """The claims are data: none of this report's or the example's printed figures is written in
    src/, not even as an example in a docstring, so a grep for one finds only the claims file."""
    import re

    root = PACKAGE.parents[1]
    figures = _printed_figures(root / "claims.toml") | _printed_figures(
        root / "examples" / "quote-service" / "claims.toml"
    )
    assert {("29.8", "MB"), ("807", "MB"), ("7.71", "MB")} <= figures  # it sees what to look for
    found = [
        f"{path.relative_to(root)}:{number}: {figure} {unit}"
        for path in _modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for figure, unit in figures
        if re.search(rf"(?<![\d.]){re.escape(figure)}\s*{re.escape(unit)}\b", line)
    ]
    assert found == []


def test_no_module_is_over_400_lines() -> None:
    """A module a reader takes in at one sitting: the package's, the scripts' and the tests' own
    (tests/records.py included; the vendored files are not ours)."""
    root = PACKAGE.parents[1]
    files = [*_modules(), *(root / "scripts").glob("*.py"), *(root / "tests").glob("*.py")]
    long = {
        str(path.relative_to(root)): n for path in files if (n := len(path.read_text().splitlines())) > 400
    }
    assert len(files) > 200 and long == {}
