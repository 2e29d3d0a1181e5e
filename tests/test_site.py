"""The site builds from a data file alone, shows only measured figures, and fails loudly."""

from __future__ import annotations

import filecmp
import html as htmllib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from labreport.contract.schema import Failure
from labreport.report.claims.ledger import ledger
from records import (
    HOSTILE,
    fake_measurements,
    hostile,
    with_base_source,
    with_failures,
    with_variant_size,
    write_data,
)
from site_fixtures import REPO, build_site, visible

pytestmark = pytest.mark.site

DOCS = REPO / "docs"
# A digit followed by a unit, outside `{{ }}` and `{% %}`: a figure typed by hand.
UNIT = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:B|kB|KB|MB|MiB|GB|GiB|ms|s|%|x)(?![\w])")


#: A fixed build date: `built` is also the first of the two builds compared byte for byte.
REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "1764300000"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built")
    data = write_data(fake_measurements(), root / "measurements.json")
    result = build_site(data, root / "site", env=REPRODUCIBLE)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def built_pulled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data with every base pulled, not a stand-in: what a runner that reaches Docker Hub shows."""
    root = tmp_path_factory.mktemp("built-pulled")
    data = with_base_source(fake_measurements(), "pulled")
    result = build_site(write_data(data, root / "measurements.json"), root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def text(site: Path, page: str) -> str:
    return (
        (site / page / "index.html").read_text(encoding="utf-8")
        if page
        else (site / "index.html").read_text(encoding="utf-8")
    )


def test_builds_strict_from_data_alone_with_figures_in_both_themes(built: Path) -> None:
    from labreport.report.site import rendering

    figures = sorted(path.name for path in (built / "figures").glob("*.svg"))
    # Every figure in light and dark: nothing missing, nothing stray.
    assert figures == sorted(Path(path).name for path in rendering.paths())
    assert {name.split("-")[-1].removesuffix(".svg") for name in figures} == {"light", "dark"}
    assert all("Date" not in (built / "figures" / f).read_text() for f in figures)
    for page in (
        "",
        "sizes",
        "layers",
        "build",
        "testing",
        "publishing",
        "alternatives",
        "challenges",
        "conclusion",
        "ledger",
        "security",
        "why-it-matters",
        "why-multi-stage",
        "dockerfile",
    ):
        html = text(built, page)
        assert "Measured 2026-11-28 03:10 UTC" in html, page  # provenance banner on every page
        assert "stand-ins" in html, page


def test_real_files_are_included_by_snippets(built: Path) -> None:
    html = re.sub(r"<[^>]+>", "", text(built, "dockerfile"))
    assert "RUN chown -R appuser:appuser /app" in html  # variants/as-reported.Dockerfile
    assert "-X main.version=" in html  # the top-level Dockerfile


def test_pages_show_the_data_not_typed_numbers(tmp_path: Path, built: Path) -> None:
    data = fake_measurements()
    changed = with_variant_size(data, "alpine", 12_345_678)
    result = build_site(write_data(changed, tmp_path / "m.json"), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "8.15 MB" in text(built, "sizes") and "8.15 MB" not in text(tmp_path / "site", "sizes")
    assert "12.3 MB" in text(tmp_path / "site", "sizes") and "12.3 MB" in text(tmp_path / "site", "")
    old = (built / "figures" / "sizes-light.svg").read_bytes()
    assert (tmp_path / "site" / "figures" / "sizes-light.svg").read_bytes() != old
    unchanged = (built / "figures" / "pulls-dark.svg").read_bytes()
    assert (tmp_path / "site" / "figures" / "pulls-dark.svg").read_bytes() == unchanged


def test_warnings_for_failures_and_stale_inputs(tmp_path: Path) -> None:
    tail = ["./main.go:12:2: undefined: handler", "FAIL"]
    failure = Failure(phase="probe", variant="scratch", error="timed out", output_tail=tail)
    data = with_failures(fake_measurements(), failure)
    data = data.model_copy(update={"provenance": data.provenance.model_copy(update={"inputs_hash": "old"})})
    result = build_site(write_data(data, tmp_path / "m.json"), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for page in ("", "sizes", "ledger"):
        html = text(tmp_path / "site", page)
        assert "measurement failure(s)" in html and "timed out" in html
        folded = html[html.index('<details class="failure"') :]
        assert (
            "The last 2 lines it printed" in folded
            and "undefined: handler" in folded[: folded.index("</details>")]
        )
        assert "The inputs changed since this measurement" in html


def test_real_verdicts_when_bases_were_pulled(built_pulled: Path) -> None:
    html = text(built_pulled, "ledger")
    assert html.count("verdict-stand-in") == 1  # the summary's row, with a count of 0
    assert "stand-ins" not in html


def _docs_copy(tmp_path: Path, page: str, extra: str) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    (docs / page).write_text((docs / page).read_text(encoding="utf-8") + extra, encoding="utf-8")
    return docs


@pytest.mark.parametrize(
    "extra",
    [
        "\n{{ final_image_size }}\n",
        '\n{{ image_size("alpine-typo") }}\n',
        '\n{{ claim("no-such-claim") }}\n',
        '\n{{ figure("nope", "c", "a") }}\n',
    ],
)
def test_an_undefined_name_fails_the_build(tmp_path: Path, extra: str) -> None:
    data = write_data(fake_measurements(), tmp_path / "m.json")
    result = build_site(data, tmp_path / "site", docs=_docs_copy(tmp_path, "sizes.md", extra))
    assert result.returncode != 0
    assert "sizes.md" in result.stderr or "alpine-typo" in result.stderr or "nope" in result.stderr


def test_the_unmodified_docs_copy_builds(tmp_path: Path) -> None:
    data = write_data(fake_measurements(), tmp_path / "m.json")
    result = build_site(data, tmp_path / "site", docs=_docs_copy(tmp_path, "sizes.md", "\n"))
    assert result.returncode == 0, result.stderr


def test_no_figure_typed_by_hand_in_docs() -> None:
    hits = []
    for path in sorted(DOCS.glob("**/*.md")):
        fenced = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                continue
            if fenced:
                continue
            bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", line)
            hits += [f"{path.name}:{number}: {match.group(0)!r}" for match in UNIT.finditer(bare)]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{", "not JSON"),
        (None, "field provenance.engine.cpus"),
    ],
)
def test_corrupt_data_gives_one_line_naming_file_and_field(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "broken.json"
    if content is None:
        raw = json.loads(fake_measurements().model_dump_json())
        del raw["provenance"]["engine"]["cpus"]
        content = json.dumps(raw)
    path.write_text(content, encoding="utf-8")
    result = build_site(path, tmp_path / "site")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and str(path) in errors[0] and expected in errors[0], result.stderr
    assert "Traceback" not in result.stderr


def test_missing_data_file_fails_naming_it(tmp_path: Path) -> None:
    result = build_site(tmp_path / "absent.json", tmp_path / "site")
    assert result.returncode != 0 and "absent.json: missing" in result.stderr


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    result = build_site(built.parent / "measurements.json", tmp_path / "again", env=REPRODUCIBLE)
    assert result.returncode == 0, result.stderr
    differences = _tree_differences(filecmp.dircmp(built, tmp_path / "again"))
    assert not differences, differences


def _tree_differences(comparison: filecmp.dircmp[str]) -> list[str]:
    found = [*comparison.left_only, *comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    found += [f"{comparison.left}/{name}" for name in (*mismatch, *errors)]
    for sub in comparison.subdirs.values():
        found += _tree_differences(sub)
    return found


def test_ledger_page_lists_every_claim(built: Path) -> None:
    html = text(built, "ledger")
    for claim in ledger(fake_measurements()):
        assert claim.claimed.replace("“", "&ldquo;")[:6] in html or claim.claimed[:6] in html
    assert html.count('class="verdict verdict-') >= len(ledger(fake_measurements()))


class _Cells(HTMLParser):
    """The text of every table cell of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._depth += 1
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.cells[-1] += data


