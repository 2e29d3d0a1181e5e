"""mkdocs-macros: every number, table, response and figure on the site, as Markdown.

Pages hold prose and calls to these macros; the values come from the build's data (`state.current()`)
and derived figures from `labreport.derive`. An unknown name raises, so a typo fails the build.
Loaded by mkdocs-macros from its file path, hence the absolute imports.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from labreport.report import derive, state
from labreport.report.figures import FIGURES
from labreport.schema import ImageSize, Measurements, Probe

NOT_MEASURED = "*not measured*"
VERDICT_ICONS = {
    verdict: f'<span class="verdict verdict-{verdict.split()[0]}">{verdict}</span>'
    for verdict in ("reproduced", "differs", "stand-in", "not measurable here")
}


def _data() -> Measurements:
    return state.current().data


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def code(value: object) -> str:
    text = cell(value)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    rule = [("---:" if align[i : i + 1] == "r" else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fenced(text: str, language: str = "text") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text}\n{fence}\n"


def _named_image(name: str) -> ImageSize | None:
    data = _data()
    if name == "builder":
        return derive.builder_image(data)
    if name in derive.BASES:
        return derive.base_image(data, name)
    return derive.variant_image(data, name)


def _or_missing(value: object | None, show: Callable[[Any], str]) -> str:
    return NOT_MEASURED if value is None else show(value)


# --- single values ---------------------------------------------------------------------------


def image_size(name: str, compressed: bool = False, unit: str = "MB") -> str:
    """Size of a variant, base image (by reference) or "builder"; unit "MB" (decimal) or "MiB"."""
    found = _named_image(name)
    if found is None:
        return NOT_MEASURED
    size = found.compressed_size if compressed else found.size
    if unit not in ("MB", "MiB"):
        raise ValueError(f"unit must be MB or MiB, not {unit!r}")
    return derive.human_size(size) if unit == "MB" else derive.mebibytes(size)


def reduction(against: str, of: str = derive.PRIMARY) -> str:
    """How much smaller the variant `of` is than the image `against` (a base reference or "builder")."""
    final, other = _named_image(of), _named_image(against)
    if final is None or other is None:
        return NOT_MEASURED
    return derive.percent(derive.reduction(other.size, final.size))


def times_smaller(against: str, of: str = derive.PRIMARY) -> str:
    final, other = _named_image(of), _named_image(against)
    if final is None or other is None:
        return NOT_MEASURED
    return derive.ratio(derive.times(other.size, final.size))


def saving(containers: int, against: str = derive.SDK) -> str:
    return _or_missing(derive.savings(_data(), containers, against), derive.human_size)


def deploy_ratio() -> str:
    return _or_missing(derive.deploy_ratio(_data()), derive.ratio)


def strip_saving() -> str:
    return _or_missing(derive.strip_saving(_data()), derive.percent)


def binary_size(flavour: str) -> str:
    found = derive.binary(_data(), flavour)
    return NOT_MEASURED if found is None else derive.human_size(found.size)


def build_total(kind: str, statistic: str = "median") -> str:
    found = derive.build(_data(), kind)
    if found is None:
        return NOT_MEASURED
    return derive.seconds(float(getattr(found.total, statistic)))


def build_step(kind: str, words: str) -> str:
    found = derive.step(derive.build(_data(), kind), *words.split())
    return NOT_MEASURED if found is None else derive.seconds(found.seconds.median)


def layer_size(variant: str, words: str) -> str:
    found = derive.layer(derive.variant_image(_data(), variant), *words.split())
    return NOT_MEASURED if found is None else derive.human_size(found.size)


def pull_time(variant: str) -> str:
    found = derive.publish(_data(), variant)
    return NOT_MEASURED if found is None else derive.seconds(found.pull_seconds.median)


def _probe(variant: str) -> Probe | None:
    return derive.probe(_data(), variant)


def probe_value(variant: str, field: str) -> str:
    """One field of a variant's probe, formatted (seconds for *_seconds, bytes for memory_bytes)."""
    found = _probe(variant)
    if found is None:
        return NOT_MEASURED
    value = getattr(found, field)  # AttributeError on a typo: the build fails
    if value is None and field == "healthcheck_status":
        return "no health check defined"
    if value is None:
        return NOT_MEASURED
    if isinstance(value, bool):
        return _yes(value)
    if field.endswith("seconds") or field == "seconds_to_healthy":
        return derive.seconds(float(value))
    if field == "memory_bytes":
        return derive.human_size(int(value))
    return str(value)


