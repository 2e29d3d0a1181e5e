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
#: Chromium drops every request in flight when an address appears on or leaves any interface, as
#: one does whenever the publish phase's second engine brings up its bridge on the other worker.
#: That says nothing about the site, so `visit` opens such a page again.
NETWORK_CHANGED = "net::ERR_NETWORK_CHANGED"
LOADS = 4


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


def visit(page: Any, url: str, problems: list[str] | None = None, wait_until: str = "networkidle") -> int:
    """Opens `url` until one load loses no request to a change of the host's network; returns how
    many loads that took. What a lost load added to `problems` goes with it: the next load sees
    the page again, a broken asset included."""
    from playwright.sync_api import Error

    lost: list[str] = []
    for load in range(1, LOADS + 1):
        before = len(problems) if problems is not None else 0
        lost.clear()

        def dropped(request: Any) -> None:
            if request.failure == NETWORK_CHANGED:
                lost.append(request.url)

        page.on("requestfailed", dropped)
        try:
            page.goto(url, wait_until=wait_until)
        except Error as error:
            if NETWORK_CHANGED not in str(error):
                raise
            lost.append(url)
        finally:
            page.remove_listener("requestfailed", dropped)
        if not lost:
            return load
        if problems is not None:
            del problems[before:]
    raise RuntimeError(f"{url}: the host's network changed during each of {LOADS} loads, last losing {lost}")
