"""What the site publishes beside its pages, and the page macros that link to it: the data file
the site was built from, a CSV per main table (`{{ download("sizes") }}` under its table), and each
figure, its two SVGs and the values it was drawn from (`{{ figure(...) }}`).

The plugin adds these files in `on_files` as generated files (never written into `docs/`). The CSVs
hold raw numbers (bytes, seconds) rather than the tables' formatted text, so a reader can compute
with them. A page macro is handed the calling page, as its links are relative to it.
"""

from __future__ import annotations

import csv
import hashlib
import html
import inspect
import io
import json
import posixpath
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

from labreport.contract.schema import Measurements, Spread
from labreport.report import derive, evidence, popover
from labreport.report.claims import budgets, claimsfile
from labreport.report.figures import FIGURES
from labreport.report.macros.registry import page_macro
from labreport.report.site import build as sitebuild
from labreport.report.site.rendering import THEMES

#: Where the site serves the exact data file it was built from.
DATA_PATH = "data/measurements.json"


def data_bytes() -> bytes:
    """The data file as it is on disk: what the site publishes, byte for byte."""
    return sitebuild.current().site.path.read_bytes()


def data_sha256() -> str:
    return hashlib.sha256(data_bytes()).hexdigest()


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue()


def _sizes(data: Measurements) -> str:
    rows = [
        (
            i.ref,
            i.role,
            i.variant or "",
            i.image_id,
            i.size,
            i.compressed_size,
            derive.resting_on_standin(data, i),
        )
        for i in data.images
    ]
    header = ("image", "role", "variant", "image_id", "size_bytes", "compressed_bytes", "on_standin")
    return _csv(header, rows)


def _builds(data: Measurements) -> str:
    """A row per step and one per whole build. A build is its variant (a Dockerfile), its builder and
    its kind: "cold" alone names three builds (legacy, BuildKit, BuildKit with cache mounts)."""
    rows: list[tuple[object, ...]] = [
        (b.variant, b.builder, b.kind, s.number, s.instruction, s.cached, *_seconds(s.seconds))
        for b in data.builds
        for s in b.steps
    ]
    rows += [(b.variant, b.builder, b.kind, "", "whole build", "", *_seconds(b.total)) for b in data.builds]
    header = ("variant", "builder", "build", "step", "instruction", "cached")
    return _csv((*header, "median_seconds", "min_seconds", "max_seconds"), rows)


def _seconds(spread: Spread) -> tuple[float, float, float]:
    return spread.median, spread.min, spread.max


def _probes(data: Measurements) -> str:
    fields = (
        "variant",
        "started",
        "seconds_to_healthy",
        "process_uid",
        "healthcheck_status",
        "memory_bytes",
        "stop_seconds",
        "exit_code",
    )
    rows = [[getattr(p, field) for field in fields] + ["; ".join(p.spec_problems)] for p in data.probes]
    return _csv((*fields, "spec_problems"), rows)


def _surfaces(data: Measurements) -> str:
    fields = (
        "variant",
        "packages",
        "files",
        "has_shell",
        "has_package_manager",
        "has_compiler",
        "has_ca_bundle",
        "has_tzdata",
        "user",
    )
    rows = [[getattr(s, field) for field in fields] + [" ".join(s.setuid_files)] for s in data.surfaces]
    return _csv((*fields, "setuid_files"), rows)


def _publish(data: Measurements) -> str:
    rows = [
        (
            p.variant,
            p.pushed_ref,
            p.digest,
            p.compressed_size,
            p.pull_seconds.median,
            p.pull_seconds.min,
            p.pull_seconds.max,
            p.docker_hub or "",
        )
        for p in data.publish
    ]
    header = (
        "variant",
        "pushed_ref",
        "digest",
        "manifest_bytes",
        "pull_median_seconds",
        "pull_min_seconds",
        "pull_max_seconds",
        "docker_hub",
    )
    return _csv(header, rows)


