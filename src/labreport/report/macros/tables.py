"""Macros for tables: every record of a kind in the data, as a Markdown table.

A page calls one on a line of its own, e.g. `{{ sizes_table() }}`. Every string from the data goes
through `code` or `text` (it may hold markup or pipes); a value resting on a stand-in base is
marked where it stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from labreport.contract.schema import Measurements, Spread
from labreport.report import derive, evidence, units
from labreport.report.claims.judge import verdict_counts
from labreport.report.evidence import derived, shown, where
from labreport.report.macros.registry import macro
from labreport.report.macros.values import saved
from labreport.report.markup import NOT_MEASURED, VERDICT_BADGES, clip, code, marked, table, text
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


def _source(ref: str) -> str:
    origin = derive.base_provenance(_data(), ref)
    if origin is None:
        return NOT_MEASURED
    return {"pulled": "pulled", "present": "already present", "standin": "stand-in"}[origin.source]


def seconds_range(spread: Spread) -> str:
    """The range of a timing, each end with its evidence and held to its unit by a no-break space
    (a narrow cell breaks at the dash, never between a number and its "s")."""
    low, high = (
        shown(units.seconds(getattr(spread, each)).replace(" ", "\u00a0"), where(spread, each))
        for each in ("min", "max")
    )
    return f"{low} \u2013 {high}"


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
def build_table(kind: str, builder: str | None = None) -> str:
    """One build kind's steps on `builder` ("buildkit" or "legacy"; None: the builder of record)."""
    found = derive.build(_data(), kind, derive.PRIMARY, builder)
    if found is None:
        return f"{NOT_MEASURED}\n"
    rows = [
        (
            str(s.number),
            code(clip(s.instruction, 80)),
            "cache" if s.cached else "run",
            shown(units.seconds(s.seconds.median), where(s.seconds, "median")),
            seconds_range(s.seconds),
        )
        for s in found.steps
    ]
    rows.append(
        (
            "",
            "**whole build**",
            "",
            f"**{shown(units.seconds(found.total.median), where(found.total, 'median'))}**",
            seconds_range(found.total),
        )
    )
    return table(("step", "instruction", "cache", "median", "range"), rows, "rllrr")


@macro
def builds_summary_table() -> str:
    rows = []
    for kind in derive.BUILD_KINDS:
        found = derive.build(_data(), kind)
        if found is not None:
            cached = sum(s.cached for s in found.steps)
            rows.append(
                (
                    kind.replace("_", " "),
                    *(
                        shown(units.seconds(getattr(found.total, each)), where(found.total, each))
                        for each in ("median", "min", "max")
                    ),
                    f"{cached} of {len(found.steps)}",
                    str(len(found.total.samples)),
                )
            )
    return table(("build", "median", "min", "max", "steps from cache", "runs"), rows, "lrrrrr")


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
def lint_table() -> str:
    rows = [
        (code(item.dockerfile), code(f.code), text(f.level), str(f.line), text(f.message))
        for item in _data().lint
        for f in item.findings
    ]
    clean = [code(item.dockerfile) for item in _data().lint if not item.findings]
    shown = table(("Dockerfile", "rule", "level", "line", "finding"), rows) if rows else ""
    if clean:
        shown += f"\nNo findings for {', '.join(clean)}.\n"
    return shown


@macro
def ledger_table() -> str:
    """Every claim: the report's value, ours, the tolerance, the verdict and the signed difference."""
    rows = []
    for item in sitebuild.current().ledger:
        rows.append(
            (
                f"[{evidence.topic(item)}]({item.page})",
                evidence.claimed(item),
                marked(evidence.measured(item, item.measured), item.standin),
                evidence.claimed(item, "tolerance") if item.difference is not None else item.tolerance,
                VERDICT_BADGES[item.verdict],
                evidence.difference(item),
                evidence.note(item),
            )
        )
    return table(
        ("claim", "report says", "measured", "tolerance", "verdict", "difference", "note"), rows, "lrrrlrl"
    )


@macro
def ledger_summary() -> str:
    counts = verdict_counts(sitebuild.current().ledger)
    rows = [(VERDICT_BADGES[verdict], str(count)) for verdict, count in counts.items()]
    return table(("verdict", "claims"), rows, "lr")
