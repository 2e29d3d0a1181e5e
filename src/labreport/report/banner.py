"""The admonitions every page starts with: where its numbers come from and how far to trust them.

Provenance (when, where, from which commit, which base images are stand-ins), then a measurement
running in the background or the one that last failed, staleness, and the failures the data
records. The hooks put it on every page in `on_page_markdown`.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from labreport.report.derive import standins
from labreport.report.markup import cell
from labreport.report.sitebuild import Build
from labreport.status import MeasureStatus


def page_banner(build: Build) -> str:
    return (
        _provenance(build)
        + _background_measurement(build.status, build.data.provenance.measured_at)
        + _staleness(build)
        + _failures(build)
    )


def _provenance(build: Build) -> str:
    site = build.site
    data, origin = site.data, site.data.provenance
    engine = origin.engine
    replaced = standins(data)
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
    return f'??? abstract "{title}"\n' + "".join(f"    {line}\n" if line else "\n" for line in body) + "\n"


def _outside_text(text: str) -> str:
    """Text written by another process, made safe to put in an admonition: escaped, on one line."""
    return " ".join(html.escape(text).split())


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _background_measurement(status: MeasureStatus | None, measured_at: datetime) -> str:
    if status is None or status.state == "done":
        return ""
    summary = _outside_text(status.summary())
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
        f"    It stopped in phase {_outside_text(status.phase)}: {summary}. "
        f"The figures below are the previous ones, measured {measured_at:%Y-%m-%d %H:%M} UTC.\n\n"
    )


def _staleness(build: Build) -> str:
    site, origin = build.site, build.data.provenance
    if site.stale:
        return (
            '!!! warning "The inputs changed since this measurement"\n'
            f"    The Dockerfiles, service or pipeline now hash to `{site.current_inputs_hash}`, "
            f"the data was measured at `{origin.inputs_hash}`: run `make measure` to refresh it.\n\n"
        )
    if site.stale is None:
        return (
            '!!! note "Staleness not checked"\n'
            "    The repository's inputs hash could not be computed in this build.\n\n"
        )
    return ""


def _failures(build: Build) -> str:
    failures = build.data.failures
    if not failures:
        return ""
    return (
        f'!!! danger "{len(failures)} measurement failure(s): some figures are missing"\n'
        + "".join(
            f"    - **{f.phase}**{f' ({f.variant})' if f.variant else ''}: {cell(f.error)}\n"
            for f in failures
        )
        + "\n"
    )
