"""Macros on publishing: what each push stored in the registry, where it went, and how long a pull
of it took, the single-stage image against the primary one.
"""

from __future__ import annotations

from labreport.contract.schema import Measurements
from labreport.contract.variants import SINGLE_STAGE
from labreport.report import derive, units
from labreport.report.evidence import derived, shown, where
from labreport.report.macros.formatting import folded, seconds_range
from labreport.report.macros.images import any_on_standin
from labreport.report.macros.registry import macro
from labreport.report.markup import NOT_MEASURED, clip, code, marked, or_missing, table, text
from labreport.report.site import build as sitebuild


def _data() -> Measurements:
    return sitebuild.current().data


@macro
def pull_time(variant: str) -> str:
    found = derive.publish(_data(), variant)
    if found is None:
        return NOT_MEASURED
    return shown(units.seconds(found.pull_seconds.median), where(found.pull_seconds, "median"))


@macro
def deploy_ratio() -> str:
    factor = derive.deploy_ratio(_data())
    single, primary = derive.publish(_data(), SINGLE_STAGE), derive.publish(_data(), derive.PRIMARY)
    if factor is None or single is None or primary is None:
        return NOT_MEASURED
    inputs = [where(single.pull_seconds, "median"), where(primary.pull_seconds, "median")]
    return marked(
        derived(units.ratio(factor), "ratio", inputs, factor), any_on_standin(derive.PRIMARY, SINGLE_STAGE)
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
    return table(header, rows, "lrrrr") + hub_note + folded("Where each image was pushed", pushed_to)
