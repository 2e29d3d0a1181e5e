"""Repeated builds combined into one timing, the same way for both builders; parts of a run put back
in order."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, cast

from labreport.contract.pointer import pointer
from labreport.contract.schema import CachedAnalysis, Failure, ImageSize
from labreport.contract.variants import PRIMARY
from labreport.measure import record
from labreport.measure.buildlog import Build, BuildStep


def _build(seconds: float, compile_seconds: float, cached: bool) -> Build:
    steps = (
        BuildStep(number=1, instruction="[builder 1/2] FROM golang", seconds=0.0, cached=False),
        BuildStep(number=2, instruction="[builder 2/2] RUN go build", seconds=compile_seconds, cached=cached),
    )
    return Build(image_id="sha256:x", seconds=seconds, steps=steps, log=())


def test_timing_takes_the_median_and_range_of_totals_and_steps_and_marks_buildkit() -> None:
    builds = [_build(14.0, 13.0, False), _build(16.0, 15.0, False), _build(15.0, 14.0, False)]
    timing = record.timing(PRIMARY, "cold", builds, "buildkit", pulls=(3.0, 5.0, 4.0))
    assert timing.builder == "buildkit"
    assert (timing.total.median, timing.total.min, timing.total.max) == (15.0, 14.0, 16.0)
    assert timing.steps[1].seconds.median == 14.0 and not timing.steps[1].cached
    assert timing.base_pull_seconds is not None and timing.base_pull_seconds.median == 4.0


def test_a_step_counts_as_cached_only_when_every_repeat_took_it_from_the_cache() -> None:
    timing = record.timing(PRIMARY, "cached", [_build(0.5, 0.0, True), _build(0.6, 0.0, False)])
    assert not timing.steps[1].cached and timing.base_pull_seconds is None


def test_the_legacy_builder_is_the_default_and_a_step_a_repeat_did_not_reach_is_left_out() -> None:
    short = Build(image_id="sha256:y", seconds=1.0, steps=_build(1.0, 0.5, False).steps[:1], log=())
    timing = record.timing(PRIMARY, "code_change", [_build(2.0, 1.5, False), short])
    assert timing.builder == "legacy" and [step.number for step in timing.steps] == [1]
    assert (timing.total.min, timing.total.max) == (1.0, 2.0)


def _part(run: record.Run, ref: str, *, cached: bool) -> record.Run:
    part = run.part()
    part.images.append(ImageSize(ref=ref, role="base", variant=None, image_id=f"sha256:{ref}", size=1,
                                 compressed_size=1, layers=[]))  # fmt: skip
    if cached:
        part.cached.append(CachedAnalysis(image_id=f"sha256:{ref}", ref=ref, analysed_at=datetime(2026, 1, 1),
                                          tools={}, pointers=[pointer("images", 0)]))  # fmt: skip
    part.failures.append(Failure(phase="sizes", variant=ref, error="x"))
    return part


def test_absorb_appends_a_parts_records_and_moves_its_pointers_to_where_they_land() -> None:
    run = record.Run(engine=cast(Any, None), options=record.Options(only=[], output=Path("/m.json")))
    first, second = _part(run, "a", cached=False), _part(run, "b", cached=True)
    assert second.bases is run.bases and second.built is run.built and second.images is not run.images
    run.absorb(first)
    run.absorb(second)
    assert [image.ref for image in run.images] == ["a", "b"]
    assert [failure.variant for failure in run.failures] == ["a", "b"]
    (hit,) = run.cached
    assert hit.pointers == ["/images/1"]  # /images/0 in its part, the second record here
    assert second.cached[0].pointers == ["/images/0"]  # the part itself is left as it was
