"""The admonitions every page starts with: where its numbers come from and how far to trust them.

Provenance (when, where, from which commit, which base images are stand-ins), then a measurement
running in the background or the one that last failed, staleness, and the failures the data
records. The hooks put it on every page in `on_page_markdown`, after mkdocs-macros has rendered
the page, so nothing here is read as Jinja; every string from the data, the engine or the status
file is escaped (`text`, `code`) so that it shows as text, never as markup.
"""

from __future__ import annotations

import posixpath
import re
from datetime import UTC, datetime
from urllib.parse import quote

from labreport.contract.schema import CarriedOver
from labreport.contract.status import MeasureStatus
from labreport.contract.variants import REPO_ROOT, ROOT
from labreport.report.derive import standins
from labreport.report.escape import code, text
from labreport.report.macros.downloads import DATA_PATH, data_sha256
from labreport.report.markup import fenced
from labreport.report.site.build import Build


def page_banner(build: Build, page_uri: str = "index.md") -> str:
    return (
        _provenance(build, page_uri)
        + _background_measurement(build.status, build.data.provenance.measured_at)
        + _staleness(build)
        + _failures(build)
    )


def _provenance(build: Build, page_uri: str) -> str:
    site = build.site
    data, origin = site.data, site.data.provenance
    engine = origin.engine
    replaced = standins(data)
    commit = text(origin.git_commit[:12]) + (" with uncommitted changes" if origin.git_dirty else "")
    # The admonition's title is plain text: the links go in its body.
    shown_commit = (
        f"[{code(origin.git_commit[:12])}]({build.repo_url}/commit/{quote(origin.git_commit)})"
        if build.repo_url and re.fullmatch(r"[0-9a-f]{7,64}", origin.git_commit)
        else code(origin.git_commit[:12])
    )
    # A Markdown link, which MkDocs resolves from the page's source file (and checks).
    data_link = posixpath.relpath(DATA_PATH, posixpath.dirname(page_uri) or ".")
    title = (
        f"Measured {origin.measured_at:%Y-%m-%d %H:%M} UTC on Docker {text(engine.version)}, "
        f"{text(engine.architecture)}, {engine.cpus} CPUs, commit {commit}"
    )
    if replaced:
        title += f"; {len(replaced)} of {len(origin.bases)} base images are stand-ins"
    body = [
        f"Engine {text(engine.version)} (API {text(engine.api_version)}, {text(engine.storage_driver)}, "
        f"{text(engine.os)}), {text(origin.builder)} builder; host {text(origin.host_os)} "
        f"{text(origin.host_architecture)}, {origin.cpu_count} CPUs; Go {text(origin.go_version)}, "
        f"Python {text(origin.python_version)}; each timing repeated {origin.repeats} times; "
        f"inputs hash {code(origin.inputs_hash)}.",
        "",
        f"Commit {shown_commit}{' with uncommitted changes' if origin.git_dirty else ''}. "
        f"The data file this site was built from: [measurements.json]({data_link}), "
        f"sha256 {code(data_sha256())}.",
    ]
    carried = carried_over_line(origin.carried_over)
    if carried:
        body += ["", carried]
    if replaced:
        body.append("")
        body.append(
            "No registry was reachable, so these base images were built locally as stand-ins "
            "(a value that rests on one is marked *stand-in* where it appears; a claim is judged on "
            "the layers this project adds, with the base's weight left open, see the claims ledger):"
        )
        body.append("")
        body += [
            f"- {code(b.requested)}: image {code(b.image_id.removeprefix('sha256:')[:12])}"
            f"{f', {text(b.recipe)}' if b.recipe else ''}"
            for b in replaced
        ]
    return f'??? abstract "{title}"\n' + "".join(f"    {line}\n" if line else "\n" for line in body) + "\n"


def carried_over_line(carried: list[CarriedOver]) -> str:
    """One line naming what the run carried over unmeasured, grouped by the run that measured it;
    "" when it measured everything."""
    runs: dict[tuple[datetime, str], list[str]] = {}
    for item in carried:
        runs.setdefault((item.measured_at, item.git_commit), []).append(item.what)
    groups = [
        f"{', '.join(code(name) for name in names)} from the run of {moment:%Y-%m-%d %H:%M} UTC "
        f"(commit {code(commit[:12])})"
        for (moment, commit), names in runs.items()
    ]
    return f"Carried over unmeasured, their inputs unchanged since: {'; '.join(groups)}." if groups else ""


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _background_measurement(status: MeasureStatus | None, measured_at: datetime) -> str:
    if status is None or status.state == "done":
        return ""
    summary = text(status.summary())
    if status.state == "running":
        return (
            f'!!! info "Re-measuring in the background: {summary}"\n'
            "    The figures below are the recorded ones and reload when it ends.\n\n"
        )
    # A failure older than the data was followed by a measurement that succeeded: nothing to say.
    if _utc(status.updated_at) <= _utc(measured_at):
        return ""
    return (
        '!!! warning "The last background measurement failed"\n'
        f"    It stopped in phase {text(status.phase)}: {summary}. "
        f"The figures below are the previous ones, measured {measured_at:%Y-%m-%d %H:%M} UTC.\n\n"
    )


def _staleness(build: Build) -> str:
    site, origin = build.site, build.data.provenance
    if site.stale:
        return (
            '!!! warning "The inputs changed since this measurement"\n'
            f"    The Dockerfiles, service or pipeline now hash to `{site.current_inputs_hash}`, "
            f"the data was measured at `{origin.inputs_hash}`: run {_refresh()} to refresh it.\n\n"
        )
    if site.stale is None:
        return (
            '!!! note "Staleness not checked"\n'
            "    The repository's inputs hash could not be computed in this build.\n\n"
        )
    return ""


def _refresh() -> str:
    """The command that re-measures the project: this repository's make target, else the CLI's."""
    if ROOT == REPO_ROOT:
        return "`make measure`"
    return code(f"labreport measure --project {ROOT}")


def _failures(build: Build) -> str:
    """Each failure with its escaped error and, folded under it, the last lines its step printed."""
    failures = build.data.failures
    if not failures:
        return ""
    lines = [f'!!! danger "{len(failures)} measurement failure(s): some figures are missing"', ""]
    for failure in failures:
        where = f" ({code(failure.variant)})" if failure.variant else ""
        lines += [f"    **{text(failure.phase)}**{where}: {text(failure.error)}", ""]
        if failure.output_tail:
            lines += [f'    ??? failure "The last {len(failure.output_tail)} lines it printed"', ""]
            lines += fenced("\n".join(failure.output_tail), indent="        ").splitlines()
            lines.append("")
    return "\n".join(lines) + "\n"
