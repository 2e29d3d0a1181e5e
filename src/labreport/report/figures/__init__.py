"""The report's figures, one module per family (`images`, `builds`, `history`), each drawing
registered with `@figure` from `registry`; `style` holds the palettes and the axes' look.
Importing this package is what collects them all into `FIGURES`."""

from . import builds, history, images  # noqa: F401  (imported to register their figures)
from .registry import FIGURES as FIGURES
