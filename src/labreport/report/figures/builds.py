"""The figures of the builds: each build kind's whole time with the cold build's steps, and what a
one-line change costs (the code-change rebuild of the primary Dockerfile on the legacy builder and
on BuildKit, and of the cache-mount Dockerfile on BuildKit). Each drawing registered with `@figure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...contract.schema import Measurements
from .. import derive
from ..units import seconds
from .marks import claimed, labelled_barh, mark_claims, row_labels, spread_bars, value_label, with_claims
from .registry import figure
from .style import BAR, ROW, WIDTH, Palette, label, log_axis, nothing_measured, style

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _short(instruction: str) -> str:
    shown = instruction if len(instruction) <= 38 else instruction[:36] + "…"
    return label(shown)


def _builds_input(data: Measurements) -> dict[str, object]:
    rows = []
    for kind in derive.BUILD_KINDS:
        found = derive.build(data, kind)
        if found is not None:
            rows.append(
                (
                    kind.replace("_", " "),
                    found.total.median,
                    found.total.min,
                    found.total.max,
                    claimed(_BUILD_CLAIMS[kind]),
                )
            )
    cold = derive.build(data, "cold")
    steps = (
        []
        if cold is None
        else [
            (f"{s.number}: {_short(s.instruction)}", s.seconds.median)
            for s in cold.steps
            if s.seconds.median >= 0.25
        ]
    )
    return {"rows": rows, "steps": steps}


#: Build kind -> the ledger's claim about its whole time.
_BUILD_CLAIMS = {"cold": "build-cold", "cached": "build-cached", "code_change": "build-change"}


@figure("builds", _builds_input)
def _builds_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows, steps = payload["rows"], payload["steps"]
    assert isinstance(rows, list) and isinstance(steps, list)
    if not rows:
        return nothing_measured(figure, palette)
    figure.set_size_inches(WIDTH, 1.9 + ROW * (len(steps) + len(rows)))
    top, bottom = figure.subplots(2, 1, height_ratios=[len(rows) + 1, len(steps) + 1])
    positions = list(range(len(rows)))
    medians = [r[1] for r in rows]
    errors = [[r[1] - r[2] for r in rows], [r[3] - r[1] for r in rows]]
    top.barh(
        positions,
        medians,
        xerr=errors,
        color=palette.colours[0],
        ecolor=palette.text,
        capsize=3,
        height=BAR,
    )
    row_labels(top, positions, [r[0] for r in rows], palette)
    log_axis(top)
    top.set_xlabel("whole build, s (median, min-max; log)")
    mark_claims(top, positions, [r[4] for r in rows], palette)
    for position, row in zip(positions, rows, strict=True):
        text = seconds(row[1]) + with_claims(row[4], seconds)
        value_label(top, max([row[3], *row[4]]), position, text, palette)
    top.set_xlim(right=max(max([r[3], *r[4]]) for r in rows) * 8)
    style(top, palette)
    labelled_barh(
        bottom,
        [s[0] for s in steps],
        [s[1] for s in steps],
        [seconds(s[1]) for s in steps],
        [palette.colours[1]] * len(steps),
        palette,
    )
    bottom.set_xlabel("cold build, seconds per step (median)")
    bottom.set_xlim(right=max((s[1] for s in steps), default=1) * 1.5)
    style(bottom, palette)


def _change_input(data: Measurements) -> dict[str, object]:
    rows = []
    for name, variant, builder in derive.BUILD_COLUMNS:
        found = derive.build(data, "code_change", variant, builder)
        if found is not None:
            rows.append((name, found.total.median, found.total.min, found.total.max))
    return {"rows": rows}


@figure("change", _change_input)
def _change_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return nothing_measured(figure, palette)
    # A linear axis on purpose: the point is how much of the bar the cache mounts take away.
    colours = [palette.colours[5], palette.colours[0], palette.colours[2]]
    axes = spread_bars(figure, rows, colours, palette, "rebuild after a one-line change, s (median, min-max)")
    axes.set_xlim(0, max(r[3] for r in rows) * 1.6)
    style(axes, palette)
