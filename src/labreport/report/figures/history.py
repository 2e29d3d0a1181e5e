"""The history page's trend figures: an input and a draw function each, registered with `@figure`.

Their input is the history (data/history.json), not the data file, so the functions ignore the
measurements they are given. Every run is a point labelled by its commit; runs on different
testbeds are separate, labelled lines: a faster machine must not pass for a faster build.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...contract.history import HistoryRecord
from ...contract.schema import Measurements
from ..macros.history import run_label, site_history, testbed_name
from .registry import figure
from .style import TEXT, WIDTH, Palette

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Series = list[tuple[str, list[tuple[int, float]]]]


def _series(take: Callable[[HistoryRecord], float | None], split: Callable[[HistoryRecord], str]) -> Series:
    """One line per `split` value (a testbed, or a testbed and builder), its points by run index."""
    lines: dict[str, list[tuple[int, float]]] = {}
    for index, record in enumerate(site_history().records):
        value = take(record)
        if value is not None:
            lines.setdefault(split(record), []).append((index, value))
    return list(lines.items())


def _testbed(record: HistoryRecord) -> str:
    return testbed_name(record)  # the testbeds table on the page says what each one is


def _runs() -> list[str]:
    return [run_label(record) for record in site_history().records]


def _image_input(_: Measurements) -> dict[str, object]:
    return {
        "runs": _runs(),
        "panels": [
            ("final image, MB (uncompressed)", _series(lambda r: r.final_image_bytes, _testbed)),
            ("download, MB (manifest or gzip estimate)", _series(lambda r: r.download_bytes, _testbed)),
        ],
    }


def _builder_input(_: Measurements) -> dict[str, object]:
    return {
        "runs": _runs(),
        "panels": [("builder stage, MB", _series(lambda r: r.builder_stage_bytes, _testbed))],
    }


def _rebuild_input(_: Measurements) -> dict[str, object]:
    builders = sorted({b for record in site_history().records for b in record.testbed.builders})
    panels = []
    for builder in builders:
        series = _series(
            lambda r, b=builder: r.build_median("code_change", b),  # type: ignore[misc]
            _testbed,
        )
        panels.append((f"code-change rebuild, s ({builder} builder)", series))
    return {"runs": _runs(), "panels": panels}


def _draw(payload: dict[str, object], figure: Figure, palette: Palette, mb: bool) -> None:
    runs, panels = payload["runs"], payload["panels"]
    assert isinstance(runs, list) and isinstance(panels, list)
    if not runs or not panels:
        figure.set_size_inches(WIDTH, 0.8)
        figure.text(0.5, 0.5, "no history yet", ha="center", va="center", color=palette.text, fontsize=TEXT)
        return
    labels = list(dict.fromkeys(label for _, series in panels for label, _ in series))
    colour = {label: palette.colours[i % len(palette.colours)] for i, label in enumerate(labels)}
    legend_rows = 2 * len(labels)
    figure.set_size_inches(WIDTH, 0.6 + 1.9 * len(panels) + 0.5 * legend_rows)
    axes_list: list[Axes] = list(figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0])
    for axes, (title, series) in zip(axes_list, panels, strict=True):
        for label, points in series:
            xs = [index for index, _ in points]
            ys = [value / 1e6 if mb else value for _, value in points]
            # A testbed's label is long: wrapped, so the legend shows all of it.
            wrapped = textwrap.fill(label, 60)
            axes.plot(xs, ys, marker="o", markersize=4, linewidth=1.4, color=colour[label], label=wrapped)
        axes.set_title(title, fontsize=TEXT, loc="left", color=palette.text)
        axes.set_facecolor("none")
        axes.tick_params(colors=palette.text, labelsize=TEXT)
        axes.grid(axis="y", color=palette.grid, linewidth=0.6)
        axes.margins(y=0.25)
        for spine in axes.spines.values():
            spine.set_color(palette.grid)
        # Enough decimals to tell the ticks apart: a download may move by a few bytes between runs.
        values = [value / 1e6 if mb else value for _, points in series for _, value in points]
        span = max(values, default=0) - min(values, default=0)
        decimals = 1 if span <= 0 else max(1, min(6, 1 - math.floor(math.log10(span))))
        axes.yaxis.set_major_formatter(f"{{x:,.{decimals}f}}")
    # Few enough commit labels to stay readable at the figure's width.
    step = max(1, -(-len(runs) // 8))
    shown = list(range(0, len(runs), step))
    bottom = axes_list[-1]
    bottom.set_xticks(shown, [runs[i] for i in shown], rotation=45, ha="right")
    bottom.set_xlim(-0.5, len(runs) - 0.5)
    # Every testbed once, from whichever panel has it: a panel may hold runs of only some of them.
    entries = {
        label: handle
        for axes in axes_list
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True)
    }
    legend = figure.legend(
        list(entries.values()),
        list(entries),
        loc="outside lower center",
        fontsize=TEXT,
        frameon=False,
        title="testbed",
        title_fontsize=TEXT,
    )
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_color(palette.text)


@figure("history-image", _image_input)
@figure("history-builder", _builder_input)
def _draw_mb(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    _draw(payload, figure, palette, mb=True)


@figure("history-rebuild", _rebuild_input)
def _draw_seconds(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    _draw(payload, figure, palette, mb=False)
