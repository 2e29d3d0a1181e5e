"""The README's picture of the site, made from the committed data rather than captured by hand.

python scripts/screenshot.py            # writes docs/assets/site-home.png
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
# The site's test helpers serve the scripts too (a copy of mkdocs.yml, a browser on a built site):
# they live beside the tests, outside the package, as nothing the package runs needs them.
sys.path.insert(0, str(REPO / "tests"))
from chromium import launch, served, visit  # noqa: E402

OUTPUT = REPO / "docs" / "assets" / "site-home.png"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="labreport-screenshot-") as scratch:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "mkdocs"),
                "build",
                "--strict",
                "--quiet",
                "--site-dir",
                scratch,
            ],
            cwd=REPO,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        with served(Path(scratch)) as base, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            visit(page, f"{base}/")
            page.screenshot(path=str(OUTPUT))
            browser.close()
    print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
