"""Tables that had more columns than a page has room for, reshaped to fit the content column at
desktop width: split in two, a long list turned into a count with the list folded below, a column
that says the same on every row turned into a sentence. And the home page's headline table, with
what the report said and the verdict beside each measured figure.
"""

from __future__ import annotations

from labreport.contract.schema import Measurements
from labreport.contract.variants import DISTROLESS, SCRATCH
from labreport.report import derive, evidence, units
from labreport.report.claims.judge import Claim
from labreport.report.evidence import field, shown, where
from labreport.report.macros.registry import macro
from labreport.report.macros.tables import seconds_range
from labreport.report.macros.values import build_total, deploy_ratio, download_size, image_size, reduction
from labreport.report.markup import (
    NOT_MEASURED,
    VERDICT_BADGES,
    clip,
    code,
    marked,
    or_missing,
    surface_name,
    table,
    text,
    yes_no,
)
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


def _folded(title: str, lines: list[str]) -> str:
    """A collapsed block (pymdownx.details) holding a list: long lists stay out of table cells."""
    body = "".join(f"    - {line}\n" for line in lines) or "    None.\n"
    return f'\n??? note "{title}"\n\n{body}\n'


@macro
def surface_table() -> str:
    """The file scan and package inventory of every image scanned, the builder stage first: what
    it holds, then which tools it has, then its setuid files folded below."""
    data = _data()
    holds, tools, setuid = [], [], []
    for item in sorted(data.surfaces, key=lambda each: each.variant != "builder"):
        # What the image holds is mostly its base's: on a stand-in base, the stand-in's.
        flag = derive.surface_on_standin(data, item.variant)
        name = marked(surface_name(item.variant), flag)
        holds.append(
            (
                name,
                marked(shown(str(item.packages), where(item, "packages")), flag),
                shown(f"{item.files:,}", where(item, "files")),
                str(len(item.setuid_files)),
                code(item.user),
            )
        )
        tools.append(
            (
                name,
                yes_no(item.has_shell),
                marked(yes_no(item.has_package_manager), flag),
                yes_no(item.has_compiler),
                yes_no(item.has_ca_bundle),
                yes_no(item.has_tzdata),
            )
        )
        if item.setuid_files:
            listed = ", ".join(code(f) for f in item.setuid_files)
            setuid.append(f"{surface_name(item.variant)} ({len(item.setuid_files)}): {listed}")
    return (
        table(("image", "packages", "files", "setuid files", "user"), holds, "lrrrl")
        + "\n"
        + table(("image", "shell", "package manager", "compiler", "CA bundle", "tzdata"), tools, "llllll")
        + _folded("The setuid files, by image", setuid)
    )


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


@macro
def probes_table() -> str:
    """Each variant's run; the response-spec problems, long sentences, listed below the table."""
    rows, after, problems = [], [], []
    for item in _data().probes:
        health = (
            text(item.healthcheck_status)
            if item.healthcheck_status
            else ("none defined" if item.started else NOT_MEASURED)
        )
        rows.append(
            (
                code(item.variant),
                "yes" if item.started else "**no**",
                field(item, "seconds_to_healthy", units.seconds),
                or_missing(item.process_uid, str),
                health,
            )
        )
        after.append(
            (
                code(item.variant),
                field(item, "memory_bytes", units.human_size),
                field(item, "stop_seconds", units.seconds),
                or_missing(item.exit_code, str),
                str(len(item.spec_problems)),
            )
        )
        problems += [f"{code(item.variant)}: {text(each)}" for each in item.spec_problems]
    header = ("variant", "started", "answering after", "uid", "health")
    second = ("variant", "memory", "`docker stop` took", "exit code", "spec problems")
    return (
        table(header, rows, "llrrl")
        + "\n"
        + table(second, after, "lrrrr")
        + _folded(f"The response-spec problems ({len(problems)})", problems)
    )


@macro
def publish_table() -> str:
    """What each push stored: the manifest's layer sizes are what a pull downloads; the local gzip
    sum beside them is only an estimate of it. Where each went, and Docker Hub, below."""
    data = _data()
    rows, pushed_to = [], []
    for p in data.publish:
        local = derive.variant_image(data, p.variant) if p.variant in derive.VARIANTS else None
        rows.append(
            (
                code(p.variant),
                marked(
                    shown(units.human_size(p.compressed_size), where(p, "compressed_size")),
                    derive.resting_on_standin(data, local),
                ),
                or_missing(
                    local, lambda f: shown(units.human_size(f.compressed_size), where(f, "compressed_size"))
                ),
                shown(units.seconds(p.pull_seconds.median), where(p.pull_seconds, "median")),
                seconds_range(p.pull_seconds),
            )
        )
        hub = text(p.docker_hub) if p.docker_hub else "not pushed to Docker Hub"
        pushed_to.append(
            f"{code(p.variant)}: pushed as {code(p.pushed_ref)}, digest {code(clip(p.digest, 24))}; {hub}"
        )
    header = ("variant", "download (manifest)", "local gzip estimate", "pull (median)", "pull range")
    hub_note = (
        ""
        if any(p.docker_hub for p in data.publish)
        else "\nNothing was pushed to Docker Hub: no `DOCKERHUB_USERNAME` / `DOCKERHUB_TOKEN` was set.\n"
    )
    return table(header, rows, "lrrrr") + hub_note + _folded("Where each image was pushed", pushed_to)


def _claim(key: str) -> Claim:
    found = {item.key: item for item in sitebuild.current().ledger}
    return found[key]


@macro
def headline_table() -> str:
    """The home page's first table: each headline figure, what the report said, and the verdict."""

    def against(key: str | None) -> tuple[str, str]:
        if key is None:
            return ("\u2013", "no claim")
        item = _claim(key)
        return (evidence.claimed(item), VERDICT_BADGES[item.verdict])

    builds = " / ".join(build_total(kind) for kind in ("cold", "cached", "code_change"))
    said_builds = " / ".join(
        evidence.claimed(_claim(k)) for k in ("build-cold", "build-cached", "build-change")
    )
    verdicts = " ".join(
        VERDICT_BADGES[_claim(k).verdict] for k in ("build-cold", "build-cached", "build-change")
    )
    rows = [
        ("final image (`alpine` variant), uncompressed", image_size(derive.PRIMARY), *against("final")),
        ("final image, what a pull downloads", download_size(derive.PRIMARY), *against("final-compressed")),
        ("builder stage it was copied out of", image_size("builder"), *against(None)),
        ("smaller than the builder by", reduction("builder"), *against(None)),
        ("smaller than the `golang:1.25` SDK image by", reduction("golang:1.25"), *against("reduction-sdk")),
        ("cold build / cached rebuild / rebuild after a code change", builds, said_builds, verdicts),
        ("single-stage image pulls slower by", deploy_ratio(), *against("deploy")),
    ]
    return table(("what", "measured", "the report said", "verdict"), rows, "lrrl")
