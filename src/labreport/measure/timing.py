"""A stopwatch that adds up time spent waiting on something outside Python (Docker, tools), so the
pipeline's own overhead can be told apart from the work it waits for."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(kw_only=True)
class Timer:
    seconds: float = 0.0
    _depth: int = 0

    @contextlib.contextmanager
    def measure(self) -> Iterator[None]:
        # Nested measures count once: a probe times its whole wait on a container, and the
        # container's own calls inside it are timed too.
        self._depth += 1
        start = time.perf_counter()
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self.seconds += time.perf_counter() - start