def _ledger(_: Measurements) -> str:
    rows = [
        (
            c.key,
            c.topic,
            c.claimed,
            c.measured,
            c.tolerance,
            c.verdict,
            c.difference,
            c.standin,
            c.note,
            c.page,
        )
        for c in sitebuild.current().ledger
    ]
    header = (
        "key",
        "claim",
        "report_says",
        "measured",
        "tolerance",
        "verdict",
        "difference",
        "on_standin",
        "note",
        "page",
    )
    return _csv(header, rows)


#: The main tables, as CSV: name -> maker. `data/<name>.csv` in the site.
TABLES: dict[str, Callable[[Measurements], str]] = {
    "sizes": _sizes,
    "builds": _builds,
    "probes": _probes,
    "surfaces": _surfaces,
    "publish": _publish,
    "ledger": _ledger,
}


def files() -> dict[str, bytes]:
    """Every downloadable file, by its path in the site."""
    data = sitebuild.current().data
    made = {f"data/{name}.csv": make(data).encode() for name, make in TABLES.items()}
    # Each figure's input: exactly the values its drawing reads (the figure's memo is keyed by it).
    drawn = {
        f"data/figures/{name}.json": (json.dumps(payload(data), indent=1, sort_keys=True) + "\n").encode()
        for name, (payload, _) in FIGURES.items()
    }
    # The claims the ledger judges, as the report's values' witness (`evidence.claimed`).
    claims = {evidence.CLAIMS_PATH: claimsfile.current().path.read_bytes()}
    if budgets.BUDGETS_FILE.exists():  # the budgets' words and limits the conclusion shows
        claims[popover.BUDGETS_PATH] = budgets.BUDGETS_FILE.read_bytes()
    return {DATA_PATH: data_bytes(), **made, **drawn, **claims}


@page_macro
def download(page_uri: str, name: str) -> str:
    """A link to the CSV of table `name`, for the line under it."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    link = site_link(page_uri, f"data/{name}.csv")
    return f'<p class="download">Download this table: <a href="{link}" download>{name}.csv</a> (CSV)</p>\n'


def site_link(page_uri: str, target: str) -> str:
    """`target` (a path in the built site) relative to the page built from `page_uri`, for raw HTML,
    which MkDocs does not rewrite. Every page is a directory (`use_directory_urls`)."""
    stem = posixpath.splitext(page_uri)[0]
    folder = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem
    return posixpath.relpath(target, folder or ".")


@page_macro
def figure(page_uri: str, name: str, caption: str, alt: str) -> str:
    """Figure `name` in both palettes, numbered per page, with its caption and alt text. The
    palette's CSS shows one of the two."""
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}")
    number = sitebuild.current().next_figure_number(page_uri)

    images = "\n".join(
        f'  <img class="figure-{theme}" src="{site_link(page_uri, f"figures/{name}-{theme}.svg")}"'
        f' alt="{html.escape(alt)}">'
        for theme in THEMES
    )
    return (
        f'<figure id="figure-{name}">\n{images}\n'
        f"  <figcaption>Figure {number}: {html.escape(caption)}</figcaption>\n</figure>\n"
        f"{making(page_uri, name)}"
    )


def making(page_uri: str, name: str) -> str:
    """The line under a figure: the values it was drawn from (published as data/figures/NAME.json)
    and the function that drew it, linked at the measured commit under `repo_url`."""
    draw = FIGURES[name][1]
    path = f"src/{draw.__module__.replace('.', '/')}.py"
    function = f"{draw.__module__}.{draw.__name__}"
    build = sitebuild.current()
    if build.repo_url:
        line = inspect.getsourcelines(draw)[1]
        commit = build.data.provenance.git_commit
        # The commit is read from the data file: quoted, it cannot leave the link's path.
        source = html.escape(f"{build.repo_url}/blob/{quote(commit, safe='')}/{path}#L{line}")
        drawn = f'<a href="{source}"><code>{function}</code></a>'
    else:
        drawn = f"<code>{function}</code>"
    data = site_link(page_uri, f"data/figures/{name}.json")
    return (
        f'<p class="download figure-making">Drawn from <a href="{data}" download>{name}.json</a> '
        f"(the values the drawing read, from measurements.json) by {drawn}</p>\n"
    )
