"""BuildKit's builds of record: base pulls timed only where bases were pulled."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from labreport.contract.schema import BaseImage
from labreport.contract.variants import BY_NAME, PRIMARY
from labreport.measure import rebuilds
from labreport.measure.record import Run


class _Engine:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def remove_image(self, ref: str) -> None:
        self.calls.append(("remove", ref))

    def pull(self, ref: str) -> bool:
        self.calls.append(("pull", ref))
        return True


def _run(source: str) -> tuple[Run, _Engine]:
    engine = _Engine()
    bases = {
        ref: BaseImage(requested=ref, source=source, image_id="sha256:y")  # type: ignore[arg-type]
        for ref in BY_NAME[PRIMARY].bases
    }
    return cast(Run, SimpleNamespace(engine=engine, bases=bases)), engine


@pytest.mark.parametrize("source", ["standin", "present"])
def test_local_bases_are_not_pulled(source: str) -> None:
    run, engine = _run(source)
    assert rebuilds._pull_bases(run, BY_NAME[PRIMARY]) is None
    assert engine.calls == []


def test_pulled_bases_are_removed_and_pulled_again_before_a_cold_build() -> None:
    run, engine = _run("pulled")
    seconds = rebuilds._pull_bases(run, BY_NAME[PRIMARY])
    assert seconds is not None and seconds >= 0
    refs: Any = BY_NAME[PRIMARY].bases
    assert engine.calls == [call for ref in refs for call in (("remove", ref), ("pull", ref))]
