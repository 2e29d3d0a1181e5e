"""The built site in a real browser (Debian's chromium through Playwright): every page, both palettes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from chromium import CHROMIUM, launch, visit
from labreport.contract import schema
from site_fixtures import REPO

pytestmark = pytest.mark.site

ARTIFACTS = REPO / ".artifacts"


@pytest.fixture(scope="module")
def served_site(served_committed_site: tuple[str, Path]) -> tuple[str, Path]:
    """The site people read: built from the committed measurements (once a session, conftest.py)."""
    return served_committed_site


def pages(site: Path) -> list[str]:
    return sorted(
        "/" + str(path.parent.relative_to(site)).replace(".", "") + ("/" if path.parent != site else "")
        for path in site.glob("**/index.html")
    )


def watch(page: Any, problems: list[str]) -> None:
    """Collects console errors, page errors, failed requests and HTTP errors into `problems`."""

    def console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console {message.type}: {message.text}")

    def response(answer: Any) -> None:
        if answer.status >= 400:
            problems.append(f"HTTP {answer.status}: {answer.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def failed(request: Any) -> None:
        # A figure's other <picture> source is cancelled when the page moves on: not a failure.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed request: {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.on("response", response)


AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from npm
WIDE, NARROW = {"width": 1440, "height": 900}, {"width": 390, "height": 844}

# Page width beyond the viewport, and every table wider than its box (at desktop width a table
# must fit; only code blocks may scroll inside their own box).
OVERFLOW = """() => ({
  page: document.scrollingElement.scrollWidth - window.innerWidth,
  tables: [...document.querySelectorAll('.md-typeset__scrollwrap')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => (box.querySelector('th') || box).textContent.trim().slice(0, 40)),
})"""
# The smallest text in an SVG opened as a document at its natural size, in CSS px.
SMALLEST_TEXT = """() => {
  const svg = document.documentElement;
  const sizes = [...document.querySelectorAll('text')].map(t => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
  return [Math.min(...sizes), svg.getBoundingClientRect().width];
}"""


def palette(context: Any, scheme: str) -> None:
    # Material keeps the chosen palette in localStorage under "<base path>.__palette".
    index = 0 if scheme == "default" else 1
    context.add_init_script(
        f"localStorage.setItem('/.__palette', JSON.stringify({{index: {index}, color: "
        f"{{scheme: '{scheme}', primary: 'indigo', accent: 'indigo'}}}}))"
    )


def keep_on_host(context: Any, base: str, problems: list[str]) -> None:
    """Refuses, and reports, every request to another host: the site must load nothing from one."""

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            problems.append(f"request leaving the site: {url}")
            request_route.abort()

    context.route("**/*", route)


# Skipped on a laptop without Chromium, never in CI, where a skip would hide the browser check.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
)


#: The pages photographed, and the pages seen dark on a phone: the palette changes colours, not
#: the layout, which every page shows light at both widths, and every page is seen dark at 1440 px.
SHOWN = {"/": "home", "/sizes/": "sizes", "/ledger/": "ledger"}


@needs_chromium
def test_every_page_at_both_widths_in_both_palettes(served_site: tuple[str, Path]) -> None:
    """Every page at 1440 and 390 px light, and at 1440 px dark (three of them dark at 390 px too):
    nothing overflows, every figure is drawn, figure text is at least 9 px on a phone, axe finds
    nothing serious, nothing leaves the host."""
    from playwright.sync_api import sync_playwright

    base, site = served_site
    ARTIFACTS.mkdir(exist_ok=True)
    urls = [url.replace("//", "/") for url in pages(site)]
    assert len(urls) >= 14 and set(SHOWN) <= set(urls), urls
    problems: list[str] = []
    parsed, narrow_figures, smallest = 0, set(), 99.0
    axe = AXE.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for scheme in ("default", "slate"):
                for viewport in (WIDE, NARROW):
                    context = browser.new_context(viewport=viewport)
                    palette(context, scheme)
                    keep_on_host(context, base, problems)
                    page = context.new_page()
                    watch(page, problems)
                    for url in urls:
                        if scheme == "slate" and viewport is NARROW and url not in SHOWN:
                            continue
                        where = f"{url} {scheme} {viewport['width']}px"
                        visit(page, base + url, problems)
                        assert (
                            page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
                        ), url
                        widths = page.evaluate(
                            "Promise.all([...document.querySelectorAll('figure img')]"
                            ".filter(i => i.offsetParent !== null).map(i => i.decode()"
                            ".then(() => [i.currentSrc, i.naturalWidth, i.clientWidth],"
                            " () => [i.src, 0, 0])))"
                        )
                        problems += [
                            f"{where}: figure {src} not drawn" for src, natural, _ in widths if not natural
                        ]
                        overflow = page.evaluate(OVERFLOW)
                        if overflow["page"] > 0:
                            problems.append(f"{where}: page {overflow['page']} px wider than the window")
                        if viewport is WIDE and overflow["tables"]:
                            problems.append(f"{where}: tables wider than the column: {overflow['tables']}")
                        if viewport is NARROW:
                            narrow_figures |= {(src, shown) for src, _, shown in widths}
                        else:
                            for text in page.locator(".language-json code").all_text_contents():
                                json.loads(text)  # raises on a response that is not JSON
                                parsed += 1
                            page.add_script_tag(content=axe)
                            found = page.evaluate(
                                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                                ".filter(v => ['serious', 'critical'].includes(v.impact))"
                                ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' '))"
                                ".slice(0, 3).join(', ')))"
                            )
                            problems += [f"{where}: axe {each}" for each in found]
                        if url in SHOWN:
                            shot = ARTIFACTS / f"{SHOWN[url]}-{scheme}-{viewport['width']}.png"
                            page.screenshot(path=str(shot), full_page=True)
                    if viewport is NARROW:
                        for src, shown in sorted(narrow_figures):
                            visit(page, src, problems, wait_until="load")
                            size, natural = page.evaluate(SMALLEST_TEXT)
                            rendered = size * shown / natural
                            smallest = min(smallest, rendered)
                            if rendered < 9:
                                problems.append(f"{src}: text {rendered:.1f} px at 390 px")
                        narrow_figures.clear()
                    context.close()
        finally:
            browser.close()
    print(f"smallest figure text at 390 px: {smallest:.1f} px")
    assert not problems, "\n".join(problems)
    assert parsed >= 3  # GET /, /health and the 404 body on the testing page
    assert smallest >= 9


@needs_chromium
def test_the_data_is_in_the_readers_hands(served_site: tuple[str, Path]) -> None:
    """The published data file is the repository's byte for byte, with its sha256 on the page; a
    CSV under each main table parses; the ledger sorts by a column and filters to one verdict."""
    from playwright.sync_api import sync_playwright

    base, _ = served_site
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=WIDE)
            keep_on_host(context, base, problems)
            page = context.new_page()
            watch(page, problems)
            visit(page, base + "/", problems)
            link = page.locator("a[href$='measurements.json']").first
            published = page.request.get(link.evaluate("a => a.href")).body()
            assert published == schema.DATA_FILE.read_bytes()
            assert hashlib.sha256(published).hexdigest() in page.content()
            commit = page.locator("a[href*='/commit/']").first.get_attribute("href")
            assert commit is not None and commit.endswith(json.loads(published)["provenance"]["git_commit"])
            tables = 0
            for url in ("/sizes/", "/build/", "/testing/", "/security/", "/publishing/", "/ledger/"):
                visit(page, base + url, problems)
                for href in page.locator("a[href$='.csv']").evaluate_all("links => links.map(a => a.href)"):
                    rows = list(csv.reader(io.StringIO(page.request.get(href).text())))
                    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows), href
                    tables += 1
            assert tables >= 6
            # The ledger page is the last one open.
            first_cells = (
                "[...document.querySelectorAll('.ledger tbody tr')].map(r => r.cells[0].textContent)"
            )
            before = page.evaluate(first_cells)
            page.locator(".ledger th").first.click()
            after = page.evaluate(first_cells)
            assert sorted(before) == sorted(after) and after != before
            page.locator(".ledger-filter button", has_text="differs").click()
            shown = page.evaluate(
                "[...document.querySelectorAll('.ledger tbody tr')].filter(r => !r.hidden)"
                ".map(r => r.querySelector('.verdict').textContent.trim())"
            )
            assert shown and set(shown) == {"differs"} and len(shown) < len(before)
            page.locator(".ledger-filter button", has_text="all verdicts").click()
            assert page.locator(".ledger tbody tr:not([hidden])").count() == len(before)
            context.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
