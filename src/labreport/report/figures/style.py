"""The figures' look: the light and dark palettes, the axes' styling, and the few conversions every
figure shares. Every colour a figure draws comes from the palette, so that its dark version is the
light SVG with each colour swapped (`DARK`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported only where a figure is actually drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: One drawing serves every screen. 4.8 in is 461 CSS px: a desktop shows it at that size in its
#: 720 px column, and a 390 px phone scales it to its 358 px column (x 0.78), where 9 pt text (12 px
#: at natural size) still renders at 9.3 px. A wide drawing plus a narrow one for phones would read
#: the same and cost the site build twice the drawing.
WIDTH = 4.8
TEXT = 9.0  # points: ticks, values, legends and titles alike
ROW = 0.5  # inches per bar: its name above it, the bar below
BAR = 0.45  # bar thickness, in rows


@dataclass(frozen=True)
class Palette:
    text: str
    grid: str
    colours: tuple[str, ...]


PALETTES = {
    "light": Palette(
        text="#1f2328",
        grid="#d0d7de",
        colours=("#3949ab", "#e65100", "#2e7d32", "#8e24aa", "#00838f", "#c62828", "#6d4c41"),
    ),
    "dark": Palette(
        text="#e6edf3",
        grid="#444c56",
        colours=("#8c9eff", "#ffab40", "#69f0ae", "#ea80fc", "#84ffff", "#ff8a80", "#bcaaa4"),
    ),
}

#: Light colour -> dark colour, for recolouring a drawn figure.
DARK = dict(
    zip(
        (PALETTES["light"].text, PALETTES["light"].grid, *PALETTES["light"].colours),
        (PALETTES["dark"].text, PALETTES["dark"].grid, *PALETTES["dark"].colours),
        strict=True,
    )
)
assert len(DARK) == 2 + len(PALETTES["light"].colours), "light palette colours must be distinct"


def label(text: str) -> str:
    """A label from the data, drawn as text: matplotlib would read `$...$` in it as mathtext (and fail
    on a malformed formula), so dollars are escaped. SVG output escapes markup characters itself."""
    return text.replace("$", r"\$")


def nothing_measured(figure: Figure, palette: Palette) -> None:
    """A figure whose data has no rows (every name unknown, or the phase failed): a short note
    instead of an empty axis, which matplotlib cannot scale."""
    figure.set_size_inches(WIDTH, 0.8)
    figure.text(0.5, 0.5, "not measured", ha="center", va="center", color=palette.text, fontsize=TEXT)


def mb(size: float) -> float:
    return size / 1e6


def style(axes: Axes, palette: Palette) -> None:
    axes.set_facecolor("none")
    axes.tick_params(which="both", colors=palette.text, labelsize=TEXT)
    axes.xaxis.label.set_fontsize(TEXT)
    axes.xaxis.label.set_color(palette.text)
    axes.yaxis.label.set_color(palette.text)
    axes.title.set_color(palette.text)
    for spine in axes.spines.values():
        spine.set_color(palette.grid)
    axes.grid(axis="x", color=palette.grid, linewidth=0.6)
    axes.set_axisbelow(True)


def log_axis(axes: Axes) -> None:
    from matplotlib.ticker import FuncFormatter, NullLocator

    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.xaxis.set_minor_locator(NullLocator())
