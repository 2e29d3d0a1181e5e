"""Look-ups by name and the derived figures (reductions, ratios, savings), over fake measurements."""

from __future__ import annotations

from typing import get_args

import pytest

from labreport import schema
from labreport.report import derive
from labreport.schema import Publish
from records import fake_measurements, spread, with_base_source, with_variant_size


def test_reduction_and_ratio() -> None:
    assert derive.reduction(807, 29.8) == pytest.approx(96.307, abs=1e-3)
    assert derive.reduction(336, 29.8) == pytest.approx(91.131, abs=1e-3)
    assert derive.times(800, 20) == 40
    with pytest.raises(ValueError, match="non-positive"):
        derive.reduction(0, 1)


def test_reductions_compare_final_with_builder_and_both_sdks() -> None:
    data = with_variant_size(fake_measurements(), "alpine", 10_000_000)
    rows = {row.before_ref: row for row in derive.reductions(data)}
    assert set(rows) == {derive.BUILDER, derive.SDK, derive.SDK_ALPINE}
    builder = derive.builder_image(data)
    assert builder is not None
    assert rows[derive.BUILDER].percent == pytest.approx((1 - 10_000_000 / builder.size) * 100)


def test_savings_scale_with_containers() -> None:
    data = with_variant_size(fake_measurements(), "alpine", 29_800_000)
    sdk = derive.image(data, derive.SDK)
    assert sdk is not None
    assert derive.savings(data, 10) == (sdk.size - 29_800_000) * 10
    assert derive.savings(data, 100) == (sdk.size - 29_800_000) * 100


def test_deploy_ratio_is_single_stage_over_alpine_pull_medians() -> None:
    data = fake_measurements()
    publish = [
        p.model_copy(update={"pull_seconds": spread(8.0 if p.variant == "single-stage" else 0.2)})
        for p in data.publish
    ]
    assert derive.deploy_ratio(data.model_copy(update={"publish": publish})) == pytest.approx(40)
    assert derive.deploy_ratio(data.model_copy(update={"publish": []})) is None


def test_strip_saving() -> None:
    data = fake_measurements()
    plain, stripped = derive.binary(data, "default"), derive.binary(data, "stripped")
    assert plain is not None and stripped is not None
    assert derive.strip_saving(data) == pytest.approx((1 - stripped.size / plain.size) * 100)


def test_unknown_names_raise() -> None:
    data = fake_measurements()
    with pytest.raises(derive.UnknownMeasurement):
        derive.variant_image(data, "alpne")
    with pytest.raises(derive.UnknownMeasurement):
        derive.build(data, "warm")


def test_stale() -> None:
    data = fake_measurements()
    assert derive.stale(data, data.provenance.inputs_hash) is False
    assert derive.stale(data, "other") is True
    assert derive.stale(data, None) is None


def test_publish_model_is_what_the_fixture_writes() -> None:
    assert all(isinstance(p, Publish) for p in fake_measurements().publish)


def test_names_come_from_the_variants_and_the_stand_in_recipes() -> None:
    from labreport import variants
    from labreport.measure import standins

    assert tuple(variant.name for variant in variants.VARIANTS) == derive.VARIANTS
    assert derive.PRIMARY == variants.PRIMARY and derive.BUILDER == variants.BUILDER_REF
    assert set(derive.BASES) == set(standins.RECIPES) - {standins.DEBIAN}


def test_build_kinds_and_flavours_are_the_schemas() -> None:
    assert get_args(schema.BuildKind) == derive.BUILD_KINDS
    assert get_args(schema.Flavour) == derive.FLAVOURS


def test_split_base_takes_the_longest_base_and_not_the_image_itself() -> None:
    data = fake_measurements()
    builder = derive.builder_image(data)
    assert builder is not None
    base, own = derive.split_base(data, builder)
    # The builder starts with the alpine layers too, but it was built on the Go image.
    assert base is not None and base.ref == derive.SDK_ALPINE
    assert own[0].instruction == "WORKDIR /src"
    alpine = derive.base_image(data, derive.ALPINE)
    assert alpine is not None
    assert derive.split_base(data, alpine)[0] is None  # a base is not its own base


def test_what_rests_on_a_stand_in() -> None:
    data = fake_measurements()
    assert derive.resting_on_standin(data, derive.variant_image(data, "alpine"))
    assert not derive.resting_on_standin(data, derive.variant_image(data, "scratch"))  # no base
    assert derive.surface_on_standin(data, "builder") and derive.surface_on_standin(data, "alpine")
    pulled = with_base_source(data, "pulled")
    assert not derive.resting_on_standin(pulled, derive.variant_image(pulled, "alpine"))
    assert not derive.surface_on_standin(pulled, "alpine")
