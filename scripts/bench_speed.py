"""Benchmark: how long a measurement takes (issue 22), on a copy of the repository, never in it.

    python scripts/bench_speed.py [--repeat 3] [--against REV] [--cache DIR] [--keep DIR] [--one-line]

Four runs of `labreport measure`, one after the other, on a temporary copy of the working tree
(a git repository of its own, so the provenance names a commit) with an analysis cache of its own:

1. cold: `--force` from an empty analysis cache (the base images already on the engine);
2. warm: `--force` again, with the cache the cold run left (target <= 360 s);
3. a one-line change to the service's main Go file, without --force (target <= 300 s);
4. a comment added to one comparison variant's Dockerfile, without --force: every other variant
   and the timings must be carried over (their records, unmeasured).

With `--cache DIR` (an analysis cache an earlier run left, copied), the warm run comes first and
the cold one last, on a fresh copy. Each prints its wall time as it ends, the phases that took
longest (from the progress lines), what came from the analysis cache and what was carried over;
at the end, whether the warm run's data is the cold run's apart from timings and the names of
cached figures. `--against REV` does the same on a copy of REV (today's code: main) in the same
invocation, for the figures side by side. `--one-line` makes only runs 2 and 3 (run 2 is then a cold
one, from an empty cache, unless --cache gives one): the figure a code edit waits for, in half the
time. Run it under the engine lock; each run writes its data
into the temporary folder (or --keep's) only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labreport.contract import schema
from labreport.contract.variants import BY_NAME, PRIMARY, PROJECT, REPO_ROOT, VARIANTS

TARGETS = {"cold": None, "warm": 360.0, "one-line change": 300.0, "Dockerfile change": None}
_PHASE_DONE = re.compile(
    r"^\[\s*[\d.]+s\] (?P<name>.+): (?:done in|failed after) (?P<seconds>[\d.]+)s"
    r"(?P<bg> \(in the background\))?$"
)
# What differs between two runs of the same inputs by nature: clocks, what a clock saw, the logs
# that print them, and the IDs (and pushed digests) of images the builder made again rather than
# took from its cache (the legacy builder's cache prefers its newest match; BuildKit stamps a time),
# and what the service answers of its clock and its container (its hostname is the container's ID).
_TIMED = {"median", "min", "max", "samples"}
_VOLATILE = {"logs", "cold_build_log", "buildkit_cold_log", "memory_bytes", "rebuild", "provenance",
             "image_id", "digest", "hostname", "current_time", "timestamp", "uptime_human"}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    label: str
    wall: float
    data: schema.Measurements
    phases: list[tuple[str, float, bool]]


def copy_tree(source: Path, destination: Path, rev: str | None = None) -> Path:
    """The working tree's tracked and untracked, not ignored, files (or REV's, checked out), as a
    git repository of its own with one commit."""
    if rev is not None:
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(source), str(destination)], check=True)
        subprocess.run(["git", "checkout", "-q", rev], cwd=destination, check=True)
        return destination
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=source, capture_output=True, check=True).stdout.decode()  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (source / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination / name)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    subprocess.run(["git", "add", "-A"], cwd=destination, check=True)
    subprocess.run([*git, "commit", "-qm", "bench copy"], cwd=destination, check=True)
    return destination


def measure(tree: Path, output: Path, cache: Path, label: str, *, force: bool, repeat: int) -> Outcome:
    """`labreport measure` of the copy at `tree`, with its own sources, into `output`."""
    environment = os.environ | {"PYTHONPATH": str(tree / "src"), "LABREPORT_ANALYSIS_CACHE": str(cache)}
    command = [sys.executable, "-m", "labreport", "measure", "--plain", "--repeat", str(repeat),
               "--output", str(output), *(["--force"] if force else [])]  # fmt: skip
    log = output.with_suffix(".log")
    began = time.monotonic()
    with log.open("w") as stream:
        subprocess.run(
            command, cwd=tree, env=environment, stdout=stream, stderr=subprocess.STDOUT, check=False
        )
    wall = time.monotonic() - began
    phases = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        found = _PHASE_DONE.match(line)
        if found:
            phases.append((found["name"], float(found["seconds"]), bool(found["bg"])))
    outcome = Outcome(label, wall, schema.load(output), phases)
    show(outcome, None)  # at once, so a long series shows each figure as it comes
    return outcome


def comparable(node: Any) -> Any:
    """The data with what a clock decides taken out: every spread of timings, every figure of seconds
    figure, the logs, the rebuilt images and the provenance (which names cached figures)."""
    if isinstance(node, dict):
        if set(node) >= _TIMED:
            return "(timed)"
        return {key: comparable(value) for key, value in node.items()
                if key not in _VOLATILE and "seconds" not in key}  # fmt: skip
    if isinstance(node, list):
        return [comparable(item) for item in node]
    return node


def differences(left: Any, right: Any, at: str = "") -> list[str]:
    """The JSON Pointers where two comparable documents differ."""
    if isinstance(left, dict) and isinstance(right, dict):
        return [found for key in sorted({*left, *right})
                for found in differences(left.get(key), right.get(key), f"{at}/{key}")]  # fmt: skip
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [found for index, pair in enumerate(zip(left, right, strict=True))
                for found in differences(*pair, f"{at}/{index}")]  # fmt: skip
    return [] if left == right else [at or "/"]


def show(outcome: Outcome, today: Outcome | None) -> None:
    data = outcome.data.provenance
    target = TARGETS.get(outcome.label)
    verdict = (
        ""
        if target is None
        else f" (target <= {target:.0f}s: {'met' if outcome.wall <= target else 'MISSED'})"
    )
    against = (
        "" if today is None else f"; today's code {today.wall:.0f}s ({outcome.wall / today.wall:.0%} of it)"
    )
    print(
        f"{outcome.label}: {outcome.wall:.0f}s wall, {data.duration_seconds:.0f}s measuring{verdict}{against}"
    )
    longest = sorted(outcome.phases, key=lambda phase: -phase[1])[:6]
    print("  longest phases: " + ", ".join(f"{name} {seconds:.0f}s{' (bg)' if bg else ''}"
                                           for name, seconds, bg in longest))  # fmt: skip
    cached = {item.image_id for item in data.cached_analyses}
    print(f"  {len(cached)} of {len(outcome.data.images)} images' analyses from the cache; "
          f"carried over: {', '.join(item.what for item in data.carried_over) or 'nothing'}; "
          f"{len(outcome.data.failures)} failure(s)", flush=True)  # fmt: skip


def edited_variant() -> str:
    """The variant whose Dockerfile run 4 edits: a comparison that builds its own binary, so that
    nothing else rests on its Dockerfile."""
    return next(variant.name for variant in VARIANTS
                if variant.name != PRIMARY and not variant.uses_builder_image and variant.starts)  # fmt: skip


def series(
    source: Path,
    scratch: Path,
    folder: Path,
    repeat: int,
    *,
    dockerfile: bool,
    seed: Path | None = None,
    cold_run: bool = True,
) -> dict[str, Outcome]:
    """The runs on copies of `source`, by label. With `seed` (an analysis cache folder an earlier
    run left), the warm run comes first, from a copy of it, and the cold one last, on a fresh copy:
    the figures that matter most are in before a long series is cut short."""
    cache, outcomes = folder / "analysis-cache", {}
    tree = copy_tree(source, scratch / f"{folder.name}-tree")

    def cold() -> None:
        fresh = copy_tree(source, scratch / f"{folder.name}-cold-tree") if seed is not None else tree
        empty = folder / "cold-analysis-cache" if seed is not None else cache
        outcomes["cold"] = measure(fresh, folder / "cold.json", empty, "cold", force=True, repeat=repeat)

    if seed is None and cold_run:
        cold()
    elif seed is not None:
        shutil.copytree(seed, cache, dirs_exist_ok=True)
    first = "warm" if cold_run or seed is not None else "cold"  # with --one-line, nothing warmed it
    outcomes[first] = measure(tree, folder / f"{first}.json", cache, first, force=True, repeat=repeat)
    shutil.copy(folder / f"{first}.json", folder / "one-line.json")
    with (tree / PROJECT.service.source / "main.go").open("a", encoding="utf-8") as program:
        program.write("\n// a one-line change, made by scripts/bench_speed.py\n")
    outcomes["one-line change"] = measure(
        tree, folder / "one-line.json", cache, "one-line change", force=False, repeat=repeat
    )
    if dockerfile:
        with (tree / BY_NAME[edited_variant()].dockerfile).open("a", encoding="utf-8") as recipe:
            recipe.write("# a comment, added by scripts/bench_speed.py\n")
        shutil.copy(folder / "one-line.json", folder / "dockerfile.json")
        outcomes["Dockerfile change"] = measure(
            tree, folder / "dockerfile.json", cache, "Dockerfile change", force=False, repeat=repeat
        )
    if seed is not None and cold_run:
        cold()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="the timings' repeats (default 3, as `make measure`)"
    )
    parser.add_argument("--against", metavar="REV", help="the same runs on REV's code too (e.g. main)")
    parser.add_argument("--keep", type=Path, help="keep the runs' data and logs in this folder")
    parser.add_argument(
        "--cache", type=Path, metavar="DIR", help="start the warm run from a copy of this analysis cache"
    )
    parser.add_argument("--one-line", action="store_true", help="only the warm and one-line change runs")
    arguments = parser.parse_args()
    full = not arguments.one_line
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as scratch:

        def runs(source: Path, folder: Path, *, dockerfile: bool) -> dict[str, Outcome]:
            return series(source, Path(scratch), folder, arguments.repeat, dockerfile=dockerfile,
                          seed=arguments.cache, cold_run=full)  # fmt: skip

        folder = arguments.keep or Path(scratch) / "ours"
        folder.mkdir(parents=True, exist_ok=True)
        ours = runs(REPO_ROOT, folder, dockerfile=full)
        today: dict[str, Outcome] = {}
        if arguments.against:
            base = folder / "against"
            base.mkdir(exist_ok=True)
            checkout = copy_tree(REPO_ROOT, Path(scratch) / "against-source", arguments.against)
            today = runs(checkout, base, dockerfile=False)
        print("-- all together --")
        for outcome in ours.values():
            show(outcome, today.get(outcome.label))
        met = all(TARGETS[o.label] is None or o.wall <= (TARGETS[o.label] or 0) for o in ours.values())
        failed = any(o.data.failures for o in ours.values())
        if not full:
            return 0 if met and not failed else 1
        cold, warm = ours["cold"], ours["warm"]
        differ = differences(
            comparable(cold.data.model_dump(mode="json")), comparable(warm.data.model_dump(mode="json"))
        )
        print(f"warm against cold, apart from timings and the cached figures' names: "
              f"{'the same data' if not differ else 'differs at ' + ', '.join(differ[:20])}")  # fmt: skip
        carried = {item.what for item in ours["Dockerfile change"].data.provenance.carried_over}
        expected = {variant.name for variant in VARIANTS} - {edited_variant()} | {"timings"}
        # A comment in a Dockerfile adds no step: the edited variant's build gives its image again,
        # whose probe it keeps (`carry.probe`); everything else of it is measured again.
        edited = edited_variant()
        before, after = (
            ours[label].data.provenance.image_inputs for label in ("one-line change", "Dockerfile change")
        )
        expected |= {f"{edited} probe"} if before.get(edited) == after.get(edited) else set()
        print(f"Dockerfile change: carried over {sorted(carried)}; expected {sorted(expected)}: "
              f"{'as expected' if carried == expected else 'NOT as expected'}")  # fmt: skip
        return 0 if met and not differ and carried == expected and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
