"""Pieces the figures share: the two layouts (desktop and phone), value labels, the report's own
numbers marked beside the measured bars, and a plain name for each layer of an image.

Every figure is drawn twice, once per `Layout`: the page serves the narrow one to a phone through
`<picture>`/`media`, so its text keeps a readable size instead of shrinking with a wide drawing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..schema import Measurements
from . import derive
from .ledger import claimed_value
from .units import seconds

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .figures import Palette


@dataclass(frozen=True)
class Layout:
    #: Figure width in inches: 7.5 in is 720 CSS px, the content column at desktop width; 3.6 in
    #: (346 px) fits the 358 px column of a 390 px phone at about its natural size.
    width: float
    ticks: float  # point sizes: at natural size a point is 1.33 CSS px, so 7 pt is 9.3 px
    values: float
    legend: float
    legend_columns: int
    #: Longest instruction or label shown before it is cut with an ellipsis.
    clip: int
    row: float  # inches per bar
    bar: float  # bar thickness, in rows


LAYOUTS = {
    "wide": Layout(width=7.5, ticks=9, values=8, legend=8, legend_columns=2, clip=38, row=0.36, bar=0.8),
    "narrow": Layout(
        width=3.6, ticks=7.5, values=7.5, legend=7.5, legend_columns=1, clip=48, row=0.5, bar=0.45
    ),
}

#: The colour of the report's own figure, beside the measured bar (red: it is what is checked).
CLAIM_COLOUR = 5


def claimed(key: str) -> list[float]:
    """The report's figure for a numeric claim: one value, or both ends of a range."""
    value = claimed_value(key)
    return list(value) if isinstance(value, tuple) else [value]


def value_label(axes: Axes, x: float, y: float, text: str, palette: Palette, layout: Layout) -> None:
    """A value written just right of `x` (the end of the bar, of its whisker or of a claim mark),
    offset in points so it never touches the error bar's cap whatever the scale."""
    axes.annotate(
        text,
        (x, y),
        xytext=(5, 0),
        textcoords="offset points",
        va="center",
        fontsize=layout.values,
        color=palette.text,
    )


def mark_claims(
    axes: Axes, positions: list[int], claims: list[list[float]], palette: Palette, layout: Layout
) -> None:
    """A diamond at each value the report printed for a bar, with one legend entry for all."""
    xs = [value for values in claims for value in values]
    ys = [position for position, values in zip(positions, claims, strict=True) for _ in values]
    if not xs:
        return
    axes.scatter(
        xs,
        ys,
        marker="D",
        s=28 if layout.width > 5 else 22,
        color=palette.colours[CLAIM_COLOUR],
        edgecolors=palette.text,
        linewidths=0.5,
        zorder=3,
        label="what the report said",
    )
    # Above the plot, where no bar can be under it.
    legend = axes.legend(
        loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.1, fontsize=layout.legend, frameon=False
    )
    for text in legend.get_texts():
        text.set_color(palette.text)


def with_claims(values: list[float], show: Callable[[float], str], layout: Layout) -> str:
    """What follows a measured value's label when the report printed a figure for it: on its own
    line on a narrow figure, which has no room for both on one."""
    if not values:
        return ""
    return ("\n" if layout.width < 5 else " ") + f"(report {' to '.join(show(value) for value in values)})"


_HASHED = re.compile(r"\b(file|dir):[0-9a-f]{16,}")


def layer_name(data: Measurements, instruction: str, size: int) -> str:
    """What a layer is, in words: `docker history` names a COPY by a content hash, which says nothing."""
    if "chown" in instruction:
        return "chown -R: the binary copied again"
    if "adduser" in instruction or "addgroup" in instruction:
        return "the user and group (adduser)"
    if "ca-certificates" in instruction:
        return "the CA bundle (copied from the builder)"
    # The copied binary is named only by a hash when copied to ".": know it by its size instead
    # (within 5 % of a measured build, which lacks only the version stamp).
    binaries = [found.size for flavour in derive.FLAVOURS if (found := derive.binary(data, flavour))]
    near = any(abs(size - each) <= 0.05 * each for each in binaries)
    if instruction.startswith("COPY") and ("devops-info-service" in instruction or near):
        return "the service binary (COPY)"
    return _HASHED.sub(r"\1", instruction)


def fit(label: str, layout: Layout) -> str:
    """A tick label cut to what the layout has room for."""
    return label if len(label) <= layout.clip else label[: layout.clip - 1] + "…"


def row_labels(axes: Axes, positions: list[int], labels: list[str], palette: Palette, layout: Layout) -> None:
    """Each bar's name: beside it on a wide figure; above it on a narrow one, where names beside
    the bars would leave the bars no room."""
    axes.invert_yaxis()
    if layout.width > 5:
        axes.set_yticks(positions, [fit(label, layout) for label in labels])
        return
    from matplotlib.transforms import blended_transform_factory

    axes.set_yticks([])
    axes.set_ylim(len(positions) - 0.5, -0.9)
    where = blended_transform_factory(axes.transAxes, axes.transData)
    for position, label in zip(positions, labels, strict=True):
        axes.text(
            0.01,
            position - layout.bar / 2 - 0.04,
            label,
            transform=where,
            va="bottom",
            fontsize=layout.ticks,
            color=palette.text,
        )


def labelled_barh(
    axes: Axes,
    labels: list[str],
    values: list[float],
    texts: list[str],
    colours: list[str],
    palette: Palette,
    layout: Layout,
    ends: list[float] | None = None,
) -> None:
    """Bars with their value written after them, or after `ends` (a claim mark further right)."""
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=colours, height=layout.bar)
    row_labels(axes, positions, labels, palette, layout)
    for position, end, text in zip(positions, ends or values, texts, strict=True):
        value_label(axes, end, position, text, palette, layout)


def spread_bars(
    figure: Figure,
    rows: list[tuple[str, float, float, float]],
    colours: list[str],
    palette: Palette,
    layout: Layout,
    xlabel: tuple[str, str],
) -> Axes:
    """Timings as bars: (label, median, min, max) rows, min-max whiskers, the median written after
    the whisker. `xlabel` is (wide, narrow). Returns the axes for the caller's scale and style."""
    figure.set_size_inches(layout.width, layout.row * len(rows) + 1.3)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    axes.barh(
        positions,
        [row[1] for row in rows],
        xerr=[[row[1] - row[2] for row in rows], [row[3] - row[1] for row in rows]],
        color=colours[: len(rows)],
        ecolor=palette.text,
        capsize=3,
        height=layout.bar,
    )
    row_labels(axes, positions, [row[0] for row in rows], palette, layout)
    axes.set_xlabel(xlabel[0] if layout.width > 5 else xlabel[1])
    for position, row in zip(positions, rows, strict=True):
        value_label(axes, row[3], position, seconds(row[1]), palette, layout)
    return axes
