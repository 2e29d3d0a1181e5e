"""Benchmark: the measurement pipeline's own overhead (wall time minus time inside Docker calls,
tools and layer compression), as a share of the run. Target: under 10 % of a full run. Also how
many of the run's images the analysis cache answered for, and (--analyse) what the cache saves.

    python scripts/bench_pipeline.py                 # read the committed full run
    python scripts/bench_pipeline.py --run [--only alpine]   # measure now (into a temporary file)
    python scripts/bench_pipeline.py --analyse golang:1.25 [--deep] [--repeat 3]
        # one image's analysis from an empty cache, then from the entry it left; needs the engine
        # (run it under the engine lock) and the image on it (`labreport standins` makes the bases)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from labreport.contract import schema


def report(measurements: schema.Measurements, label: str) -> float:
    provenance = measurements.provenance
    wall = provenance.duration_seconds
    overhead = wall - provenance.docker_seconds - provenance.tool_seconds
    share = overhead / wall if wall else 0.0
    print(
        f"{label}: wall {wall:.1f}s = docker {provenance.docker_seconds:.1f}s + tools/compression "
        f"{provenance.tool_seconds:.1f}s + pipeline overhead {overhead:.1f}s ({share:.1%}; target < 10%)"
    )
    cached = {item.image_id for item in provenance.cached_analyses}
    print(f"{label}: {len(cached)} of {len(measurements.images)} images' analyses came from the cache")
    return share


def bench_analyse(ref: str, *, deep: bool, repeat: int) -> int:
    """`phases.analyse` of one image, `repeat` times from an empty cache folder and again from the
    entry that left: median, min and max of each, and the ratio of the medians."""
    from labreport.measure import cache, phases, tools
    from labreport.measure.engine import Engine
    from labreport.measure.record import Options, Run

    engine = Engine.connect()
    info = engine.image(ref)
    if info is None:
        print(
            f"bench_pipeline: {ref} is not on the engine; `labreport standins` builds the bases",
            file=sys.stderr,
        )
        return 2
    versions = tools.analysis_versions()  # asked once here, as a run asks once for all its images
    samples: dict[str, list[float]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="bench-analyse-") as scratch:
        for index in range(repeat):
            folder = Path(scratch) / str(index)
            for kind in ("cold", "warm"):
                analyses = cache.AnalysisCache(folder, lambda: versions, print)
                run = Run(
                    engine=engine, options=Options(only=[], output=folder / "unused.json"), cache=analyses
                )
                started = time.monotonic()
                if deep:
                    phases.analyse(run, ref, "variant", "bench", image_id=info.id)
                else:
                    phases.analyse(run, ref, "base", None, image_id=info.id)
                samples[kind].append(time.monotonic() - started)
                if (kind == "warm") != bool(run.cached):
                    print(
                        f"bench_pipeline: the {kind} analysis of {ref} did not use the cache as expected",
                        file=sys.stderr,
                    )
                    return 1
    cold, warm = (statistics.median(samples[kind]) for kind in ("cold", "warm"))
    what = "sizes, packages, files, efficiency" if deep else "sizes"
    for kind in ("cold", "warm"):
        values = samples[kind]
        spread = f"min {min(values):.3f}s, max {max(values):.3f}s, {len(values)} runs"
        median = statistics.median(values)
        print(f"analyse {ref} ({what}, {info.size / 1e6:.0f} MB) {kind}: median {median:.3f}s ({spread})")
    print(f"analyse {ref}: the cache takes {warm / cold:.2%} of the cold time ({cold / warm:.0f}x faster)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--run", action="store_true", help="run a measurement now instead of reading the data"
    )
    parser.add_argument("--only", action="append", default=[], help="variant(s) for --run")
    parser.add_argument("--analyse", metavar="IMAGE", help="time one image's analysis, cold and cached")
    parser.add_argument(
        "--deep", action="store_true", help="with --analyse: as a variant (syft, dive, files)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="with --analyse: repeats (default 3)")
    arguments = parser.parse_args()
    if arguments.analyse:
        return bench_analyse(arguments.analyse, deep=arguments.deep, repeat=arguments.repeat)
    if not arguments.run:
        return 0 if report(schema.load(), f"full run of {schema.DATA_FILE.name}") < 0.10 else 1
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "measurements.json"
        only = [flag for name in arguments.only for flag in ("--only", name)]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "labreport",
                "measure",
                "--force",
                "--plain",
                "--repeat",
                "1",
                "--output",
                str(output),
                *only,
            ],
            check=False,
        )
        return 0 if report(schema.load(output), "this run") < 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
