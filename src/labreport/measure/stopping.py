"""A measurement told to stop (Ctrl-C, SIGTERM) ends its background work at once.

The signal reaches the main thread only; an analysis in a worker thread would run on for as long
as its dive or syft takes (tens of seconds for an SDK image) while the run waits to clean up. So
`stop()` terminates the tools running now and makes every later `check()` raise: the workers'
loops (docker save, the gzip of a layer, the tools) end within a chunk.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_stopping = threading.Event()
_children: set[subprocess.Popen[str]] = set()
_lock = threading.Lock()


class Stopped(RuntimeError):
    def __init__(self) -> None:
        super().__init__("the measurement is stopping")


def begin() -> None:
    """A new run: nothing is stopping (a stop belongs to the run it interrupted)."""
    _stopping.clear()


def stop() -> None:
    _stopping.set()
    with _lock:
        for child in _children:
            child.terminate()


def check() -> None:
    if _stopping.is_set():
        raise Stopped()


def checked(chunks: Iterable[T]) -> Iterator[T]:
    """The chunks of a stream (docker save, an export), ending with `Stopped` at a stop."""
    for chunk in chunks:
        check()
        yield chunk


def start(command: list[str], **popen: object) -> subprocess.Popen[str]:
    """`Popen`, unless the run is stopping; `stop()` terminates what this started, until `ended`."""
    with _lock:
        check()
        child: subprocess.Popen[str] = subprocess.Popen(command, **popen)  # type: ignore[call-overload]
        _children.add(child)
    return child


def ended(child: subprocess.Popen[str]) -> None:
    with _lock:
        _children.discard(child)