@pytest.mark.parametrize("keep", [(), ("variant", "ref", "requested")], ids=["every-string", "names-kept"])
def test_hostile_text_in_every_field_stays_text(tmp_path: Path, keep: tuple[str, ...]) -> None:
    """Every string of the data (names too, or names kept so the ledger and prose macros find their
    records) holds markup, pipes, backticks and Jinja: the site builds strictly and shows it as text."""
    failure = Failure(phase="build", variant="alpine", error="e", output_tail=["go: error", "FAIL"])
    data = hostile(with_failures(fake_measurements(), failure), keep)
    result = build_site(write_data(data, tmp_path / "m.json"), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    shown = 0
    for path in site.rglob("*"):
        # The published data files are the data itself, byte for byte, served as JSON and CSV:
        # a browser never renders them as a page.
        if path.suffix not in (".html", ".svg", ".json") or site / "data" in path.parents:
            continue
        content = path.read_text(encoding="utf-8")
        assert "<img src=x" not in content, path  # no element from the data, in pages, figures, index
        assert "<script>alert" not in content, path
        assert 'href="javascript:' not in content, path
        if path.suffix == ".html":
            parser = _Cells()
            parser.feed(content)
            for cell in parser.cells:
                if "onerror" in cell:  # a cell holding the data's text holds all of it: no pipe split it
                    whole = " ".join(htmllib.unescape(cell).split())
                    # ... or is cut on purpose (a digest, a long instruction), with an ellipsis.
                    cut = any(whole.endswith(HOSTILE[:n] + "…") for n in range(1, len(HOSTILE)))
                    assert HOSTILE in whole or cut, (path, cell)
                    shown += HOSTILE in whole
    assert shown > 10
    home = text(site, "")
    assert '<details class="failure"' in home and "&lt;img src=x" in home


def _row(html: str, start: str) -> str:
    """The table row of `html` whose first cell begins with `start`."""
    at = html.index(f"<td>{start}")
    return html[at : html.index("</tr>", at)]


def _rows(html: str, start: str) -> list[str]:
    """Every table row of `html` whose first cell begins with `start` (a table split in two)."""
    starts = [match.start() for match in re.finditer(re.escape(f"<td>{start}"), html)]
    return [html[at : html.index("</tr>", at)] for at in starts]


def test_values_resting_on_a_stand_in_are_marked_where_they_appear(built: Path, built_pulled: Path) -> None:
    # The fake alpine scan has no package manager: true of the stand-in only, so the cell says so.
    rows = _rows(text(built, "security"), "<code>alpine</code>")
    # The security table comes in two parts, each naming the image with its mark; beyond those, its
    # packages and its package manager are marked.
    assert len(rows) == 2
    assert sum(row.count('class="standin-mark"') for row in rows) == 2 + 2
    assert _row(text(built, "security"), "<code>scratch</code>").count("standin-mark") == 0  # no base
    assert "alpine:3.19 (stand-in)" in (built / "figures" / "sizes-light.svg").read_text(encoding="utf-8")
    assert 'class="standin-mark"' in _row(text(built, ""), "final image (")
    assert "standin-mark" not in text(built_pulled, "security")
    assert "(stand-in)" not in (built_pulled / "figures" / "sizes-light.svg").read_text(encoding="utf-8")


def test_home_page_download_is_the_registry_manifest_with_the_gzip_estimate(tmp_path: Path) -> None:
    data = fake_measurements()
    pushed = [
        p.model_copy(update={"compressed_size": 4_280_000}) if p.variant == "alpine" else p
        for p in data.publish
    ]
    result = build_site(
        write_data(data.model_copy(update={"publish": pushed}), tmp_path / "m.json"), tmp_path / "site"
    )
    assert result.returncode == 0, result.stderr
    # The fake alpine image's local gzip sum: int(8,146,571 x 0.42) = 3,421,559 B.
    row = _row(text(tmp_path / "site", ""), "final image, what a pull downloads")
    assert "4.28 MB (registry manifest; local gzip estimate 3.42 MB)" in visible(row)
