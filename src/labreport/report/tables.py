"""Macros for tables: every record of a kind in the data, as a Markdown table.

A page calls one on a line of its own, e.g. `{{ sizes_table() }}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from labreport.report import derive, sitebuild, units
from labreport.report.claims import verdict_counts
from labreport.report.markup import (
    NOT_MEASURED,
    VERDICT_BADGES,
    code,
    or_missing,
    surface_name,
    table,
    yes_no,
)
from labreport.report.registry import macro
from labreport.schema import Measurements


def _data() -> Measurements:
    return sitebuild.current().data


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
            "variant": f"variant `{item.variant}`",
        }[item.role]
        rows.append(
            (
                code(item.ref),
                role,
                code(item.image_id.removeprefix("sha256:")[:12]),
                units.human_size(item.size),
                units.mebibytes(item.size),
                units.human_size(item.compressed_size),
            )
        )
    return table(("image", "role", "image id", "size", "size (MiB)", "compressed"), rows, "lllrrr")


@macro
def reductions_table() -> str:
    rows = [
        (
            r.label,
            code(r.before_ref),
            units.human_size(r.before),
            units.human_size(r.after),
            units.percent(r.percent),
            units.ratio(r.factor),
        )
        for r in derive.reductions(_data())
    ]
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
    rows = [(code(each.instruction[:90]), units.human_size(each.size)) for each in reversed(own)]
    if base is not None:
        folded = f"base image {code(base.ref)} ({len(base.layers)} layers)"
        rows.append((folded, units.human_size(base.size)))
    rows.append(("**total**", f"**{units.human_size(found.size)}**"))
    return table(("layer (newest first)", "size"), rows, "lr")


@macro
def savings_table(counts: Sequence[int] = (1, 10, 100)) -> str:
    rows = []
    for against in (derive.SDK, derive.SDK_ALPINE):
        rows += [
            (code(against), str(n), or_missing(derive.savings(_data(), n, against), units.human_size))
            for n in counts
        ]
    return table(("instead of", "containers", "bytes saved"), rows, "lrr")


@macro
def surface_table() -> str:
    """The file scan and package inventory of every image scanned, the builder stage first."""
    rows = []
    for item in sorted(_data().surfaces, key=lambda each: each.variant != "builder"):
        rows.append(
            (
                surface_name(item.variant),
                str(item.packages),
                f"{item.files:,}",
                yes_no(item.has_shell),
                yes_no(item.has_package_manager),
                yes_no(item.has_compiler),
                yes_no(item.has_ca_bundle),
                yes_no(item.has_tzdata),
                ", ".join(code(f) for f in item.setuid_files) or "none",
                code(item.user),
            )
        )
    return table(
        (
            "image",
            "packages",
            "files",
            "shell",
            "package manager",
            "compiler",
            "CA bundle",
            "tzdata",
            "setuid files",
            "user",
        ),
        rows,
        "lrrlllllll",
    )


@macro
def alternatives_table() -> str:
    rows = []
    data = _data()
    for name in ("scratch", "distroless", derive.PRIMARY):
        found, seen, run = (
            derive.variant_image(data, name),
            derive.surface(data, name),
            derive.probe(_data(), name),
        )
        rows.append(
            (
                code(name),
                or_missing(found, lambda f: units.human_size(f.size)),
                or_missing(found, lambda f: units.human_size(f.compressed_size)),
                or_missing(seen, lambda s: yes_no(s.has_shell)),
                or_missing(seen, lambda s: yes_no(s.has_ca_bundle)),
                or_missing(seen, lambda s: yes_no(s.has_tzdata)),
                or_missing(seen, lambda s: code(s.user)),
                or_missing(run, lambda p: "yes" if p.started and p.healthcheck_status == "healthy" else "no"),
            )
        )
    return table(
        ("variant", "size", "compressed", "shell", "CA bundle", "tzdata", "runs as", "healthy"),
        rows,
        "lrrlllll",
    )


@macro
def build_table(kind: str) -> str:
    found = derive.build(_data(), kind)
    if found is None:
        return f"{NOT_MEASURED}\n"
    rows = [
        (
            str(s.number),
            code(s.instruction[:80]),
            "cache" if s.cached else "run",
            units.seconds(s.seconds.median),
            f"{units.seconds(s.seconds.min)} \u2013 {units.seconds(s.seconds.max)}",
        )
        for s in found.steps
    ]
    rows.append(
        (
            "",
            "**whole build**",
            "",
            f"**{units.seconds(found.total.median)}**",
            f"{units.seconds(found.total.min)} \u2013 {units.seconds(found.total.max)}",
        )
    )
    return table(("step", "instruction", "", "median", "range"), rows, "rllrr")


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
                    units.seconds(found.total.median),
                    units.seconds(found.total.min),
                    units.seconds(found.total.max),
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
            units.human_size(b.size),
            units.mebibytes(b.size),
            b.linking,
            code(b.interpreter) if b.interpreter else "none",
        )
        for b in _data().binaries
    ]
    return table(("flavour", "flags", "size", "MiB", "linking", "interpreter"), rows, "llrrll")


@macro
def probes_table() -> str:
    rows = []
    for item in _data().probes:
        rows.append(
            (
                code(item.variant),
                "yes" if item.started else "**no**",
                or_missing(item.seconds_to_healthy, units.seconds),
                or_missing(item.process_uid, str),
                item.healthcheck_status or ("none defined" if item.started else NOT_MEASURED),
                or_missing(item.memory_bytes, units.human_size),
                or_missing(item.stop_seconds, units.seconds),
                or_missing(item.exit_code, str),
                "; ".join(item.spec_problems) or "none",
            )
        )
    return table(
        (
            "variant",
            "started",
            "answering after",
            "uid",
            "health",
            "memory",
            "stop took",
            "exit code",
            "spec problems",
        ),
        rows,
        "llrrlrrrl",
    )


@macro
def publish_table() -> str:
    rows = [
        (
            code(p.variant),
            code(p.pushed_ref),
            code(p.digest[:19] + "…"),
            units.human_size(p.compressed_size),
            units.seconds(p.pull_seconds.median),
            f"{units.seconds(p.pull_seconds.min)} \u2013 {units.seconds(p.pull_seconds.max)}",
            p.docker_hub or "not pushed (no DOCKERHUB_USERNAME / DOCKERHUB_TOKEN set)",
        )
        for p in _data().publish
    ]
    return table(
        ("variant", "pushed as", "digest", "compressed", "pull (median)", "pull range", "Docker Hub"),
        rows,
        "lllrrrl",
    )


@macro
def bases_table() -> str:
    rows = [
        (
            code(b.requested),
            _source(b.requested),
            code(b.image_id.removeprefix("sha256:")[:12]),
            b.recipe or "\u2013",
            b.recipe_version or "\u2013",
        )
        for b in _data().provenance.bases
    ]
    return table(("base image", "source", "image id", "recipe", "recipe version"), rows)


@macro
def efficiency_table() -> str:
    rows = [
        (code(e.variant), units.percent(e.score * 100), units.human_size(e.wasted_bytes))
        for e in _data().efficiency
    ]
    return table(("variant", "dive efficiency", "wasted bytes"), rows, "lrr")


@macro
def lint_table() -> str:
    rows = [
        (code(item.dockerfile), code(f.code), f.level, str(f.line), f.message)
        for item in _data().lint
        for f in item.findings
    ]
    clean = [code(item.dockerfile) for item in _data().lint if not item.findings]
    text = table(("Dockerfile", "rule", "level", "line", "finding"), rows) if rows else ""
    if clean:
        text += f"\nNo findings for {', '.join(clean)}.\n"
    return text


@macro
def ledger_table() -> str:
    """Every claim: the report's value, ours, the verdict and the signed difference; links to its page."""
    rows = []
    for item in sitebuild.current().ledger:
        difference = "" if item.difference is None else units.signed_percent(item.difference)
        rows.append(
            (
                f"[{item.topic}]({item.page})",
                item.claimed,
                item.measured,
                VERDICT_BADGES[item.verdict],
                difference,
                item.note,
            )
        )
    return table(("claim", "report says", "measured", "verdict", "difference", "note"), rows, "lrrlrl")


@macro
def ledger_summary() -> str:
    counts = verdict_counts(sitebuild.current().ledger)
    rows = [(VERDICT_BADGES[verdict], str(count)) for verdict, count in counts.items()]
    return table(("verdict", "claims"), rows, "lr")
