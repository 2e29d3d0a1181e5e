"""The figures the pages may show, collected by the `@figure` decorator (as `@macro` collects macros).

A figure is a pair: a function that takes from the data every value the drawing reads (a
JSON-serialisable payload, which is what the memo in `site.rendering` is keyed by), and the
decorated function that draws the payload onto a matplotlib `Figure` in a palette.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ...contract.schema import Measurements

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .style import Palette

Input = Callable[[Measurements], dict[str, object]]
Draw = Callable[[dict[str, object], "Figure", "Palette"], None]
DrawT = TypeVar("DrawT", bound=Draw)

#: Figure name -> (its input, its drawing); the site draws each as figures/<name>-<theme>.svg.
FIGURES: dict[str, tuple[Input, Draw]] = {}


def figure(name: str, payload: Input) -> Callable[[DrawT], DrawT]:
    """Registers the decorated drawing as figure `name`, drawn from what `payload` takes from the data."""

    def register(draw: DrawT) -> DrawT:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is defined twice")
        FIGURES[name] = (payload, draw)
        return draw

    return register
