"""Macros on what the images and the binary weigh: every image's size, uncompressed and compressed,
its layers, the reductions and savings against the bases, the binary per build flavour, the bases'
origin, dive's efficiency, and the variants compared side by side.

A value reads "*not measured*" where the data lacks it and fails the build on a name the report
does not know; a figure resting on a stand-in base carries the stand-in mark.
"""

from __future__ import annotations

from collections.abc import Sequence

from labreport.contract.schema import ImageSize, Measurements
from labreport.contract.variants import DISTROLESS, SCRATCH
from labreport.report import derive, units
from labreport.report.evidence import derived, shown, where
from labreport.report.macros.registry import macro
from labreport.report.markup import NOT_MEASURED, clip, code, marked, or_missing, table, text, yes_no
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


def _named_image(name: str) -> ImageSize | None:
    data = _data()
    if name == "builder":
        return derive.builder_image(data)
    if name in derive.BASES:
        return derive.base_image(data, name)
    return derive.variant_image(data, name)


@macro
def image_size(name: str, compressed: bool = False, unit: str = "MB") -> str:
    """Size of a variant, base image (by reference) or "builder"; unit "MB" (decimal) or "MiB"."""
    found = _named_image(name)
    if found is None:
        return NOT_MEASURED
    size = found.compressed_size if compressed else found.size
    if unit not in ("MB", "MiB"):
        raise ValueError(f"unit must be MB or MiB, not {unit!r}")
    showing = units.human_size(size) if unit == "MB" else units.mebibytes(size)
    at = where(found, "compressed_size" if compressed else "size")
    return marked(shown(showing, at), derive.resting_on_standin(_data(), found))


@macro
def download_size(variant: str) -> str:
    """What a pull of `variant` downloads: the registry manifest's layer sizes where it was pushed,
    with the local gzip sum beside it as an estimate; only the estimate where it was not pushed."""
    found, pushed = derive.variant_image(_data(), variant), derive.publish(_data(), variant)
    if found is None:
        return NOT_MEASURED
    on_standin = derive.resting_on_standin(_data(), found)
    estimate = shown(units.human_size(found.compressed_size), where(found, "compressed_size"))
    if pushed is None:
        return marked(f"about {estimate} (local gzip estimate; not pushed)", on_standin)
    manifest = shown(units.human_size(pushed.compressed_size), where(pushed, "compressed_size"))
    return marked(f"{manifest} (registry manifest; local gzip estimate {estimate})", on_standin)


def any_on_standin(*names: str) -> bool:
    """Whether any of the images, named as `image_size` names them, rests on a stand-in base."""
    return any(derive.resting_on_standin(_data(), _named_image(name)) for name in names)


@macro
def reduction(against: str, of: str = derive.PRIMARY) -> str:
    """How much smaller the variant `of` is than the image `against` (a base reference or "builder")."""
    final, other = _named_image(of), _named_image(against)
    if final is None or other is None:
        return NOT_MEASURED
    percent = derive.reduction(other.size, final.size)
    inputs = [where(other, "size"), where(final, "size")]
    return marked(derived(units.percent(percent), "reduction", inputs, percent), any_on_standin(of, against))


@macro
def times_smaller(against: str, of: str = derive.PRIMARY) -> str:
    final, other = _named_image(of), _named_image(against)
    if final is None or other is None:
        return NOT_MEASURED
    factor = derive.times(other.size, final.size)
    inputs = [where(other, "size"), where(final, "size")]
    return marked(derived(units.ratio(factor), "ratio", inputs, factor), any_on_standin(of, against))


@macro
def saving(containers: int, against: str = derive.SDK) -> str:
    return marked(saved(containers, against), any_on_standin(derive.PRIMARY, against))


def saved(containers: int, against: str) -> str:
    """Bytes saved by `containers` copies of the final image instead of `against`, with its evidence."""
    data = _data()
    saving_bytes = derive.savings(data, containers, against)
    final, other = derive.variant_image(data, derive.PRIMARY), derive.image(data, against)
    if saving_bytes is None or final is None or other is None:
        return NOT_MEASURED
    inputs = [where(other, "size"), where(final, "size")]
    return derived(units.human_size(saving_bytes), "saving", inputs, saving_bytes, factor=containers)


@macro
def strip_saving() -> str:
    percent = derive.strip_saving(_data())
    plain, stripped = derive.binary(_data(), "default"), derive.binary(_data(), "stripped")
    if percent is None or plain is None or stripped is None:
        return NOT_MEASURED
    return derived(
        units.percent(percent), "reduction", [where(plain, "size"), where(stripped, "size")], percent
    )


@macro
def binary_size(flavour: str) -> str:
    found = derive.binary(_data(), flavour)
    return NOT_MEASURED if found is None else shown(units.human_size(found.size), where(found, "size"))


@macro
def layer_size(variant: str, words: str) -> str:
    found = derive.layer(derive.variant_image(_data(), variant), *words.split())
    return NOT_MEASURED if found is None else shown(units.human_size(found.size), where(found, "size"))


def _source(ref: str) -> str:
    origin = derive.base_provenance(_data(), ref)
    if origin is None:
        return NOT_MEASURED
    return {"pulled": "pulled", "present": "already present", "standin": "stand-in"}[origin.source]


