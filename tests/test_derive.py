"""Look-ups by name and the derived figures (reductions, ratios, savings), over fake measurements."""

from __future__ import annotations

from typing import get_args

import pytest

from labreport.contract import schema
from labreport.contract.schema import Publish
from labreport.report import derive
from records import fake_measurements, spread, with_base_source, with_one_base_source, with_variant_size


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
    from labreport.contract import variants
    from labreport.measure import standins

    assert tuple(variant.name for variant in variants.VARIANTS) == derive.VARIANTS
    assert derive.PRIMARY == variants.PRIMARY and derive.BUILDER == variants.BUILDER_REF
    assert all(standins.recipe_for(ref) is not None for ref in derive.BASES)


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


# Fake sizes (tests/records.py): the builder stage 243,656,134 + 47 + 24,576 + 71,234,567 =
# 314,915,324 B; golang:1.25 78,912,345 + 231,456,789 + 241,345,678 = 551,714,812 B;
# golang:1.25-alpine 2,310,456 + 241,345,678 = 243,656,134 B.


def test_reductions_rows_in_full() -> None:
    # Final image set to 10,000,000 B: percent = 100 - 1e9 / before, factor = before / 1e7.
    data = with_variant_size(fake_measurements(), "alpine", 10_000_000)
    rows = derive.reductions(data)
    assert [(row.label, row.before_ref, row.before, row.after) for row in rows] == [
        ("builder stage", derive.BUILDER, 314_915_324, 10_000_000),
        ("Go SDK image", derive.SDK, 551_714_812, 10_000_000),
        ("Go SDK (Alpine) image", derive.SDK_ALPINE, 243_656_134, 10_000_000),
    ]
    # 1e9 / 314,915,324 = 3.1755; 1e9 / 551,714,812 = 1.8125; 1e9 / 243,656,134 = 4.1041
    assert [row.percent for row in rows] == pytest.approx([96.8245, 98.1875, 95.8959], abs=1e-4)
    assert [row.factor for row in rows] == pytest.approx([31.4915324, 55.1714812, 24.3656134])
    assert derive.reductions(fake_measurements(images=[])) == []


def test_figures_need_both_records() -> None:
    data = fake_measurements()
    alpine_only = [p for p in data.publish if p.variant == "alpine"]
    assert derive.deploy_ratio(data.model_copy(update={"publish": alpine_only})) is None
    single_only = [p for p in data.publish if p.variant == "single-stage"]
    assert derive.deploy_ratio(data.model_copy(update={"publish": single_only})) is None
    default_only = [b for b in data.binaries if b.flavour == "default"]
    assert derive.strip_saving(fake_measurements(binaries=default_only)) is None
    stripped_only = [b for b in data.binaries if b.flavour == "stripped"]
    assert derive.strip_saving(fake_measurements(binaries=stripped_only)) is None
    without_sdk = [item for item in data.images if item.ref != derive.SDK]
    assert derive.savings(fake_measurements(images=without_sdk), 10) is None
    without_final = [item for item in data.images if item.variant != derive.PRIMARY]
    assert derive.savings(fake_measurements(images=without_final), 10) is None


def test_strip_saving_by_hand() -> None:
    # 1 - 5,611,704 / 8,159,402 = 1 - 0.68776 = 31.224 %
    assert derive.strip_saving(fake_measurements()) == pytest.approx(31.2241, abs=1e-4)


def test_derived_figures_refuse_a_non_positive_base_only() -> None:
    assert derive.reduction(1, 0.5) == 50.0  # a one-unit size is still a size
    assert derive.times(3, 1) == 3.0
    with pytest.raises(ValueError, match="ratio to a non-positive value 0"):
        derive.times(3, 0)
    with pytest.raises(ValueError, match="reduction from a non-positive size -1"):
        derive.reduction(-1, 1)


