"""Progress on long work: each phase with its elapsed time, live on a terminal, plain in CI logs."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO


class Progress:
    def __init__(self, *, live: bool | None = None, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        self._clear()
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", file=self.stream, flush=True)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        began = time.monotonic()
        self.say(f"{name} ...")
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(name, began, stop), daemon=True)
        if self.live:
            ticker.start()
        try:
            yield
        except BaseException:
            stop.set()
            self.say(f"{name}: failed after {time.monotonic() - began:.1f}s")
            raise
        finally:
            stop.set()
            if ticker.is_alive():
                ticker.join()
        self.say(f"{name}: done in {time.monotonic() - began:.1f}s")

    def _tick(self, name: str, began: float, stop: threading.Event) -> None:
        while not stop.wait(0.5):
            self.stream.write(f"\r  {name} ... {time.monotonic() - began:.0f}s ")
            self.stream.flush()

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
