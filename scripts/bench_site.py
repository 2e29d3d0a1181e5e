"""How much the data layer costs the site build, and that a prose edit redraws no figure.

Prints figures, asserts nothing:

1. `mkdocs build` of the report against a plain MkDocs Material build of the same pages with the
   macro calls and figures removed (no macros plugin, no labreport plugin), as a ratio per run, repeated;
   median, min and max. The target is a ratio of at most 3. Every report build draws every figure
   (nothing is kept between builds); measured with the figures drawn by forked worker processes
   (the default) and in the build's own process (`LABREPORT_FIGURE_WORKERS=0`).
2. Two builds in one process (as `mkdocs serve` does), a prose edit in between: how many figures
   each build drew (the rest came from the in-process memo).

Usage: .venv/bin/python scripts/bench_site.py [--runs N] [--data path/to/measurements.json]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The site's test helpers serve the scripts too (a copy of mkdocs.yml, a browser on a built site):
# they live beside the tests, outside the package, as nothing the package runs needs them.
sys.path.insert(0, str(REPO / "tests"))
from site_fixtures import site_config  # noqa: E402

MKDOCS = Path(sys.executable).with_name("mkdocs")
MACRO_CALL = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def plain_docs(tmp: Path) -> Path:
    """The report's pages with every macro call replaced by a word: prose and structure only."""
    docs = tmp / "plain-docs"
    shutil.copytree(REPO / "docs", docs)
    for page in docs.glob("**/*.md"):
        page.write_text(MACRO_CALL.sub("value", page.read_text(encoding="utf-8")), encoding="utf-8")
    return docs


def timed_build(config: Path, out: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(MKDOCS), "build", "--strict", "-q", "-f", str(config), "-d", str(out)],
        cwd=REPO,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def memo_demo(tmp: Path, env: dict[str, str]) -> tuple[int, int]:
    """Two in-process builds with a prose edit between them; figures drawn by each."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from labreport.report.site import rendering

    docs = tmp / "memo-docs"
    shutil.copytree(REPO / "docs", docs)
    config_path = site_config(tmp, docs, plain=False)
    os.environ.update(env)
    drawn = []
    for edit in range(2):
        if edit:
            page = docs / "conclusion.md"
            page.write_text(
                page.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8"
            )
        before = rendering.MEMO.drawn
        config = load_config(str(config_path), site_dir=str(tmp / "memo-site"))
        build(config)
        drawn.append(rendering.MEMO.drawn - before)
    return drawn[0], drawn[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data file (default: $LABREPORT_DATA or data/measurements.json)",
    )
    arguments = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if arguments.data:
        env["LABREPORT_DATA"] = str(arguments.data.resolve())
    with tempfile.TemporaryDirectory(prefix="bench-site-") as name:
        tmp = Path(name)
        report = site_config(tmp, REPO / "docs", plain=False)
        plain = site_config(tmp, plain_docs(tmp), plain=True)
        cases = {
            "figures drawn by worker processes": env,
            "figures drawn in the build process": {**env, "LABREPORT_FIGURE_WORKERS": "0"},
        }
        for label, case_env in cases.items():
            timed_build(report, tmp / "warm", case_env)  # warms the file system's caches
            ratios, report_times, plain_times = [], [], []
            for run in range(arguments.runs):
                report_times.append(timed_build(report, tmp / f"report-{run}", case_env))
                plain_times.append(timed_build(plain, tmp / f"plain-{run}", case_env))
                ratios.append(report_times[-1] / plain_times[-1])
            verdict = "within" if statistics.median(ratios) <= 3 else "ABOVE"
            print(f"{label}, {arguments.runs} runs:")
            print(f"  report build {summary(report_times, ' s')}")
            print(f"  plain build  {summary(plain_times, ' s')}")
            print(f"  ratio        {summary(ratios, 'x')}; {verdict} the 3x target")
        first, second = memo_demo(tmp, env)
        print(
            f"in one process (mkdocs serve): figures drawn by the first build {first}, "
            f"by the rebuild after a prose edit {second}"
        )


def summary(values: list[float], unit: str) -> str:
    return f"median {statistics.median(values):.2f}{unit} (min {min(values):.2f}, max {max(values):.2f})"


if __name__ == "__main__":
    main()
