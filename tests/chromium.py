"""A built site served on loopback and a headless Chromium to look at it with: shared by the
browser test and the README's screenshot."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# Debian's Chromium here; GitHub's Ubuntu runners ship Google Chrome instead.
CHROMIUM = next(
    (
        path
        for path in (
            Path(os.environ.get("LABREPORT_CHROMIUM", "/usr/bin/chromium")),
            Path("/usr/bin/google-chrome"),
        )
        if path.exists()
    ),
    Path("/usr/bin/chromium"),
)
# Without the background-networking flags Chromium keeps calling home, which a closed network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serves `directory` on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright: Any) -> Any:
    """A system Chromium, headless: the browser Playwright would download cannot be fetched here."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/prereqs.sh --browser")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