def test_unknown_names_say_what_and_list_the_known_ones() -> None:
    data = fake_measurements()
    known_variants = ", ".join(derive.VARIANTS)
    for look_up in (derive.variant_image, derive.probe, derive.publish):
        with pytest.raises(derive.UnknownMeasurement) as raised:
            look_up(data, "alpne")
        assert raised.value.args == (f"unknown variant 'alpne'; known: {known_variants}",)
    with pytest.raises(derive.UnknownMeasurement) as raised:
        derive.surface(data, "alpne")
    assert raised.value.args == (f"unknown variant 'alpne'; known: {known_variants}, builder",)
    bases = ", ".join(derive.BASES)  # golang:1.25, golang:1.25-alpine, alpine:3.19, gcr.io/distroless/...
    for base_look_up in (derive.base_image, derive.base_provenance):
        with pytest.raises(derive.UnknownMeasurement) as raised:
            base_look_up(data, "alpine:3.18")
        assert raised.value.args == (f"unknown base image 'alpine:3.18'; known: {bases}",)
    with pytest.raises(derive.UnknownMeasurement) as raised:
        derive.build(data, "warm")
    assert raised.value.args == ("unknown build kind 'warm'; known: cold, cached, code_change",)
    with pytest.raises(derive.UnknownMeasurement) as raised:
        derive.binary(data, "fat")
    assert raised.value.args == (
        "unknown binary flavour 'fat'; known: default, stripped, stripped_trimpath, cgo",
    )


def test_look_ups_find_the_named_record_or_none() -> None:
    data = fake_measurements()
    empty = fake_measurements(images=[], builds=[], publish=[])
    assert derive.image(empty, derive.SDK) is None
    assert derive.variant_image(empty, "alpine") is None
    assert derive.base_image(empty, derive.ALPINE) is None
    assert derive.builder_image(empty) is None
    assert derive.build(empty, "cold") is None
    alpine = derive.base_image(data, derive.ALPINE)
    assert alpine is not None and alpine.ref == derive.ALPINE and alpine.size == 2_312_504
    # The builder's ref is not a base's: only a base answers to base_image.
    assert derive.base_image(fake_measurements(images=[derive.builder_image(data)]), derive.ALPINE) is None
    # Each build kind of the primary variant; another variant's build of the same kind is not it.
    cached = derive.build(data, "cached")
    assert cached is not None and cached.kind == "cached" and cached.variant == derive.PRIMARY
    other = cached.model_copy(update={"variant": "distroless"})
    assert derive.build(fake_measurements(builds=[other]), "cached") is None
    assert derive.build(fake_measurements(builds=[other]), "cold", "distroless") is None
    found = derive.build(fake_measurements(builds=[other, cached]), "cached", "distroless")
    assert found is other


def test_base_provenance_and_standins() -> None:
    data = fake_measurements()
    recorded = derive.base_provenance(data, derive.ALPINE)
    assert recorded is not None and recorded.requested == derive.ALPINE
    sdk = derive.base_provenance(data, derive.SDK)
    assert sdk is not None and sdk.requested == derive.SDK
    unrecorded = data.model_copy(update={"provenance": data.provenance.model_copy(update={"bases": []})})
    assert derive.base_provenance(unrecorded, derive.ALPINE) is None
    assert [base.requested for base in derive.standins(data)] == list(derive.BASES)
    mixed = [base.requested for base in derive.standins(with_one_base_source(data, derive.ALPINE, "pulled"))]
    assert mixed == [derive.SDK, derive.SDK_ALPINE, derive.DISTROLESS]
    assert derive.standins(with_base_source(data, "pulled")) == []


def test_layer_and_step_match_every_word_in_any_case() -> None:
    data = fake_measurements()
    final = derive.variant_image(data, "alpine")
    found = derive.layer(final, "copy", "DEVOPS-INFO-SERVICE")
    assert found is not None and found.size == 5_611_704
    assert derive.layer(final, "copy", "no-such-file") is None
    assert derive.layer(None, "copy") is None
    cold = derive.build(data, "cold")
    download = derive.step(cold, "GO MOD", "download")
    assert download is not None and download.number == 5
    assert derive.step(cold, "go", "no-such-word") is None
    assert derive.step(None, "go") is None


