"""The figures of the images: their sizes, their layers, the binary's flavours and the pull times.

Drawn from the data with matplotlib's object API, in the light palette (`style`); each drawing is
registered with `@figure`. Turning the figures into SVG files is `site.rendering`'s job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...contract.schema import ImageSize, Measurements
from ...contract.variants import AS_REPORTED, DISTROLESS, SCRATCH, SINGLE_STAGE
from .. import derive
from ..units import human_size
from .marks import claimed, labelled_barh, layer_name, mark_claims, spread_bars, value_label, with_claims
from .registry import figure
from .style import ROW, TEXT, WIDTH, Palette, label, log_axis, mb, nothing_measured, style

if TYPE_CHECKING:  # matplotlib is imported only where a figure is actually drawn
    from matplotlib.figure import Figure


#: Put after the label of a bar whose value rests on a stand-in base.
STANDIN_SUFFIX = " (stand-in)"


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
    SCRATCH: "scratch",
    DISTROLESS: "distroless",
}


@figure("sizes", _sizes_input)
def _sizes_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return nothing_measured(figure, palette)
    colour = {"base": palette.colours[6], "builder": palette.colours[1], "variant": palette.colours[0]}
    figure.set_size_inches(WIDTH, ROW * len(rows) + 1.4)
    axes = figure.add_subplot()
    claims = [[mb(value) for value in r[3]] for r in rows]
    labelled_barh(
        axes,
        [label(r[1]) for r in rows],
        [mb(r[2]) for r in rows],
        [human_size(r[2]) + with_claims(r[3], human_size) for r in rows],
        [colour[r[0]] for r in rows],
        palette,
        ends=[max([mb(r[2]), *c]) for r, c in zip(rows, claims, strict=True)],
    )
    mark_claims(axes, list(range(len(rows))), claims, palette)
    log_axis(axes)
    axes.set_xlabel("uncompressed size, MB (log scale)")
    axes.set_xlim(right=max(mb(r[2]) for r in rows) * 8)
    style(axes, palette)


def _layers_input(data: Measurements) -> dict[str, object]:
    stacks = []
    for name in (n for n in (derive.PRIMARY, AS_REPORTED) if n):  # "": a role no variant plays
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


def _standin(data: Measurements, item: ImageSize | None) -> str:
    return STANDIN_SUFFIX if derive.resting_on_standin(data, item) else ""


@figure("layers", _layers_input)
def _layers_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    stacks = payload["stacks"]
    assert isinstance(stacks, list)
    if not stacks:
        return nothing_measured(figure, palette)
    legend_rows = len({name for s in stacks for name, _ in s[1]})
    figure.set_size_inches(WIDTH, 1.5 + 0.6 * len(stacks) + 0.2 * legend_rows)
    axes = figure.add_subplot()
    seen: dict[str, str] = {}
    for row, (_, layers) in enumerate(stacks):
        left = 0.0
        for instruction, size in layers:
            key = label(instruction)
            colour = seen.setdefault(key, palette.colours[len(seen) % len(palette.colours)])
            axes.barh(
                row,
                mb(size),
                left=left,
                color=colour,
                edgecolor=palette.text,
                linewidth=0.3,
                label=key if list(seen).index(key) == len(seen) - 1 and left >= 0 else None,
            )
            left += mb(size)
        value_label(axes, left, row, human_size(left * 1e6), palette)
    axes.set_xlim(right=max(sum(size for _, size in s[1]) for s in stacks) / 1e6 * 1.45)
    axes.set_yticks(range(len(stacks)), [label(s[0]) for s in stacks])
    axes.invert_yaxis()
    axes.set_xlabel("size of each layer, MB (stacked)")
    style(axes, palette)
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


def _binaries_input(data: Measurements) -> dict[str, object]:
    rows = []
    for flavour in derive.FLAVOURS:
        found = derive.binary(data, flavour)
        if found is not None:
            rows.append((label(f"{flavour} ({found.linking})"), found.size))
    return {"rows": rows}


@figure("binaries", _binaries_input)
def _binaries_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return nothing_measured(figure, palette)
    figure.set_size_inches(WIDTH, ROW * len(rows) + 1.0)
    axes = figure.add_subplot()
    labelled_barh(
        axes,
        [r[0] for r in rows],
        [mb(r[1]) for r in rows],
        [human_size(r[1]) for r in rows],
        [palette.colours[2]] * len(rows),
        palette,
    )
    axes.set_xlabel("binary size, MB")
    axes.set_xlim(right=max(mb(r[1]) for r in rows) * 1.5)
    style(axes, palette)


def _pulls_input(data: Measurements) -> dict[str, object]:
    rows = []
    for name in (n for n in (SINGLE_STAGE, derive.PRIMARY) if n):
        found = derive.publish(data, name)
        if found is not None:
            spread = found.pull_seconds
            label = name + _standin(data, derive.variant_image(data, name))
            rows.append((label, spread.median, spread.min, spread.max))
    return {"rows": rows}


@figure("pulls", _pulls_input)
def _pulls_draw(payload: dict[str, object], figure: Figure, palette: Palette) -> None:
    rows = payload["rows"]
    assert isinstance(rows, list)
    if not rows:
        return nothing_measured(figure, palette)
    colours = [palette.colours[5], palette.colours[0]]
    axes = spread_bars(figure, rows, colours, palette, "pull into a fresh daemon, s (median, min-max; log)")
    log_axis(axes)
    axes.set_xlim(right=max(r[3] for r in rows) * 6)
    style(axes, palette)
