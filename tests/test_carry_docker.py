"""Through the real engine: a comment in the source gives the same image again, and `carry` takes
that image's probe from the run that made it; a change the program sees gives another image, which
is probed again. Marked `docker`; CI runs it.

The context stands in for a Go service in a few seconds: its builder stage drops comment lines the
way the compiler ignores them, and the runtime stage copies only what that stage produced, as the
project's Dockerfiles copy only the binary."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from labreport.contract.variants import BY_NAME
from labreport.measure import buildkit, carry, standins
from labreport.measure.buildlog import Build
from labreport.measure.engine import Engine
from labreport.measure.record import Options, Run
from records import fake_measurements

pytestmark = pytest.mark.docker

TAG = "labreport-scratch:carry-test"
DOCKERFILE = """\
FROM alpine:3.19 AS builder
COPY src/ /src/
RUN mkdir /out && grep -v '^//' /src/main.txt > /out/program
FROM scratch
COPY --from=builder /out/program /program
"""
VARIANT = BY_NAME["scratch"]


def _build(engine: Engine, context: Path, source: str) -> Build:
    """A build of `source`; its image ID is the one the docker CLI reads under the tag."""
    (context / "src" / "main.txt").write_text(source)
    build = engine.build(context, tag=TAG)
    inspected = subprocess.run(
        [buildkit.cli(), "image", "inspect", "--format", "{{.Id}}", TAG],
        capture_output=True,
        text=True,
        check=True,
    )
    assert inspected.stdout.strip() == build.image_id
    return build


def _carried(engine: Engine, tmp_path: Path, probed: Build, built: Build) -> dict[str, Run]:
    """What `carry.same_images` takes for a run that built `built`, from data that probed `probed`
    (the records' own probe of the variant, its image inputs hash made as a run makes it)."""
    running = {VARIANT.name: "1" * 16}
    options = Options(only=[], output=tmp_path / "m.json", repeat=3)
    previous = fake_measurements()
    then = carry.inputs_by_image(running, {VARIANT.name: probed.image_id}, options.repeat)
    provenance = previous.provenance.model_copy(update={"image_inputs": then})
    run = Run(engine=engine, options=options)
    run.built[VARIANT.name] = built
    return carry.same_images(
        run, previous.model_copy(update={"provenance": provenance}), running, {}, [VARIANT]
    )


def test_a_comment_gives_the_same_image_and_its_probe_is_carried(tmp_path: Path) -> None:
    engine = Engine.connect()
    standins.ensure_base(engine, "alpine:3.19", echo=lambda text: None)
    context = tmp_path / "context"
    (context / "src").mkdir(parents=True)
    (context / "Dockerfile").write_text(DOCKERFILE)
    dangling = set(engine.dangling_images())
    builds: list[Build] = []
    try:
        for source in ("serve 8080\n", "serve 8080\n// a comment the program never sees\n", "serve 9090\n"):
            builds.append(_build(engine, context, source))
    finally:
        engine.remove_image(TAG)
        engine.remove_images(set(engine.dangling_images()) - dangling)
    first, commented, changed = builds
    assert commented.image_id == first.image_id and changed.image_id != first.image_id
    probe = next(item for item in fake_measurements().probes if item.variant == VARIANT.name)

    same = _carried(engine, tmp_path, first, commented)
    assert list(same) == [VARIANT.name] and same[VARIANT.name].probes == [probe]
    assert [item.what for item in same[VARIANT.name].carried] == [f"{VARIANT.name} probe"]
    assert _carried(engine, tmp_path, first, changed) == {}
