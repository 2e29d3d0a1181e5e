"""Pieces the figures share: the one size every figure is drawn at, value labels, the report's own
numbers marked beside the measured bars, and a plain name for each layer of an image."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...contract.schema import Measurements
from .. import derive
from ..claims.ledger import claimed_value, numeric_keys
from ..units import seconds
from .style import BAR, ROW, TEXT, WIDTH, Palette

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: The colour of the report's own figure, beside the measured bar (red: it is what is checked).
CLAIM_COLOUR = 5


def claimed(key: str) -> list[float]:
    """The report's figure for a numeric claim: one value, or both ends of a range; none when the
    claims file has no numeric claim of that key (another project's report names its claims its way)."""
    if key not in numeric_keys():
        return []
    value = claimed_value(key)
    return list(value) if isinstance(value, tuple) else [value]


def value_label(axes: Axes, x: float, y: float, text: str, palette: Palette) -> None:
    """A value written just right of `x` (the end of the bar, of its whisker or of a claim mark),
    offset in points so it never touches the error bar's cap whatever the scale."""
    axes.annotate(
        text,
        (x, y),
        xytext=(5, 0),
        textcoords="offset points",
        va="center",
        fontsize=TEXT,
        color=palette.text,
    )


def mark_claims(axes: Axes, positions: list[int], claims: list[list[float]], palette: Palette) -> None:
    """A diamond at each value the report printed for a bar, with one legend entry for all."""
    xs = [value for values in claims for value in values]
    ys = [position for position, values in zip(positions, claims, strict=True) for _ in values]
    if not xs:
        return
    axes.scatter(
        xs,
        ys,
        marker="D",
        s=22,
        color=palette.colours[CLAIM_COLOUR],
        edgecolors=palette.text,
        linewidths=0.5,
        zorder=3,
        label="what the report said",
    )
    # Above the plot, where no bar can be under it.
    legend = axes.legend(
        loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.1, fontsize=TEXT, frameon=False
    )
    for text in legend.get_texts():
        text.set_color(palette.text)


def with_claims(values: list[float], show: Callable[[float], str]) -> str:
    """What follows a measured value's label when the report printed a figure for it: on a line of
    its own, since the bar leaves no room for both on one."""
    if not values:
        return ""
    return f"\n(report {' to '.join(show(value) for value in values)})"


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


def row_labels(axes: Axes, positions: list[int], labels: list[str], palette: Palette) -> None:
    """Each bar's name, above it: beside it, names would leave the bars little room."""
    from matplotlib.transforms import blended_transform_factory

    axes.invert_yaxis()
    axes.set_yticks([])
    axes.set_ylim(len(positions) - 0.5, -0.9)
    where = blended_transform_factory(axes.transAxes, axes.transData)
    for position, label in zip(positions, labels, strict=True):
        axes.text(
            0.01,
            position - BAR / 2 - 0.04,
            label,
            transform=where,
            va="bottom",
            fontsize=TEXT,
            color=palette.text,
        )


def labelled_barh(
    axes: Axes,
    labels: list[str],
    values: list[float],
    texts: list[str],
    colours: list[str],
    palette: Palette,
    ends: list[float] | None = None,
) -> None:
    """Bars with their value written after them, or after `ends` (a claim mark further right)."""
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=colours, height=BAR)
    row_labels(axes, positions, labels, palette)
    for position, end, text in zip(positions, ends or values, texts, strict=True):
        value_label(axes, end, position, text, palette)


def spread_bars(
    figure: Figure,
    rows: list[tuple[str, float, float, float]],
    colours: list[str],
    palette: Palette,
    xlabel: str,
) -> Axes:
    """Timings as bars: (label, median, min, max) rows, min-max whiskers, the median written after
    the whisker. Returns the axes for the caller's scale and style."""
    figure.set_size_inches(WIDTH, ROW * len(rows) + 1.3)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    axes.barh(
        positions,
        [row[1] for row in rows],
        xerr=[[row[1] - row[2] for row in rows], [row[3] - row[1] for row in rows]],
        color=colours[: len(rows)],
        ecolor=palette.text,
        capsize=3,
        height=BAR,
    )
    row_labels(axes, positions, [row[0] for row in rows], palette)
    axes.set_xlabel(xlabel)
    for position, row in zip(positions, rows, strict=True):
        value_label(axes, row[3], position, seconds(row[1]), palette)
    return axes
