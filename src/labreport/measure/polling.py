"""One way to wait for something outside Python (a registry, a container, a daemon, a child process):
ask again every `interval` seconds until it answers or the time is up."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(
    check: Callable[[], T | None],
    seconds: float,
    interval: float,
    ignoring: tuple[type[Exception], ...] = (),
) -> T | None:
    """The first answer of `check` that is not None; None when `seconds` pass without one (never
    asked when `seconds` is not positive). An exception in `ignoring` counts as no answer yet (a
    port not listening yet); any other one ends the wait."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            answer = check()
        except ignoring:
            answer = None
        if answer is not None:
            return answer
        time.sleep(interval)
    return None
