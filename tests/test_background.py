"""Unit tests of measure.background: work done two at a time, its records put back in the order it
was listed whatever finished first, a failure recorded in its part, and nothing left running."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest

from labreport.contract.schema import Lint
from labreport.measure import analysis, record, stopping, tools
from labreport.measure.background import Background
from labreport.measure.progress import Progress


def _run() -> record.Run:
    progress = Progress(live=False, stream=io.StringIO())
    return record.Run(
        engine=cast(Any, None), options=record.Options(only=[], output=Path("/m.json"), progress=progress)
    )


def test_two_at_a_time_and_put_back_in_the_order_they_were_listed() -> None:
    run = _run()
    running, most = 0, 0
    lock = threading.Lock()

    def work(part: record.Run, name: str, seconds: float) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(seconds)
        with lock:
            running -= 1
        part.lint.append(Lint(dockerfile=name, findings=[]))

    background = Background(run)
    # The first takes longest: it finishes last, and its record must still come first.
    futures = [background.submit("lint", name, name, work, name, seconds)
               for name, seconds in (("a", 0.3), ("b", 0.05), ("c", 0.05))]  # fmt: skip
    background.wait()
    assert all(future.done() for future in futures)
    for future in futures:
        run.absorb(future.result())
    background.close()
    assert [item.dockerfile for item in run.lint] == ["a", "b", "c"]
    assert most == 2


def test_a_failure_is_recorded_in_its_part_and_close_drops_what_had_not_started() -> None:
    run = _run()
    started: list[str] = []
    release = threading.Event()

    def fails(part: record.Run) -> None:
        raise RuntimeError("dive: no such image")

    def blocks(part: record.Run, name: str) -> None:
        started.append(name)
        release.wait(5)

    background = Background(run, workers=1)
    failed = background.submit("sizes", "alpine", "analyse alpine", fails)
    held = background.submit("sizes", "x", "x", blocks, "x")
    dropped = background.submit("sizes", "y", "y", blocks, "y")
    time.sleep(0.1)
    closing = threading.Thread(target=background.close)
    closing.start()  # while x still runs: y, not started, is dropped
    time.sleep(0.1)
    assert closing.is_alive(), "close waits for the work that runs"
    release.set()
    closing.join(5)
    (failure,) = failed.result().failures
    assert (failure.phase, failure.variant, failure.error) == ("sizes", "alpine", "dive: no such image")
    assert held.done() and dropped.cancelled() and started == ["x"]
    assert run.failures == []  # nothing reaches the run until its part is absorbed


def test_a_stop_ends_a_running_tool_and_a_gzip_at_once_and_no_tool_starts_after_it() -> None:
    """The main thread is told to stop (Ctrl-C, SIGTERM); the workers' tool and layer are cut
    short, rather than the run waiting out a dive of the SDK before it cleans up."""
    run = _run()
    background = Background(run)
    stopping.begin()

    class Huge(io.RawIOBase):  # 20 GB of layer: a minute of deflate, unless a stop ends it
        reads = 20_000

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            self.reads -= 1
            if self.reads < 0:
                return 0
            buffer[:] = b"\0" * len(buffer)
            return len(buffer)

    def sleeps(part: record.Run) -> None:
        tools.run(["sleep", "60"], echo=False)

    def gzips(part: record.Run) -> None:
        analysis.gzip_size(io.BufferedReader(Huge(), 1 << 20))

    futures = [background.submit("sizes", "a", "a", sleeps), background.submit("sizes", "b", "b", gzips)]
    time.sleep(0.5)
    began = time.monotonic()
    stopping.stop()
    background.close()
    try:
        assert time.monotonic() - began < 5
        for future in futures:  # each ended by the stop, not recorded as a failure of its own
            assert isinstance(future.exception(), stopping.Stopped)
        with pytest.raises(stopping.Stopped):
            tools.run(["true"], echo=False)
    finally:
        stopping.begin()
    assert tools.run(["true"], echo=False).returncode == 0  # the next run starts tools again
