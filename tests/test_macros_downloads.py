"""The site's downloads: every CSV read back with the csv module and compared, row by row, with the
data it was made from (tests/records.py's fake run, with BuildKit's six builds beside the legacy
three), and the data file published byte for byte.

Each cell is parsed back into a value (int, float, bool, None for an empty cell) and compared with
the schema's field, so a column that drifts, a row that goes missing or a value that is rounded or
formatted on the way turns a test red.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from labreport.contract.schema import Measurements
from labreport.report import derive
from labreport.report.claims import budgets, claimsfile
from labreport.report.claims.ledger import ledger
from labreport.report.figures import FIGURES
from labreport.report.macros import downloads
from labreport.report.site import build as sitebuild
from records import fake_measurements, with_base_source, with_buildkit, write_data

Row = dict[str, str]


def _data() -> Measurements:
    """The fake run, with a cell the csv module must quote (a comma, a quote) and a Docker Hub ref."""
    data = with_buildkit(fake_measurements())
    probes = [
        data.probes[0].model_copy(update={"spec_problems": ['GET / lacks "service", name', "no uptime"]})
    ]
    publish = [data.publish[0].model_copy(update={"docker_hub": "example/devops-info-service:alpine"})]
    return data.model_copy(update={"probes": probes + data.probes[1:], "publish": publish + data.publish[1:]})


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[Measurements, Path]]:
    """A site build's state for `downloads.files()`: the data on disk and its ledger; no figures."""
    data = _data()
    path = write_data(data, tmp_path / "measurements.json")
    site = sitebuild.SiteData(path=path, data=data, current_inputs_hash=None, stale=None)
    build = sitebuild.Build(site=site, status=None, figures=None)  # type: ignore[arg-type]
    with sitebuild.using(build):
        yield data, path


def _rows(name: str) -> list[Row]:
    """The published CSV `name`, read back as the csv module reads it."""
    text = downloads.files()[f"data/{name}.csv"].decode()
    return list(csv.DictReader(io.StringIO(text)))


def _int(cell: str) -> int | None:
    return None if cell == "" else int(cell)


