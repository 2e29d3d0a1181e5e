"""Macros on the builds: each build kind's steps and totals, BuildKit (the builder of record)
beside the legacy builder and the cache-mount Dockerfile, the pulls before a cold build, both
builders' logs, and whether a rebuild from nothing gives the same bytes.
"""

from __future__ import annotations

from labreport.contract.schema import BuildTiming, Measurements
from labreport.report import derive, units
from labreport.report.evidence import shown, where
from labreport.report.macros.formatting import seconds_range
from labreport.report.macros.registry import macro
from labreport.report.markup import NOT_MEASURED, clip, code, fenced, table, text
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


@macro
def build_total(kind: str, statistic: str = "median") -> str:
    found = derive.build(_data(), kind)
    if found is None:
        return NOT_MEASURED
    return shown(units.seconds(float(getattr(found.total, statistic))), where(found.total, statistic))


@macro
def build_step(kind: str, words: str) -> str:
    found = derive.step(derive.build(_data(), kind), *words.split())
    return (
        NOT_MEASURED
        if found is None
        else shown(units.seconds(found.seconds.median), where(found.seconds, "median"))
    )


@macro
def repeats() -> str:
    return shown(str(_data().provenance.repeats), "/provenance/repeats")


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
def build_log(limit: int = 0) -> str:
    """The cold build's output; its lines wrap (see extra.css) rather than run off the box."""
    lines = _data().cold_build_log
    return fenced("\n".join(lines[-limit:] if limit else lines))


def _median_range(found: BuildTiming | None) -> str:
    if found is None:
        return NOT_MEASURED
    total = found.total
    showing = shown(units.seconds(total.median), where(total, "median"))
    if len(total.samples) > 1:
        showing += f" ({seconds_range(total)})"
    return showing


@macro
def builders_table() -> str:
    """Each build kind on each builder: median whole-build time and its range."""
    rows = []
    for kind in derive.BUILD_KINDS:
        columns = [
            derive.build(_data(), kind, variant, builder) for _, variant, builder in derive.BUILD_COLUMNS
        ]
        if any(columns):
            rows.append((kind.replace("_", " "), *(_median_range(found) for found in columns)))
    headers = ("build", *(label for label, _, _ in derive.BUILD_COLUMNS))
    return table(headers, rows, "l" + "r" * len(derive.BUILD_COLUMNS))


@macro
def builder_facts() -> str:
    """Which builders measured, with the versions recorded."""
    provenance = _data().provenance
    buildkit = provenance.buildkit_version or "not reported by this engine"
    cli = provenance.docker_cli_version or NOT_MEASURED
    return (
        f"{text(provenance.builder)}; engine {code(provenance.engine.version)}, BuildKit {text(buildkit)},"
        f" docker CLI {code(cli)}"
    )


@macro
def base_pulls() -> str:
    """Whether the cold builds downloaded their bases, and how long pulling them took."""
    found = derive.build(_data(), "cold", derive.PRIMARY, "buildkit")
    if found is None:
        return NOT_MEASURED
    pulls = found.base_pull_seconds
    if pulls is None:
        return (
            "The base images were already on the engine when each cold build ran (here they are "
            "stand-ins built locally, as no registry answers), so no cold build includes a download."
        )
    return (
        "Before each cold build the base images were pulled into a fresh engine holding none of their "
        "layers, timed apart from the build: "
        f"{shown(units.seconds(pulls.median), where(pulls, 'median'))} (median; {seconds_range(pulls)})."
    )


@macro
def buildkit_log(limit: int = 0) -> str:
    lines = _data().buildkit_cold_log
    if not lines:
        return f"{NOT_MEASURED}\n"
    return fenced("\n".join(lines[-limit:] if limit else lines))


def _short(digest: str) -> str:
    """The algorithm and the first 16 hex digits: enough to tell two digests apart by eye (the
    comparison itself is of the whole digest)."""
    algorithm, _, value = digest.rpartition(":")
    return f"{algorithm}:{value[:16]}\u2026" if len(value) > 16 else digest


@macro
def rebuild_table() -> str:
    """The two builds from nothing side by side: the binary's hash, each layer's diff ID, the image ID."""
    rows = [
        (
            text(row.what),
            code(_short(row.first)),
            code(_short(row.second)),
            "same" if row.same else "**differs**",
        )
        for row in derive.rebuild_rows(_data())
    ]
    if not rows:
        return f"{NOT_MEASURED}\n"
    return table(("what", "first build", "second build", ""), rows, "llll")


@macro
def rebuild_verdict() -> str:
    rows = derive.rebuild_rows(_data())
    if not rows:
        return NOT_MEASURED
    binary = next(row for row in rows if row.what == derive.REBUILT_BINARY)
    layers = [row for row in rows if row.what.startswith("layer")]
    same_layers = sum(row.same for row in layers)
    image = next(row for row in rows if row.what == derive.REBUILT_IMAGE)
    rebuild = _data().rebuild
    epoch = (
        f" with `SOURCE_DATE_EPOCH={rebuild.source_date_epoch}` (the last commit's time)"
        if rebuild is not None and rebuild.source_date_epoch is not None
        else " without `SOURCE_DATE_EPOCH` (this engine's BuildKit would ignore it)"
    )
    return (
        f"Built{epoch}: the binary is {'byte for byte the same' if binary.same else '**not** the same'}; "
        f"{same_layers} of {len(layers)} layers are the same; the image ID "
        f"{'repeats' if image.same else 'does not repeat'}."
    )
