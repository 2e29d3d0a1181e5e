"""The figures as SVG files: each drawn once, to light and dark SVG, memoised, in worker processes.

A build starts the drawing in a `Batch` (from the plugin's `on_config`), in one forked worker process
when that is safe, so matplotlib's import and the drawing overlap with MkDocs reading and rendering
the pages. The worker imports matplotlib, then forks the processes that draw, which inherit the
import rather than pay it again. `Batch.result` collects the SVGs (from `on_post_build`) and
re-raises any failure. The memo, keyed by a hash of each figure's input payload, outlives the
build: a `mkdocs serve` rebuild after a prose edit redraws nothing. Output is deterministic: a
fixed hash salt per figure, no date.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor

from ...contract.schema import Measurements
from ..figures import FIGURES
from ..figures.style import DARK, PALETTES

THEMES = ("light", "dark")

#: Processes that draw the figures: "0" draws them in the build's own process.
WORKERS_ENV = "LABREPORT_FIGURE_WORKERS"


class Memo:
    """Both themes' SVGs of every figure drawn in this process, by `memo_key`, and how many were drawn.

    The one piece of state kept from build to build: each rebuild of `mkdocs serve` starts a new
    build, but this package stays loaded.
    """

    def __init__(self) -> None:
        self.svgs: dict[str, dict[str, str]] = {}
        self.drawn = 0


MEMO = Memo()


def memo_key(name: str, payload: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps([name, payload], sort_keys=True).encode()).hexdigest()


def inputs(data: Measurements) -> dict[str, dict[str, object]]:
    """Each figure's input payload: all the data its drawing reads, JSON-serialisable."""
    return {name: make_input(data) for name, (make_input, _) in FIGURES.items()}


_COLOUR = re.compile(r"(?<![\w#])#[0-9a-f]{6}(?![0-9a-zA-Z])")


def recolour(svg: str, name: str) -> str:
    """The dark version of a figure drawn in the light palette; raises on a colour outside it."""

    def swap(match: re.Match[str]) -> str:
        colour = match.group(0)
        if colour not in DARK:
            raise ValueError(f"figure {name!r}: colour {colour} is not in the light palette")
        return DARK[colour]

    return _COLOUR.sub(swap, svg)


def draw(name: str, payload: dict[str, object]) -> dict[str, str]:
    """Draws figure `name`; returns its SVG text by theme. Runs in a worker or in-process."""
    light = _draw_light(name, payload)
    return {"light": light, "dark": recolour(light, name)}


def _draw_light(name: str, payload: dict[str, object]) -> str:
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    palette = PALETTES["light"]
    # Anything not coloured explicitly still gets a palette colour, so the dark swap is complete.
    with mpl.rc_context(
        {
            "svg.hashsalt": f"labreport-{name}",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "text.color": palette.text,
            "axes.labelcolor": palette.text,
            "axes.edgecolor": palette.grid,
            "xtick.color": palette.text,
            "ytick.color": palette.text,
            "grid.color": palette.grid,
            "axes.prop_cycle": f"cycler(color=['{palette.text}'])",
        }
    ):
        figure = Figure(layout="constrained")
        FigureCanvasSVG(figure)
        figure.patch.set_alpha(0)
        FIGURES[name][1](payload, figure, palette)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return buffer.getvalue()


def draw_all(payloads: dict[str, dict[str, object]], drawers: int) -> dict[str, dict[str, str]]:
    """Every figure in `payloads`, by name, drawn by `drawers` processes forked from this one once it
    has imported matplotlib (a quarter second that each would otherwise pay again). Runs in the
    batch's worker, which has one thread, so it may fork."""
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # noqa: F401

    if drawers <= 1:
        return {name: draw(name, payload) for name, payload in payloads.items()}
    with _fork_pool(min(drawers, len(payloads))) as pool:
        futures = {name: pool.submit(draw, name, payload) for name, payload in payloads.items()}
        return {name: future.result() for name, future in futures.items()}


def _fork_pool(processes: int) -> ProcessPoolExecutor:
    import multiprocessing

    return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"))


def _workers() -> int:
    # The drawings are a cold build's critical path: two drawers, one per core at most. On two
    # cores they still finish sooner than one, as the pages leave a core idle half the time.
    chosen = os.environ.get(WORKERS_ENV, str(min(2, os.cpu_count() or 1)))
    if not chosen.isdigit():
        raise ValueError(f"{WORKERS_ENV} must be a number of processes, not {chosen!r}")
    # Forking is safe only from a single-threaded process (`mkdocs serve` rebuilds in a thread).
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 0
    return int(chosen)


class Batch:
    """The figures of one build: taken from the memo, or being drawn (by workers or in `result`)."""

    def __init__(self, data: Measurements, workers: int | None = None, memo: Memo = MEMO) -> None:
        self.memo = memo
        self.payloads = inputs(data)
        self.keys = {name: memo_key(name, payload) for name, payload in self.payloads.items()}
        #: Figures this batch drew rather than took from the memo; known once `result` returns.
        self.drawn = 0
        missing = [name for name, key in self.keys.items() if key not in memo.svgs]
        workers = _workers() if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None
        self._drawing: Future[dict[str, dict[str, str]]] | None = None
        if missing and workers > 0:
            self._pool = _fork_pool(1)
            self._drawing = self._pool.submit(
                draw_all, {name: self.payloads[name] for name in missing}, workers
            )

    def ready(self) -> bool:
        """True when every figure can be had without drawing or waiting."""
        return all(key in self.memo.svgs for key in self.keys.values())

    def result(self) -> dict[str, str]:
        """Every figure in both themes, keyed by its site path; re-raises a figure's failure."""
        try:
            by_worker = {} if self._drawing is None else self._drawing.result()
            for name, key in self.keys.items():
                if key not in self.memo.svgs:
                    drawn = by_worker[name] if name in by_worker else draw(name, self.payloads[name])
                    self.memo.svgs[key] = drawn
                    self.memo.drawn += 1
                    self.drawn += 1
        finally:
            self.close()
        return {
            f"figures/{name}-{theme}.svg": self.memo.svgs[key][theme]
            for name, key in self.keys.items()
            for theme in THEMES
        }

    def close(self) -> None:
        """Stops the workers; a figure still being drawn is abandoned."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def paths() -> list[str]:
    """Every drawing: each figure in each theme."""
    return [f"figures/{name}-{theme}.svg" for name in FIGURES for theme in THEMES]


def render_all(data: Measurements, workers: int | None = None, memo: Memo = MEMO) -> dict[str, str]:
    """Every figure in both themes, keyed by its site path (`figures/<name>-<theme>.svg`)."""
    return Batch(data, workers, memo).result()