def _float(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def _bool(cell: str) -> bool | None:
    return {"True": True, "False": False, "": None}[cell]


def _text(cell: str) -> str | None:
    return None if cell == "" else cell


def _same_rows(rows: list[Row], records: list[Any], read: Callable[[Row], tuple[Any, ...]],
               fields: Callable[[Any], tuple[Any, ...]]) -> None:  # fmt: skip
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert read(row) == fields(record), row


def test_every_csv_the_site_publishes_is_tested_here() -> None:
    assert set(downloads.TABLES) == set(CHECKED)


def test_the_data_file_is_published_byte_for_byte(published: tuple[Measurements, Path]) -> None:
    _, path = published
    files = downloads.files()
    drawn = {f"data/figures/{name}.json" for name in FIGURES}
    expected = {"data/measurements.json", "data/claims.toml", "data/budgets.toml"}
    expected |= {f"data/{name}.csv" for name in CHECKED}
    assert set(files) == {*expected, *drawn}
    assert files["data/measurements.json"] == path.read_bytes()
    # The claims the ledger judged, as they are: the report's values' witness on the site.
    assert files["data/claims.toml"] == claimsfile.current().path.read_bytes()
    assert files["data/budgets.toml"] == budgets.BUDGETS_FILE.read_bytes()
    assert downloads.data_sha256() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_figure_publishes_the_values_its_drawing_read(published: tuple[Measurements, Path]) -> None:
    data, _ = published
    files = downloads.files()
    final = derive.variant_image(data, derive.PRIMARY)
    assert final is not None
    for name, (payload, _) in FIGURES.items():
        assert json.loads(files[f"data/figures/{name}.json"]) == json.loads(json.dumps(payload(data))), name
    # The sizes figure's file holds the final image's size as the data file has it.
    assert str(final.size) in files["data/figures/sizes.json"].decode()


def check_sizes(data: Measurements) -> None:
    rows = _rows("sizes")
    _same_rows(
        rows, data.images,
        lambda r: (r["image"], r["role"], _text(r["variant"]), r["image_id"], int(r["size_bytes"]),
                   _int(r["compressed_bytes"]), _bool(r["on_standin"])),
        lambda i: (i.ref, i.role, i.variant, i.image_id, i.size, i.compressed_size,
                   derive.resting_on_standin(data, i)),
    )  # fmt: skip
    # In the fake run every base is a stand-in: every image rests on one but scratch, which has none.
    assert [r["variant"] for r in rows if r["on_standin"] == "False"] == ["scratch"]


def check_builds(data: Measurements) -> None:
    rows = _rows("builds")
    whole = [r for r in rows if r["instruction"] == "whole build"]
    keys = [(r["variant"], r["builder"], r["build"]) for r in whole]
    assert keys == [
        ("alpine", "legacy", "cold"),
        ("alpine", "legacy", "cached"),
        ("alpine", "legacy", "code_change"),
        ("alpine", "buildkit", "cold"),
        ("alpine", "buildkit", "cached"),
        ("alpine", "buildkit", "code_change"),
        ("cache-mount", "buildkit", "cold"),
        ("cache-mount", "buildkit", "cached"),
        ("cache-mount", "buildkit", "code_change"),
    ]
    # records.with_buildkit's figures: BuildKit's cold build 14.7 s, the cache-mount change 0.77 s.
    assert float(whole[3]["median_seconds"]) == 14.7
    assert float(whole[8]["median_seconds"]) == 0.77
    _same_rows(
        whole, data.builds,
        lambda r: (r["variant"], r["builder"], r["build"], r["step"], r["cached"],
                   float(r["median_seconds"]), float(r["min_seconds"]), float(r["max_seconds"])),
        lambda b: (b.variant, b.builder, b.kind, "", "", b.total.median, b.total.min, b.total.max),
    )  # fmt: skip
    steps = [r for r in rows if r["instruction"] != "whole build"]
    _same_rows(
        steps, [(b, s) for b in data.builds for s in b.steps],
        lambda r: (r["variant"], r["builder"], r["build"], int(r["step"]), r["instruction"],
                   _bool(r["cached"]), float(r["median_seconds"]), float(r["min_seconds"]),
                   float(r["max_seconds"])),
        lambda bs: (bs[0].variant, bs[0].builder, bs[0].kind, bs[1].number, bs[1].instruction,
                    bs[1].cached, bs[1].seconds.median, bs[1].seconds.min, bs[1].seconds.max),
    )  # fmt: skip


def check_probes(data: Measurements) -> None:
    _same_rows(
        _rows("probes"), data.probes,
        lambda r: (r["variant"], _bool(r["started"]), _float(r["seconds_to_healthy"]), _int(r["process_uid"]),
                   _text(r["healthcheck_status"]), _int(r["memory_bytes"]), _float(r["stop_seconds"]),
                   _int(r["exit_code"]), r["spec_problems"].split("; ") if r["spec_problems"] else []),
        lambda p: (p.variant, p.started, p.seconds_to_healthy, p.process_uid, p.healthcheck_status,
                   p.memory_bytes, p.stop_seconds, p.exit_code, p.spec_problems),
    )  # fmt: skip
    assert _rows("probes")[0]["spec_problems"] == 'GET / lacks "service", name; no uptime'


def check_surfaces(data: Measurements) -> None:
    _same_rows(
        _rows("surfaces"), data.surfaces,
        lambda r: (r["variant"], int(r["packages"]), int(r["files"]), _bool(r["has_shell"]),
                   _bool(r["has_package_manager"]), _bool(r["has_compiler"]), _bool(r["has_ca_bundle"]),
                   _bool(r["has_tzdata"]), r["user"], r["setuid_files"].split()),
        lambda s: (s.variant, s.packages, s.files, s.has_shell, s.has_package_manager, s.has_compiler,
                   s.has_ca_bundle, s.has_tzdata, s.user, s.setuid_files),
    )  # fmt: skip


def check_publish(data: Measurements) -> None:
    _same_rows(
        _rows("publish"), data.publish,
        lambda r: (r["variant"], r["pushed_ref"], r["digest"], int(r["manifest_bytes"]),
                   float(r["pull_median_seconds"]), float(r["pull_min_seconds"]),
                   float(r["pull_max_seconds"]), _text(r["docker_hub"])),
        lambda p: (p.variant, p.pushed_ref, p.digest, p.compressed_size, p.pull_seconds.median,
                   p.pull_seconds.min, p.pull_seconds.max, p.docker_hub),
    )  # fmt: skip


def check_ledger(data: Measurements) -> None:
    claims = ledger(data)
    assert claims, "the fake run judges the report's claims"
    _same_rows(
        _rows("ledger"), claims,
        lambda r: (r["key"], r["claim"], r["report_says"], r["measured"], r["tolerance"], r["verdict"],
                   _float(r["difference"]), _bool(r["on_standin"]), r["note"], r["page"]),
        lambda c: (c.key, c.topic, c.claimed, c.measured, c.tolerance, c.verdict, c.difference, c.standin,
                   c.note, c.page),
    )  # fmt: skip


#: Every published table and the test that reads it back.
CHECKED: dict[str, Callable[[Measurements], None]] = {
    "sizes": check_sizes,
    "builds": check_builds,
    "probes": check_probes,
    "surfaces": check_surfaces,
    "publish": check_publish,
    "ledger": check_ledger,
}


@pytest.mark.parametrize("name", sorted(CHECKED))
def test_the_csv_reads_back_as_the_data(published: tuple[Measurements, Path], name: str) -> None:
    data, _ = published
    CHECKED[name](data)


def test_on_standin_follows_the_bases(
    published: tuple[Measurements, Path],
) -> None:
    """With every base pulled, no image rests on a stand-in: the column turns False throughout."""
    data, path = published
    pulled = with_base_source(data, "pulled")
    site = sitebuild.SiteData(path=path, data=pulled, current_inputs_hash=None, stale=None)
    with sitebuild.using(sitebuild.Build(site=site, status=None, figures=None)):  # type: ignore[arg-type]
        assert {r["on_standin"] for r in _rows("sizes")} == {"False"}
