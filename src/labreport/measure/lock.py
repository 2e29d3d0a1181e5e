"""One measurement at a time on an engine: the builds share tags, so two runs would measure each
other's images.

The lock is an advisory `flock` on a file named after the engine's address, so it covers every
clone on this machine that talks to that engine, and the kernel releases it when its holder dies:
a killed run never leaves a stale lock behind (its file, which the next run takes over).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


class LockHeld(RuntimeError):
    """Another measurement holds the lock; the message says who."""


def lock_path(engine_address: str | None = None) -> Path:
    address = engine_address or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    digest = hashlib.sha256(address.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"labreport-measure-{digest}.lock"


@contextlib.contextmanager
def measurement_lock(path: Path | None = None) -> Iterator[None]:
    """Holds the engine's measurement lock for the block; raises `LockHeld` at once if taken.

    The holder removes the file as it lets go, so no run leaves one behind (a test's engine at a
    private address would leave one each).
    """
    path = path or lock_path()
    handle = _take(path)
    with handle:
        handle.seek(0)
        handle.truncate()  # a killed holder's words
        handle.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}, in {Path.cwd()}")
        handle.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)  # while still held: whoever opens it next checks `_is_at`
            fcntl.flock(handle, fcntl.LOCK_UN)


def _take(path: Path) -> TextIO:
    """The lock file, opened and locked. A file its holder removed between our open and our lock is
    not the lock any more: the one now at the path is taken instead."""
    while True:
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "an unknown process"
            handle.close()
            raise LockHeld(
                f"another measurement is running on this engine ({holder}); "
                f"wait for it, or stop it (lock: {path})"
            ) from None
        if _is_at(handle.fileno(), path):
            return handle
        handle.close()


def _is_at(descriptor: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False
