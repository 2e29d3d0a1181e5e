"""Through the real engine: one BuildKit build of the primary Dockerfile, the second of two, so it
comes from the cache. Marked `docker`; CI runs it. Named to run after test_docker.py (the engine's
tests go in file order, tests/conftest.py): its measurement leaves both builds' steps in BuildKit's
cache, so neither compiles the service here; run alone, the first build is a cold one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from labreport.contract.variants import BY_NAME, PRIMARY
from labreport.measure import buildkit, standins
from labreport.measure.engine import LABEL, Engine

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[1]
TAG = "labreport-scratch:buildkit-test"


def test_a_cached_buildkit_build_is_parsed_and_names_the_image_docker_inspect_sees() -> None:
    engine = Engine.connect()
    assert engine.buildkit is not None
    for ref in BY_NAME[PRIMARY].bases:
        standins.ensure_base(engine, ref)
    try:
        engine.buildkit.build(REPO, tag=TAG)  # cold or cached, whatever the engine's cache holds
        build = engine.buildkit.build(REPO, tag=TAG)
        template = '{{.Id}} {{index .Config.Labels "' + LABEL + '"}}'
        inspected = subprocess.run(
            [buildkit.cli(), "image", "inspect", "--format", template, TAG],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert inspected == [build.image_id, "1"]
        labels = [step.instruction.split("]")[0] + "]" for step in build.steps]
        assert labels == [f"[builder {k}/6]" for k in range(1, 7)] + [f"[stage-1 {k}/5]" for k in range(1, 6)]
        # Every step but the two FROMs comes from the cache, and BuildKit says so.
        assert [step.cached for step in build.steps] == [False, *[True] * 5, False, *[True] * 4]
        assert any(line.endswith(" CACHED") for line in build.log)
        assert build.seconds < 10
    finally:
        engine.remove_image(TAG)
    assert engine.image(TAG) is None
