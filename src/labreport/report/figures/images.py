"""The report's figures, drawn from the data with matplotlib's object API, in the light palette.

One pair of functions per figure: the first takes from the data every value the drawing reads (a
JSON-serialisable payload, which is what the memo in `rendering` is keyed by), the second draws the
payload onto a matplotlib `Figure`. The dark version of a figure is the light SVG with every
palette colour swapped for its dark counterpart (`DARK`), so every colour drawn must come from the
palette. Turning the figures into SVG files is `rendering`'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...contract.schema import ImageSize, Measurements
from .. import derive
from ..units import human_size, seconds
from .builds import BUILD_FIGURES
from .history import HISTORY_FIGURES
from .marks import (
    BAR,
    ROW,
    TEXT,
    WIDTH,
    claimed,
    labelled_barh,
    layer_name,
    mark_claims,
    row_labels,
    spread_bars,
    value_label,
    with_claims,
)

if TYPE_CHECKING:  # matplotlib is imported only where a figure is actually drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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


def _label(text: str) -> str:
    """A label from the data, drawn as text: matplotlib would read `$...$` in it as mathtext (and fail
    on a malformed formula), so dollars are escaped. SVG output escapes markup characters itself."""
    return text.replace("$", r"\$")


#: Put after the label of a bar whose value rests on a stand-in base.
STANDIN_SUFFIX = " (stand-in)"


def _nothing_measured(figure: Figure, palette: Palette) -> None:
    """A figure whose data has no rows (every name unknown, or the phase failed): a short note
    instead of an empty axis, which matplotlib cannot scale."""
    figure.set_size_inches(WIDTH, 0.8)
    figure.text(0.5, 0.5, "not measured", ha="center", va="center", color=palette.text, fontsize=TEXT)


def _mb(size: float) -> float:
    return size / 1e6


def _style(axes: Axes, palette: Palette) -> None:
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


def _log_axis(axes: Axes) -> None:
    from matplotlib.ticker import FuncFormatter, NullLocator

    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.xaxis.set_minor_locator(NullLocator())


# --- one function per figure: (data) -> input payload, (payload, axes...) -> drawing ----------


def _sizes_input(data: Measurements) -> dict[str, object]:
    rows = []
    for ref in derive.BASES:
        found = derive.base_image(data, ref)
        if found is not None:
            rows.append(("base", ref + _standin(data, found), found.size, _SIZE_CLAIMS.get(ref)))
    builder = derive.builder_image(data)
    if builder is not None:
        rows.append(("builder", builder.ref + _standin(data, builder), builder.size, None))
    for name in derive.VARIANTS:
        found = derive.variant_image(data, name)
        if found is not None:
            label = f"{name} (final)" if name == derive.PRIMARY else name
            rows.append(("variant", label + _standin(data, found), found.size, _SIZE_CLAIMS.get(name)))
    # The report's figures ride in the payload, so a changed claim redraws the figure.
    return {"rows": [(*row[:3], claimed(row[3]) if row[3] else []) for row in rows]}


#: Image (base reference or variant) -> the ledger's claim about its size.
_SIZE_CLAIMS = {
    derive.SDK: "sdk",
    derive.SDK_ALPINE: "sdk-alpine",
    derive.ALPINE: "alpine",
    derive.PRIMARY: "final",
    "scratch": "scratch",
    "distroless": "distroless",
}


def _sizes_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return _nothing_measured(figure, palette)
    colour = {"base": palette.colours[6], "builder": palette.colours[1], "variant": palette.colours[0]}
    figure.set_size_inches(WIDTH, ROW * len(rows) + 1.4)
    axes = figure.add_subplot()
    claims = [[_mb(value) for value in r[3]] for r in rows]
    labelled_barh(
        axes,
        [_label(r[1]) for r in rows],
        [_mb(r[2]) for r in rows],
        [human_size(r[2]) + with_claims(r[3], human_size) for r in rows],
        [colour[r[0]] for r in rows],
        palette,
        ends=[max([_mb(r[2]), *c]) for r, c in zip(rows, claims, strict=True)],
    )
    mark_claims(axes, list(range(len(rows))), claims, palette)
    _log_axis(axes)
    axes.set_xlabel("uncompressed size, MB (log scale)")
    axes.set_xlim(right=max(_mb(r[2]) for r in rows) * 8)
    _style(axes, palette)


def _layers_input(data: Measurements) -> dict[str, object]:
    stacks = []
    for name in (derive.PRIMARY, "as-reported"):
        found = derive.variant_image(data, name)
        if found is not None:
            base, own = derive.split_base(data, found)
            layers = (
                [(f"the base image, {base.ref}{_standin(data, base)}", base.size)] if base is not None else []
            )
            layers += [
                (layer_name(data, each.instruction, each.size), each.size) for each in own if each.size > 0
            ]
            stacks.append((name, layers))
    return {"stacks": stacks}


def _short(instruction: str) -> str:
    shown = instruction if len(instruction) <= 38 else instruction[:36] + "…"
    return _label(shown)


def _standin(data: Measurements, item: ImageSize | None) -> str:
    return STANDIN_SUFFIX if derive.resting_on_standin(data, item) else ""


def _layers_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    stacks = payload["stacks"]
    assert isinstance(stacks, list)
    if not stacks:
        return _nothing_measured(figure, palette)
    legend_rows = len({name for s in stacks for name, _ in s[1]})
    figure.set_size_inches(WIDTH, 1.5 + 0.6 * len(stacks) + 0.2 * legend_rows)
    axes = figure.add_subplot()
    seen: dict[str, str] = {}
    for row, (_, layers) in enumerate(stacks):
        left = 0.0
        for instruction, size in layers:
            key = _label(instruction)
            colour = seen.setdefault(key, palette.colours[len(seen) % len(palette.colours)])
            axes.barh(
                row,
                _mb(size),
                left=left,
                color=colour,
                edgecolor=palette.text,
                linewidth=0.3,
                label=key if list(seen).index(key) == len(seen) - 1 and left >= 0 else None,
            )
            left += _mb(size)
        value_label(axes, left, row, human_size(left * 1e6), palette)
    axes.set_xlim(right=max(sum(size for _, size in s[1]) for s in stacks) / 1e6 * 1.45)
    axes.set_yticks(range(len(stacks)), [_label(s[0]) for s in stacks])
    axes.invert_yaxis()
    axes.set_xlabel("size of each layer, MB (stacked)")
    _style(axes, palette)
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    legend = figure.legend(
        unique.values(),
        unique.keys(),
        loc="outside lower center",
        fontsize=TEXT,
        frameon=False,
    )
    for text in legend.get_texts():
        text.set_color(palette.text)


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


def _builds_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows, steps = payload["rows"], payload["steps"]
    assert isinstance(rows, list) and isinstance(steps, list)
    if not rows:
        return _nothing_measured(figure, palette)
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
    _log_axis(top)
    top.set_xlabel("whole build, s (median, min-max; log)")
    mark_claims(top, positions, [r[4] for r in rows], palette)
    for position, row in zip(positions, rows, strict=True):
        text = seconds(row[1]) + with_claims(row[4], seconds)
        value_label(top, max([row[3], *row[4]]), position, text, palette)
    top.set_xlim(right=max(max([r[3], *r[4]]) for r in rows) * 8)
    _style(top, palette)
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
    _style(bottom, palette)


def _binaries_input(data: Measurements) -> dict[str, object]:
    rows = []
    for flavour in derive.FLAVOURS:
        found = derive.binary(data, flavour)
        if found is not None:
            rows.append((_label(f"{flavour} ({found.linking})"), found.size))
    return {"rows": rows}


def _binaries_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return _nothing_measured(figure, palette)
    figure.set_size_inches(WIDTH, ROW * len(rows) + 1.0)
    axes = figure.add_subplot()
    labelled_barh(
        axes,
        [r[0] for r in rows],
        [_mb(r[1]) for r in rows],
        [human_size(r[1]) for r in rows],
        [palette.colours[2]] * len(rows),
        palette,
    )
    axes.set_xlabel("binary size, MB")
    axes.set_xlim(right=max(_mb(r[1]) for r in rows) * 1.5)
    _style(axes, palette)


def _pulls_input(data: Measurements) -> dict[str, object]:
    rows = []
    for name in ("single-stage", derive.PRIMARY):
        found = derive.publish(data, name)
        if found is not None:
            spread = found.pull_seconds
            label = name + _standin(data, derive.variant_image(data, name))
            rows.append((label, spread.median, spread.min, spread.max))
    return {"rows": rows}


def _pulls_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return _nothing_measured(figure, palette)
    colours = [palette.colours[5], palette.colours[0]]
    axes = spread_bars(figure, rows, colours, palette, "pull into a fresh daemon, s (median, min-max; log)")
    _log_axis(axes)
    axes.set_xlim(right=max(r[3] for r in rows) * 6)
    _style(axes, palette)


Draw = Callable[[dict[str, object], "Figure", Palette], None]
FIGURES: dict[str, tuple[Callable[[Measurements], dict[str, object]], Draw]] = {
    "sizes": (_sizes_input, _sizes_draw),
    "layers": (_layers_input, _layers_draw),
    "builds": (_builds_input, _builds_draw),
    "binaries": (_binaries_input, _binaries_draw),
    "pulls": (_pulls_input, _pulls_draw),
    **BUILD_FIGURES,
    **HISTORY_FIGURES,
}