def test_split_base_skips_whatever_is_not_a_base() -> None:
    data = fake_measurements()
    final = derive.variant_image(data, "alpine")
    assert final is not None
    # The variants listed first: the alpine base is still found behind them.
    reordered = data.model_copy(update={"images": [*data.images[4:], *data.images[:4]]})
    base, own = derive.split_base(reordered, final)
    assert base is not None and base.ref == derive.ALPINE
    assert [layer.size for layer in own[:3]] == [3_021, 219_342, 0]
    # An image whose layers start with a variant's was not built on that variant.
    longer = final.model_copy(
        update={"ref": "longer", "variant": "cgo", "layers": [*final.layers, *final.layers[-1:]]}
    )
    found, _ = derive.split_base(data.model_copy(update={"images": [*data.images, longer]}), longer)
    assert found is not None and found.ref == derive.ALPINE


def test_is_standin_reads_the_bases_own_record() -> None:
    data = with_one_base_source(fake_measurements(), derive.ALPINE, "pulled")
    assert not derive.is_standin(data, derive.ALPINE)
    assert derive.is_standin(data, derive.SDK)
    assert derive.is_standin(data, "busybox:latest")  # not recorded: not known to be real


def test_what_rests_on_a_stand_in_base_by_role() -> None:
    data = fake_measurements()
    assert not derive.resting_on_standin(data, None)
    alpine = derive.base_image(data, derive.ALPINE)
    assert derive.resting_on_standin(data, alpine)  # a stand-in base rests on itself
    pulled = with_one_base_source(data, derive.ALPINE, "pulled")
    assert not derive.resting_on_standin(pulled, derive.base_image(pulled, derive.ALPINE))
    assert not derive.surface_on_standin(data, "scratch")  # no base at all
    assert derive.surface_on_standin(data, "distroless")
    real = with_one_base_source(data, derive.DISTROLESS, "pulled")
    assert not derive.surface_on_standin(real, "distroless")
    assert not derive.surface_on_standin(fake_measurements(images=[]), "alpine")


@pytest.mark.parametrize(
    ("instruction", "words", "held"),
    [
        ("RUN CGO_ENABLED=0 go build -o /out/app .", ("go", "build"), True),
        ("RUN CGO_ENABLED=0 go build -o /out/app .", ("go build",), True),
        # the stage's name in BuildKit's label is not the step's: "[build 3/6]" holds no "build"
        ("[build 3/6] COPY go.mod ./", ("go", "build"), False),
        ("FROM golang:1.25-alpine AS builder", ("go", "build"), False),
        ("ARG BUILDER_IMAGE=golang:1.25-alpine", ("go", "build"), False),
        ("RUN go mod download", ("go", "build"), False),
        # a word a log cut short is a stump: any word starting so, and nothing else
        ("RUN CGO_ENABLED=0 go build -o /out/app .", ("go", "build…"), True),
        ("RUN CGO_ENABLED=0 go build -o /out/app .", ("go", "b…"), True),
        ("RUN go mod download", ("go", "build…"), False),
        ("RUN go mod download", ("go", "b…"), False),
        ("RUN rebuild-index", ("build…",), False),
        (
            "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
            ("COPY", "ca-certificates"),
            True,
        ),
        ("COPY /out/quote-service /quote-service # buildkit", ("copy", "quote-service"), True),
        ("COPY /out/quote-service-debug /srv/", ("COPY", "quote-service"), False),
    ],
)
def test_an_instruction_holds_whole_words_not_pieces_of_them(
    instruction: str, words: tuple[str, ...], held: bool
) -> None:
    assert derive.holds(instruction, words) is held
