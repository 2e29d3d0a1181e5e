"""The build page's macros over BuildKit and legacy timings, and the derive look-ups they stand on."""

from __future__ import annotations

import pytest

from labreport.contract.schema import Measurements
from labreport.report import derive, evidence
from labreport.report.macros import builds as build_macros
from records import fake_measurements, with_buildkit
from site_fixtures import visible


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch) -> Measurements:
    measured = with_buildkit(fake_measurements())
    monkeypatch.setattr(build_macros, "_data", lambda: measured)
    monkeypatch.setattr(evidence, "_data", lambda: measured)
    return measured


def test_claims_read_the_builder_of_record_buildkit_and_legacy_data_keeps_the_legacy_builder() -> None:
    legacy_only = fake_measurements()
    assert derive.builder_of_record(legacy_only) == "legacy"
    legacy_cold = derive.build(legacy_only, "cold")
    assert legacy_cold is not None and legacy_cold.builder == "legacy"
    both = with_buildkit(legacy_only)
    cold = derive.build(both, "cold")
    assert cold is not None and cold.builder == "buildkit" and cold.total.median == 14.7
    assert derive.build(both, "cold", builder="legacy") == legacy_cold
    assert derive.build(both, "code_change", "cache-mount", "buildkit") is not None


def test_an_unknown_builder_or_variant_fails_the_build() -> None:
    with pytest.raises(derive.UnknownMeasurement, match="builder"):
        derive.build(fake_measurements(), "cold", builder="kaniko")
    with pytest.raises(derive.UnknownMeasurement, match="variant"):
        derive.build(fake_measurements(), "cold", "cache-mounts")


def test_builders_table_puts_the_three_columns_side_by_side(data: Measurements) -> None:
    table = visible(build_macros.builders_table())
    header, _, *rows = table.strip().splitlines()
    assert "legacy builder" in header and "BuildKit + cache mounts" in header
    change = next(row for row in rows if row.startswith("| code change"))
    cells = [cell.strip() for cell in change.strip("|").split("|")]
    assert (
        cells[2] == "13.3 s (12.6\u00a0s \u2013 14.6\u00a0s)"
        and cells[3] == "770 ms (731\u00a0ms \u2013 847\u00a0ms)"
    )
    assert "not measured" not in cells[1]


def test_base_pulls_says_the_bases_were_local_offline_and_gives_the_pull_time_where_measured(
    data: Measurements, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "already on the engine" in build_macros.base_pulls()
    from records import spread

    builds = [
        build.model_copy(update={"base_pull_seconds": spread(4.0, 5.0, 6.5)})
        if build.builder == "buildkit" and build.kind == "cold" and build.variant == "alpine"
        else build
        for build in data.builds
    ]
    pulled = data.model_copy(update={"builds": builds})
    monkeypatch.setattr(build_macros, "_data", lambda: pulled)
    monkeypatch.setattr(evidence, "_data", lambda: pulled)  # the evidence names the same records
    assert (
        "5.0 s" in visible(build_macros.base_pulls())
        and "pulled into a fresh engine" in build_macros.base_pulls()
    )


def test_rebuild_rows_compare_binary_each_layer_and_image(data: Measurements) -> None:
    rows = derive.rebuild_rows(data)
    assert rows[0].what == derive.REBUILT_BINARY and rows[0].same
    assert rows[-1].what == derive.REBUILT_IMAGE and not rows[-1].same
    layers = rows[1:-1]
    assert [row.same for row in layers] == [True, True, False, False, False, False]
    table = build_macros.rebuild_table()
    assert "**differs**" in table and table.count("| same |") == 3
    assert f"`sha256:{'e' * 16}\u2026`" in table and "e" * 17 not in table  # digests cut for the eye
    assert build_macros.rebuild_verdict().startswith("Built without `SOURCE_DATE_EPOCH`")
    assert "byte for byte the same; 2 of 6 layers are the same; the image ID does not repeat" in (
        build_macros.rebuild_verdict()
    )


def test_a_binary_that_differs_is_said_so(monkeypatch: pytest.MonkeyPatch) -> None:
    differing = with_buildkit(fake_measurements(), binary_repeats=False)
    monkeypatch.setattr(build_macros, "_data", lambda: differing)
    assert "the binary is **not** the same" in build_macros.rebuild_verdict()


def test_without_buildkit_data_the_new_macros_say_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    legacy_only = fake_measurements()
    monkeypatch.setattr(build_macros, "_data", lambda: legacy_only)
    assert derive.rebuild_rows(legacy_only) == []
    assert "not measured" in build_macros.rebuild_table()
    assert "not measured" in build_macros.buildkit_log()
    assert "not measured" in build_macros.base_pulls()
