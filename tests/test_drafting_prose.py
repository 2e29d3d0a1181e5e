"""Prose figures matched to a measure by the words around them, on sentences written for the test;
each asserts the measure, its arguments and the figure as printed."""

from __future__ import annotations

from typing import Any

from labreport.drafting.context import ReportImages
from labreport.drafting.markdown import Line
from labreport.drafting.prose import Place, Setting, read_line

KNOWN = {
    "myapp:v2": "app",
    "myapp:distroless": "distroless",
    "myapp:single": "single-stage",
    "golang:1.24": "golang:1.24",
    "golang:1.24-alpine": "golang:1.24-alpine",
    "alpine:3.20": "alpine:3.20",
}


def _setting(**fields: Any) -> Setting:
    images = ReportImages(known=dict(KNOWN), built={"myapp:v2"}, builder_base="golang:1.24-alpine")
    return Setting(images=images, **fields)


def _read(text: str, setting: Setting | None = None, place: Place | None = None) -> list[tuple[Any, ...]]:
    line = Line(number=12, text=text, raw=text)
    claims = read_line(line, place or Place(), setting or _setting())
    return [
        tuple(
            value
            for value in (
                claim.measure or "unmatched",
                claim.claimed,
                claim.of,
                claim.against,
                claim.containers,
                claim.kind,
                claim.instruction,
            )
            if value is not None
        )
        for claim in claims
    ]


def test_image_sizes_by_name_family_and_role() -> None:
    assert _read("The final image weighs 9.1 MB") == [("image-size", "9.1 MB", "app")]
    assert _read("`golang:1.24` alone is 850MB") == [("image-size", "850MB", "golang:1.24")]
    assert _read("- Alpine base: 8.3 MB") == [("image-size", "8.3 MB", "alpine:3.20")]
    assert _read("The Go SDK we leave behind is ~250 MB") == [("image-size", "~250 MB", "golang:1.24-alpine")]
    assert _read("a builder image of 300 MB") == [("image-size", "300 MB", "builder")]


def test_compressed_size_is_the_download() -> None:
    assert _read("Compressed, a pull fetches ~4 MB") == [("download-size", "~4 MB", "app")]
    assert _read("Uncompressed size: 9.1 MB") == [("image-size", "9.1 MB", "app")]


def test_an_arrow_sets_the_comparison_a_reduction_and_a_saving_use() -> None:
    setting = _setting(sizes={850e6: "golang:1.24", 9.1e6: "app"})
    assert _read("850 MB \u2192 9.1 MB (98.9% smaller)", setting) == [
        ("image-size", "850 MB", "golang:1.24"),
        ("image-size", "9.1 MB", "app"),
        ("reduction", "98.9%", "app", "golang:1.24"),
    ]
    assert setting.against == "golang:1.24"
    assert _read("Running 20 replicas saves 16.8 GB of disk", setting) == [
        ("saving", "16.8 GB", "app", "golang:1.24", 20)
    ]
    assert _read("a 97.9% reduction vs the alpine golang image", setting) == [
        ("reduction", "97.9%", "app", "golang:1.24-alpine")
    ]


def test_a_difference_names_what_it_is_against_and_a_later_extra_keeps_it() -> None:
    setting = _setting()
    assert _read("Only 3 MB larger than distroless", setting) == [
        ("size-difference", "3 MB", "app", "distroless")
    ]
    assert _read("Those 3 MB extra buy a shell", setting) == [
        ("size-difference", "3 MB", "app", "distroless")
    ]


def test_layers_by_the_words_of_a_history_row() -> None:
    setting = _setting(layers=["RUN apk add --no-cache ca-certificates", "COPY /out/server /server"])
    assert _read("the ca-certificates layer: 210 kB", setting) == [
        ("layer-size", "210 kB", "app", "apk add ca-certificates")
    ]
    assert _read("Our binary: 6.2 MB", setting) == [("layer-size", "6.2 MB", "app", "COPY server")]


def test_a_section_about_a_variant_speaks_of_that_variant() -> None:
    place = Place(headings=("Alternatives", "Option B: distroless"))
    assert _read("about 4 MB, no shell, includes ca-certificates", place=place) == [
        ("image-size", "about 4 MB", "distroless")
    ]


def test_the_strip_saving_and_package_counts() -> None:
    assert _read("Stripping symbols shrinks the binary by 28%") == [("strip-saving", "28%")]
    assert _read("Builder stage: ~180 packages") == [("package-count", "~180", "builder")]
    assert _read("runtime image: 12 packages") == [("package-count", "12", "app")]


def test_a_binary_size_names_its_build_by_the_words_before_it() -> None:
    line = Line(number=3, text="The plain binary is 8.4 MB and the stripped one 5.8 MB.", raw="")
    claims = read_line(line, Place(), _setting())
    assert [(claim.measure, claim.claimed, claim.flavour) for claim in claims] == [
        ("binary-size", "8.4 MB", "default"),
        ("binary-size", "5.8 MB", "stripped"),
    ]


def test_build_times_by_kind_and_step() -> None:
    assert _read("A cold build takes ~31 seconds") == [("build-total", "~31 seconds", "cold")]
    assert _read("Rebuilding after a code change: 4.2 s") == [("build-total", "4.2 s", "code_change")]
    assert _read("Total: ~1 second", place=Place(build_kind="cached")) == [
        ("build-total", "~1 second", "cached")
    ]
    setting = _setting(steps=["RUN go build -o /out/server .", "RUN go mod download"])
    assert _read("compiling took ~25s", setting, Place(build_kind="cold")) == [
        ("step-time", "~25s", "cold", "go build")
    ]
    assert _read("go mod download: 1.9s", setting, Place(build_kind="cold")) == [
        ("step-time", "1.9s", "cold", "go mod download")
    ]


def test_pull_ratio_and_pull_time() -> None:
    assert _read("It deploys 6x faster than single-stage") == [("pull-ratio", "6x", "app", "single-stage")]
    assert _read("a pull of the final image takes 1.4 s") == [("pull-time", "1.4 s", "app")]


def test_a_figure_the_words_do_not_place_is_kept_unmatched_with_its_words() -> None:
    line = Line(
        number=30, text="We spent 12% of the afternoon on it", raw="We spent 12% of the afternoon on it"
    )
    (claim,) = read_line(line, Place(), _setting())
    assert (claim.matched, claim.claimed, claim.line) == (False, "12%", 30)
    assert claim.note == "words around it: 'We spent of the afternoon on it'"
    assert _read("It took 20 minutes to read the docs") == [("unmatched", "20 minutes")]


def test_a_time_under_a_report_title_about_builds_is_not_a_build_time() -> None:
    title = Place(headings=("Lab: a faster multi-stage build", "1. The service"))
    assert _read("It stops taking connections within 7 seconds", place=title)[0][0] == "unmatched"
    section = Place(headings=("Lab: a faster multi-stage build", "4. Build times"))
    assert _read("The whole run took 7 seconds", place=section) == [("build-total", "7 seconds", "cold")]


def test_the_multi_stage_image_is_the_reports_own_whatever_the_project_calls_it() -> None:
    assert _read("The multi-stage result keeps the SDK out: 9.1 MB") == [("image-size", "9.1 MB", "app")]