def surface_value(variant: str, field: str) -> str:
    """One field of a variant's file-system scan (e.g. program_owner, program_mode, packages)."""
    found = derive.surface(_data(), variant)
    return NOT_MEASURED if found is None else str(getattr(found, field))


def claim(key: str, field: str = "measured") -> str:
    found = {item.key: item for item in state.current().ledger}
    if key not in found:
        raise KeyError(f"unknown claim {key!r}; known: {', '.join(found)}")
    value = getattr(found[key], field)
    if field == "verdict":
        return VERDICT_ICONS[value]
    if field == "difference":
        return "\u2013" if value is None else derive.signed_percent(value)
    return str(value)


def _fewer(difference: int, things: str) -> str:
    if difference == 0:
        return f"as many {things}"
    return f"{difference:,} fewer {things}" if difference >= 0 else f"{-difference:,} more {things}"


def surface_difference(reference: str, variant: str) -> str:
    """A sentence: what `variant` lacks (or has extra) compared with `reference`, from the scans."""
    data = _data()
    before, after = derive.surface(data, reference), derive.surface(data, variant)
    if before is None or after is None:
        return NOT_MEASURED
    parts = [
        _fewer(before.packages - after.packages, "packages"),
        _fewer(before.files - after.files, "files"),
    ]
    features = (
        ("has_compiler", "compiler"),
        ("has_package_manager", "package manager"),
        ("has_shell", "shell"),
        ("has_tzdata", "time zone data"),
        ("has_ca_bundle", "CA bundle"),
    )
    for flag, name in features:
        had, has = getattr(before, flag), getattr(after, flag)
        if had != has or has:
            parts.append(
                f"no {name}" if had and not has else f"{name} (kept)" if has and had else f"{name} (added)"
            )
    parts.append(_fewer(len(before.setuid_files) - len(after.setuid_files), "setuid files"))
    before_name = ("the " if reference == "builder" else "") + _surface_name(reference)
    return f"Compared with {before_name}, {_surface_name(variant)} has " + ", ".join(parts) + "."


def stop_summary(variant: str) -> str:
    """A sentence on how `docker stop` ended the container, from its exit code and duration."""
    found = _probe(variant)
    if found is None or found.stop_seconds is None or found.exit_code is None:
        return NOT_MEASURED
    took = derive.seconds(found.stop_seconds)
    if found.exit_code == 0:
        return f"`docker stop` took {took} and the process exited with code 0: it shut down on `SIGTERM`."
    if found.exit_code == 137:
        return (
            f"`docker stop` took {took} and the exit code was 137: the process ignored `SIGTERM` "
            "and was killed."
        )
    return f"`docker stop` took {took}; the exit code was {found.exit_code}."


def repeats() -> str:
    return str(_data().provenance.repeats)


# --- tables ----------------------------------------------------------------------------------


def _source(ref: str) -> str:
    origin = derive.base_provenance(_data(), ref)
    if origin is None:
        return NOT_MEASURED
    return {"pulled": "pulled", "present": "already present", "standin": "stand-in"}[origin.source]


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
                derive.human_size(item.size),
                derive.mebibytes(item.size),
                derive.human_size(item.compressed_size),
            )
        )
    return table(("image", "role", "image id", "size", "size (MiB)", "compressed"), rows, "lllrrr")


def reductions_table() -> str:
    rows = [
        (
            r.label,
            code(r.before_ref),
            derive.human_size(r.before),
            derive.human_size(r.after),
            derive.percent(r.percent),
            derive.ratio(r.factor),
        )
        for r in derive.reductions(_data())
    ]
    return table(
        ("final image against", "image", "its size", "final image", "smaller by", "factor"), rows, "llrrrr"
    )


