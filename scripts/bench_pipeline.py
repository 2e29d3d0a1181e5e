"""Benchmark: the measurement pipeline's own overhead (wall time minus time inside Docker calls,
tools and layer compression), as a share of the run. Target: under 10 % of a full run.

    python scripts/bench_pipeline.py                 # read the committed full run
    python scripts/bench_pipeline.py --run [--only alpine]   # measure now (into a temporary file)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
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
    return share


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--run", action="store_true", help="run a measurement now instead of reading the data"
    )
    parser.add_argument("--only", action="append", default=[], help="variant(s) for --run")
    arguments = parser.parse_args()
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
