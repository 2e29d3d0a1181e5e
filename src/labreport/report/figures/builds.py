"""The build page's figure "what a one-line change costs": the code-change rebuild of the primary
Dockerfile on the legacy builder and on BuildKit, and of the cache-mount Dockerfile on BuildKit.
Registered in `figures` like every figure: an input function and a draw function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...contract.schema import Measurements
from .. import derive
from .marks import spread_bars

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .images import Palette


def _change_input(data: Measurements) -> dict[str, object]:
    rows = []
    for label, variant, builder in derive.BUILD_COLUMNS:
        found = derive.build(data, "code_change", variant, builder)
        if found is not None:
            rows.append((label, found.total.median, found.total.min, found.total.max))
    return {"rows": rows}


def _change_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    from .images import _nothing_measured, _style  # the shared styling; figures imports this module

    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return _nothing_measured(figure, palette)
    # A linear axis on purpose: the point is how much of the bar the cache mounts take away.
    colours = [palette.colours[5], palette.colours[0], palette.colours[2]]
    axes = spread_bars(figure, rows, colours, palette, "rebuild after a one-line change, s (median, min-max)")
    axes.set_xlim(0, max(r[3] for r in rows) * 1.6)
    _style(axes, palette)


Input = Callable[[Measurements], dict[str, object]]
Draw = Callable[[dict[str, object], "Figure", "Palette"], None]
BUILD_FIGURES: dict[str, tuple[Input, Draw]] = {"change": (_change_input, _change_draw)}
