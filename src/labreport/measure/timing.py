"""A stopwatch that adds up time spent waiting on something outside Python (Docker, tools), so the
pipeline's own overhead can be told apart from the work it waits for."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(kw_only=True)
class Timer:
    seconds: float = 0.0
    _depth: int = 0
    _since: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @contextlib.contextmanager
    def measure(self) -> Iterator[None]:
        # Overlapping measures count once, as wall time during which any is open: a probe times its
        # whole wait on a container and the container's own calls inside it are timed too, and the
        # analyses that run two at a time (`run.measure`) overlap each other's calls.
        with self._lock:
            if self._depth == 0:
                self._since = time.perf_counter()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds += time.perf_counter() - self._since
