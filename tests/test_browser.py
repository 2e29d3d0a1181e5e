"""The built site in a real browser (Debian's chromium through Playwright): every page, both palettes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labreport import schema
from labreport.report.preview import CHROMIUM, launch, served
from site_fixtures import REPO, build_site

pytestmark = pytest.mark.site

ARTIFACTS = REPO / ".artifacts"


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The site people read: built from the committed measurements."""
    root = tmp_path_factory.mktemp("browser")
    result = build_site(schema.DATA_FILE, root / "site")
    assert result.returncode == 0, result.stderr
    with served(root / "site") as base:
        yield base, root / "site"


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
    page.on("requestfailed", lambda request: problems.append(f"failed request: {request.url}"))
    page.on("response", response)


# Skipped on a laptop without Chromium, never in CI, where a skip would hide the browser check.
@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
)
def test_every_page_in_both_palettes(served_site: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    base, site = served_site
    ARTIFACTS.mkdir(exist_ok=True)
    urls = [url.replace("//", "/") for url in pages(site)]
    assert len(urls) >= 14, urls
    problems: list[str] = []
    parsed = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for scheme in ("default", "slate"):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                # Material keeps the chosen palette in localStorage under "<base path>.__palette".
                index = 0 if scheme == "default" else 1
                context.add_init_script(
                    f"localStorage.setItem('/.__palette', JSON.stringify({{index: {index}, color: "
                    f"{{scheme: '{scheme}', primary: 'indigo', accent: 'indigo'}}}}))"
                )
                page = context.new_page()
                watch(page, problems)
                for url in urls:
                    page.goto(base + url, wait_until="networkidle")
                    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme, url
                    widths = page.evaluate(
                        "Promise.all([...document.querySelectorAll('figure img')].map(i => i.decode()"
                        ".then(() => [i.src, i.naturalWidth], () => [i.src, 0])))"
                    )
                    problems += [f"{url}: figure {src} not drawn" for src, width in widths if width == 0]
                    for text in page.locator(".language-json code").all_text_contents():
                        json.loads(text)  # raises on a response that is not JSON
                        parsed += 1
                    if url in ("/", "/sizes/"):
                        name = "home" if url == "/" else "sizes"
                        page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}.png"), full_page=True)
                context.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
    assert parsed >= 2 * 3  # GET /, /health and the 404 body on the testing page, in both palettes