def layers_table(variant: str) -> str:
    """`docker history` of a variant, newest first, with its base image's layers folded into one row."""
    found = derive.variant_image(_data(), variant)
    if found is None:
        return f"{NOT_MEASURED}\n"
    base, own = derive.split_base(_data(), found)
    rows = [(code(each.instruction[:90]), derive.human_size(each.size)) for each in reversed(own)]
    if base is not None:
        folded = f"base image {code(base.ref)} ({len(base.layers)} layers)"
        rows.append((folded, derive.human_size(base.size)))
    rows.append(("**total**", f"**{derive.human_size(found.size)}**"))
    return table(("layer (newest first)", "size"), rows, "lr")


def savings_table(counts: Sequence[int] = (1, 10, 100)) -> str:
    rows = []
    for against in (derive.SDK, derive.SDK_ALPINE):
        rows += [
            (code(against), str(n), _or_missing(derive.savings(_data(), n, against), derive.human_size))
            for n in counts
        ]
    return table(("instead of", "containers", "bytes saved"), rows, "lrr")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _surface_name(variant: str) -> str:
    """How a scanned image is named on the page: its variant, or the builder stage's reference."""
    return f"builder stage `{derive.BUILDER}`" if variant == "builder" else f"`{variant}`"


def surface_table() -> str:
    """The file scan and package inventory of every image scanned, the builder stage first."""
    rows = []
    for item in sorted(_data().surfaces, key=lambda each: each.variant != "builder"):
        rows.append(
            (
                _surface_name(item.variant),
                str(item.packages),
                f"{item.files:,}",
                _yes(item.has_shell),
                _yes(item.has_package_manager),
                _yes(item.has_compiler),
                _yes(item.has_ca_bundle),
                _yes(item.has_tzdata),
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


def alternatives_table() -> str:
    rows = []
    data = _data()
    for name in ("scratch", "distroless", derive.PRIMARY):
        found, seen, run = derive.variant_image(data, name), derive.surface(data, name), _probe(name)
        rows.append(
            (
                code(name),
                _or_missing(found, lambda f: derive.human_size(f.size)),
                _or_missing(found, lambda f: derive.human_size(f.compressed_size)),
                _or_missing(seen, lambda s: _yes(s.has_shell)),
                _or_missing(seen, lambda s: _yes(s.has_ca_bundle)),
                _or_missing(seen, lambda s: _yes(s.has_tzdata)),
                _or_missing(seen, lambda s: code(s.user)),
                _or_missing(
                    run, lambda p: "yes" if p.started and p.healthcheck_status == "healthy" else "no"
                ),
            )
        )
    return table(
        ("variant", "size", "compressed", "shell", "CA bundle", "tzdata", "runs as", "healthy"),
        rows,
        "lrrlllll",
    )


def build_table(kind: str) -> str:
    found = derive.build(_data(), kind)
    if found is None:
        return f"{NOT_MEASURED}\n"
    rows = [
        (
            str(s.number),
            code(s.instruction[:80]),
            "cache" if s.cached else "run",
            derive.seconds(s.seconds.median),
            f"{derive.seconds(s.seconds.min)} \u2013 {derive.seconds(s.seconds.max)}",
        )
        for s in found.steps
    ]
    rows.append(
        (
            "",
            "**whole build**",
            "",
            f"**{derive.seconds(found.total.median)}**",
            f"{derive.seconds(found.total.min)} \u2013 {derive.seconds(found.total.max)}",
        )
    )
    return table(("step", "instruction", "", "median", "range"), rows, "rllrr")


def builds_summary_table() -> str:
    rows = []
    for kind in derive.BUILD_KINDS:
        found = derive.build(_data(), kind)
        if found is not None:
            cached = sum(s.cached for s in found.steps)
            rows.append(
                (
                    kind.replace("_", " "),
                    derive.seconds(found.total.median),
                    derive.seconds(found.total.min),
                    derive.seconds(found.total.max),
                    f"{cached} of {len(found.steps)}",
                    str(len(found.total.samples)),
                )
            )
    return table(("build", "median", "min", "max", "steps from cache", "runs"), rows, "lrrrrr")


def binaries_table() -> str:
    rows = [
        (
            code(b.flavour),
            code(b.flags or "(none)"),
            derive.human_size(b.size),
            derive.mebibytes(b.size),
            b.linking,
            code(b.interpreter) if b.interpreter else "none",
        )
        for b in _data().binaries
    ]
    return table(("flavour", "flags", "size", "MiB", "linking", "interpreter"), rows, "llrrll")


def probes_table() -> str:
    rows = []
    for item in _data().probes:
        rows.append(
            (
                code(item.variant),
                "yes" if item.started else "**no**",
                _or_missing(item.seconds_to_healthy, derive.seconds),
                _or_missing(item.process_uid, str),
                item.healthcheck_status or ("none defined" if item.started else NOT_MEASURED),
                _or_missing(item.memory_bytes, derive.human_size),
                _or_missing(item.stop_seconds, derive.seconds),
                _or_missing(item.exit_code, str),
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


def publish_table() -> str:
    rows = [
        (
            code(p.variant),
            code(p.pushed_ref),
            code(p.digest[:19] + "…"),
            derive.human_size(p.compressed_size),
            derive.seconds(p.pull_seconds.median),
            f"{derive.seconds(p.pull_seconds.min)} \u2013 {derive.seconds(p.pull_seconds.max)}",
            p.docker_hub or "not pushed (no DOCKERHUB_USERNAME / DOCKERHUB_TOKEN set)",
        )
        for p in _data().publish
    ]
    return table(
        ("variant", "pushed as", "digest", "compressed", "pull (median)", "pull range", "Docker Hub"),
        rows,
        "lllrrrl",
    )


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


def efficiency_table() -> str:
    rows = [
        (code(e.variant), derive.percent(e.score * 100), derive.human_size(e.wasted_bytes))
        for e in _data().efficiency
    ]
    return table(("variant", "dive efficiency", "wasted bytes"), rows, "lrr")


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


def ledger_table() -> str:
    """Every claim: the report's value, ours, the verdict and the signed difference; links to its page."""
    rows = []
    for item in state.current().ledger:
        difference = "" if item.difference is None else derive.signed_percent(item.difference)
        rows.append(
            (
                f"[{item.topic}]({item.page})",
                item.claimed,
                item.measured,
                VERDICT_ICONS[item.verdict],
                difference,
                item.note,
            )
        )
    return table(("claim", "report says", "measured", "verdict", "difference", "note"), rows, "lrrlrl")


def ledger_summary() -> str:
    counts = derive.verdict_counts(state.current().ledger)
    rows = [(VERDICT_ICONS[verdict], str(count)) for verdict, count in counts.items()]
    return table(("verdict", "claims"), rows, "lr")


def tolerance() -> str:
    return derive.percent(derive.TOLERANCE * 100)


# --- code blocks -----------------------------------------------------------------------------


def json_block(variant: str, which: str = "root") -> str:
    """A probe's response body as a JSON block: which is root, health or not_found."""
    found = _probe(variant)
    body = None if found is None else getattr(found, f"{which}_body")
    if body is None:
        return f"{NOT_MEASURED}\n"
    return fenced(json.dumps(body, indent=2, ensure_ascii=False), "json")


def build_log(limit: int = 0) -> str:
    lines = _data().cold_build_log
    return fenced("\n".join(lines[-limit:] if limit else lines))


def container_logs(variant: str) -> str:
    found = _probe(variant)
    if found is None or not found.logs:
        return f"{NOT_MEASURED}\n"
    return fenced("\n".join(found.logs))


def error_text(variant: str) -> str:
    found = _probe(variant)
    if found is None or found.error_text is None:
        return f"{NOT_MEASURED}\n"
    return fenced(found.error_text)


# --- figures ---------------------------------------------------------------------------------


def figure_markdown(name: str, caption: str, alt: str, page_uri: str) -> str:
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}")
    numbers = state.figure_numbers
    number = numbers[page_uri] = numbers.get(page_uri, 0) + 1
    folder = posixpath.dirname(page_uri)
    images = "\n".join(
        f"  ![{alt}]({posixpath.relpath(f'figures/{name}-{theme}.svg', folder or '.')}#only-{theme})"
        for theme in ("light", "dark")
    )
    return (
        f'<figure markdown="span" id="figure-{name}">\n{images}\n'
        f"  <figcaption>Figure {number}: {caption}</figcaption>\n</figure>\n"
    )


# --- provenance ------------------------------------------------------------------------------


def provenance_banner() -> str:
    """The admonitions every page starts with: where the numbers come from, staleness, failures."""
    site = state.current()
    data, origin = site.data, site.data.provenance
    engine = origin.engine
    replaced = derive.standins(data)
    commit = origin.git_commit[:12] + (" with uncommitted changes" if origin.git_dirty else "")
    title = (
        f"Measured {origin.measured_at:%Y-%m-%d %H:%M} UTC on Docker {engine.version}, "
        f"{engine.architecture}, {engine.cpus} CPUs, commit {commit}"
    )
    if replaced:
        title += f"; {len(replaced)} of {len(origin.bases)} base images are stand-ins"
    body = [
        f"Engine {engine.version} (API {engine.api_version}, {engine.storage_driver}, {engine.os}), "
        f"{origin.builder} builder; host {origin.host_os} {origin.host_architecture}, "
        f"{origin.cpu_count} CPUs; Go {origin.go_version}, Python {origin.python_version}; "
        f"each timing repeated {origin.repeats} times; "
        f"data file `{site.path.name}`, inputs hash `{origin.inputs_hash}`.",
    ]
    if replaced:
        body.append("")
        body.append(
            "No registry was reachable, so these base images were built locally as stand-ins "
            "(claims about them are marked *stand-in*, neither reproduced nor refuted):"
        )
        body.append("")
        body += [
            f"- `{b.requested}`: image `{b.image_id.removeprefix('sha256:')[:12]}`"
            f"{f', {b.recipe}' if b.recipe else ''}"
            for b in replaced
        ]
    text = f'??? abstract "{title}"\n' + "".join(f"    {line}\n" if line else "\n" for line in body) + "\n"
    if site.stale:
        text += (
            '!!! warning "The inputs changed since this measurement"\n'
            f"    The Dockerfiles, service or pipeline now hash to `{site.current_inputs_hash}`, "
            f"the data was measured at `{origin.inputs_hash}`: run `make measure` to refresh it.\n\n"
        )
    elif site.stale is None:
        text += (
            '!!! note "Staleness not checked"\n'
            "    The repository's inputs hash could not be computed in this build.\n\n"
        )
    if data.failures:
        text += f'!!! danger "{len(data.failures)} measurement failure(s): some figures are missing"\n'
        text += (
            "".join(
                f"    - **{f.phase}**{f' ({f.variant})' if f.variant else ''}: {cell(f.error)}\n"
                for f in data.failures
            )
            + "\n"
        )
    return text


# --- registration ----------------------------------------------------------------------------

MACROS: tuple[Callable[..., str], ...] = (
    image_size,
    reduction,
    times_smaller,
    saving,
    deploy_ratio,
    strip_saving,
    binary_size,
    build_total,
    build_step,
    layer_size,
    pull_time,
    probe_value,
    surface_value,
    surface_difference,
    stop_summary,
    claim,
    repeats,
    tolerance,
    sizes_table,
    reductions_table,
    layers_table,
    savings_table,
    surface_table,
    alternatives_table,
    build_table,
    builds_summary_table,
    binaries_table,
    probes_table,
    publish_table,
    bases_table,
    efficiency_table,
    lint_table,
    ledger_table,
    ledger_summary,
    json_block,
    build_log,
    container_logs,
    error_text,
)


def define_env(env: Any) -> None:
    for function in MACROS:
        env.macro(function)

    @env.macro  # type: ignore[untyped-decorator]
    def figure(name: str, caption: str, alt: str) -> str:
        """A light and a dark SVG of figure `name`, numbered per page, with its caption and alt text."""
        return figure_markdown(name, caption, alt, env.page.file.src_uri)
