"""Unit tests of scripts/bench_speed.py: what it counts as the same data, and the phase times it
reads from the progress lines."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from labreport.contract.variants import REPO_ROOT
from records import fake_measurements


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_speed", REPO_ROOT / "scripts" / "bench_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_speed"] = module
    spec.loader.exec_module(module)
    return module


def test_timings_and_provenance_are_left_out_and_any_other_figure_is_a_difference() -> None:
    bench = _bench()
    data = fake_measurements()
    document = data.model_dump(mode="json")
    slower = data.model_copy(deep=True)
    retimed = [build.model_copy(update={"total": build.total.model_copy(update={"median": 99.0})})
               for build in slower.builds]  # fmt: skip
    probe = slower.probes[0].model_copy(update={"seconds_to_healthy": 9.0, "memory_bytes": 1})
    provenance = slower.provenance.model_copy(update={"duration_seconds": 1.0, "cached_analyses": []})
    slower = slower.model_copy(update={"builds": retimed, "probes": [probe, *slower.probes[1:]],
                                       "provenance": provenance})  # fmt: skip
    same = bench.differences(bench.comparable(document), bench.comparable(slower.model_dump(mode="json")))
    assert same == []
    image = data.images[1].model_copy(update={"compressed_size": data.images[1].compressed_size + 1})
    bigger = data.model_copy(update={"images": [data.images[0], image, *data.images[2:]]})
    found = bench.differences(bench.comparable(document), bench.comparable(bigger.model_dump(mode="json")))
    assert found == ["/images/1/compressed_size"]


def test_the_phase_lines_give_each_phases_seconds_and_whether_it_ran_in_the_background() -> None:
    bench = _bench()
    lines = [
        "[  12.5s] builds: done in 41.2s",
        "[  30.1s] analyse single-stage: done in 17.0s (in the background)",
        "[ 300.0s] publish to a local registry and time pulls: failed after 3.5s",
        "[   1.0s] builds 3/7",
    ]
    found = [bench._PHASE_DONE.match(line) for line in lines]
    assert [(m["name"], float(m["seconds"]), bool(m["bg"])) for m in found if m] == [
        ("builds", 41.2, False), ("analyse single-stage", 17.0, True),
        ("publish to a local registry and time pulls", 3.5, False),
    ]  # fmt: skip


def test_the_copy_is_a_repository_of_its_own_with_the_working_trees_files(tmp_path: Path) -> None:
    bench = _bench()
    source = tmp_path / "source"
    source.mkdir()
    (source / "app").mkdir()
    (source / "app" / "main.go").write_text("package main\n")
    (source / ".gitignore").write_text("ignored.txt\n")
    (source / "ignored.txt").write_text("x\n")
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=source, check=True)
    (source / "new.txt").write_text("untracked\n")
    copy = bench.copy_tree(source, tmp_path / "copy")
    assert (copy / "app" / "main.go").read_text() == "package main\n"
    assert (copy / "new.txt").exists() and not (copy / "ignored.txt").exists()
    listed = subprocess.run(["git", "ls-files"], cwd=copy, capture_output=True, text=True, check=True)
    assert set(listed.stdout.split()) == {".gitignore", "app/main.go", "new.txt"}
