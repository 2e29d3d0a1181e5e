"""Work no clock is running on, done beside the main thread: the images' analyses (issue 22).

A measurement's timed work (the build timings, the probes, the pulls) runs alone on the machine;
an analysis (save, gzip, syft, dive, the file scan) times nothing, so two of them run in worker
threads while the main thread builds the next variant, and `wait` joins them before anything is
timed. Each piece of work records into a part of its own (`Run.part`), which the caller absorbs
in the order the work is listed: the data does not depend on which thread finished first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Concatenate, ParamSpec

from .record import Run

P = ParamSpec("P")
WORKERS = 2  # the machine's two cores; the main thread's builds wait on the daemon meanwhile


class Background:
    def __init__(self, run: Run, workers: int = WORKERS) -> None:
        self.run = run
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="labreport-analyse")
        self._futures: list[Future[Run]] = []

    def submit(
        self,
        phase: str,
        name: str | None,
        label: str,
        action: Callable[Concatenate[Run, P], object],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Future[Run]:
        """Starts `action(part, *args)` on a part of the run; the future gives the part. A failure
        is recorded in the part (`Run.attempt`), as `phase` of `name`; `label` names it in the
        progress lines, with the time it took."""
        say = self.run.options.progress.say

        def work() -> Run:
            part = self.run.part()
            began = time.monotonic()
            say(f"{label} ...")
            part.attempt(phase, name, action, part, *args, **kwargs)
            say(f"{label}: done in {time.monotonic() - began:.1f}s (in the background)")
            return part

        future = self._pool.submit(work)
        self._futures.append(future)
        return future

    def wait(self) -> None:
        """Returns once every piece of work submitted so far has ended."""
        for future in self._futures:
            future.exception()

    def close(self) -> None:
        """Drops the work not yet started and waits for the rest (after Ctrl-C too: an analysis
        that went on would start containers after the run's clean-up)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