@macro
def sizes_table() -> str:
    """`docker images` style: every image measured, uncompressed and compressed."""
    data = _data()
    rows = []
    for item in data.images:
        role = {
            "base": f"base ({_source(item.ref)})" if item.ref in derive.BASES else "base",
            "builder": "builder stage",
            "variant": f"variant {code(item.variant)}",
        }[item.role]
        on_standin = derive.resting_on_standin(data, item)
        rows.append(
            (
                code(item.ref),
                role,
                code(item.image_id.removeprefix("sha256:")[:12]),
                marked(shown(units.human_size(item.size), where(item, "size")), on_standin),
                shown(units.mebibytes(item.size), where(item, "size")),
                marked(
                    shown(units.human_size(item.compressed_size), where(item, "compressed_size")), on_standin
                ),
            )
        )
    return table(("image", "role", "image id", "size", "size (MiB)", "compressed"), rows, "lllrrr")


@macro
def reductions_table() -> str:
    data = _data()
    final = derive.variant_image(data, derive.PRIMARY)
    final_on_standin = derive.resting_on_standin(data, final)
    rows = []
    for r in derive.reductions(data):
        before = derive.image(data, r.before_ref)
        inputs = [where(before, "size"), where(final, "size")]
        rows.append(
            (
                r.label,
                code(r.before_ref),
                marked(shown(units.human_size(r.before), inputs[0]), derive.resting_on_standin(data, before)),
                marked(shown(units.human_size(r.after), inputs[1]), final_on_standin),
                derived(units.percent(r.percent), "reduction", inputs, r.percent),
                derived(units.ratio(r.factor), "ratio", inputs, r.factor),
            )
        )
    return table(
        ("final image against", "image", "its size", "final image", "smaller by", "factor"), rows, "llrrrr"
    )


@macro
def layers_table(variant: str) -> str:
    """`docker history` of a variant, newest first, with its base image's layers folded into one row."""
    found = derive.variant_image(_data(), variant)
    if found is None:
        return f"{NOT_MEASURED}\n"
    base, own = derive.split_base(_data(), found)
    rows = [
        (code(clip(each.instruction, 90)), shown(units.human_size(each.size), where(each, "size")))
        for each in reversed(own)
    ]
    if base is not None:
        folded = f"base image {code(base.ref)} ({len(base.layers)} layers)"
        base_size = shown(units.human_size(base.size), where(base, "size"))
        rows.append((folded, marked(base_size, derive.resting_on_standin(_data(), base))))
    rows.append(("**total**", f"**{shown(units.human_size(found.size), where(found, 'size'))}**"))
    return table(("layer (newest first)", "size"), rows, "lr")


@macro
def savings_table(counts: Sequence[int] = (1, 10, 100)) -> str:
    rows = []
    for against in (derive.SDK, derive.SDK_ALPINE):
        rows += [(code(against), str(n), saved(n, against)) for n in counts]
    return table(("instead of", "containers", "bytes saved"), rows, "lrr")


@macro
def binaries_table() -> str:
    rows = [
        (
            code(b.flavour),
            code(b.flags or "(none)"),
            shown(units.human_size(b.size), where(b, "size")),
            shown(units.mebibytes(b.size), where(b, "size")),
            text(b.linking),
            code(b.interpreter) if b.interpreter else "none",
        )
        for b in _data().binaries
    ]
    return table(("flavour", "flags", "size", "MiB", "linking", "interpreter"), rows, "llrrll")


@macro
def bases_table() -> str:
    rows = [
        (
            code(b.requested),
            _source(b.requested),
            code(b.image_id.removeprefix("sha256:")[:12]),
            text(b.recipe) if b.recipe else "\u2013",
            text(b.recipe_version) if b.recipe_version else "\u2013",
        )
        for b in _data().provenance.bases
    ]
    return table(("base image", "source", "image id", "recipe", "recipe version"), rows)


@macro
def efficiency_table() -> str:
    rows = [
        (
            code(e.variant),
            derived(units.percent(e.score * 100), "percent", [where(e, "score")], e.score * 100),
            shown(units.human_size(e.wasted_bytes), where(e, "wasted_bytes")),
        )
        for e in _data().efficiency
    ]
    return table(("variant", "dive efficiency", "wasted bytes"), rows, "lrr")


@macro
def alternatives_table() -> str:
    data = _data()
    sizes, holds = [], []
    for name in (SCRATCH, DISTROLESS, derive.PRIMARY):
        found, seen, run = (
            derive.variant_image(data, name),
            derive.surface(data, name),
            derive.probe(data, name),
        )
        flag = derive.resting_on_standin(data, found)
        measured = (
            [NOT_MEASURED] * 2
            if found is None
            else [
                marked(shown(units.human_size(getattr(found, each)), where(found, each)), flag)
                for each in ("size", "compressed_size")
            ]
        )
        healthy = or_missing(
            run, lambda p: "yes" if p.started and p.healthcheck_status == "healthy" else "no"
        )
        sizes.append((code(name), *measured, or_missing(seen, lambda s: code(s.user)), healthy))
        flags = (
            [NOT_MEASURED] * 3
            if seen is None
            else [marked(yes_no(v), flag) for v in (seen.has_shell, seen.has_ca_bundle, seen.has_tzdata)]
        )
        holds.append((code(name), *flags))
    return (
        table(("variant", "size", "compressed", "runs as", "healthy"), sizes, "lrrll")
        + "\n"
        + table(("variant", "shell", "CA bundle", "tzdata"), holds, "llll")
    )
