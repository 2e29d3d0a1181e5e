"""Every number on the built site proves itself, in a real browser (Debian's chromium, Playwright).

The witness is the site's own published measurements.json, resolved here with a JSON Pointer
walk of this file's own, and each derived figure recomputed here from its inputs: a number shown
on a page that is not a formatting of the value its `data-evidence` names turns this red, as
does a page where numbers with a unit go without evidence, or a popover no keyboard or tap opens.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from chromium import CHROMIUM, launch, visit

pytestmark = pytest.mark.site

#: Where the popover's screenshots go to be looked at: this folder, or the test's own temporary one.
SHOTS = os.environ.get("LABREPORT_EVIDENCE_SHOTS")
WIDE, NARROW = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
)

#: What a unit on the page is worth in the data file's units (bytes, seconds, percent, times).
SCALE = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "MiB": 2**20, "ms": 1e-3, "s": 1, "%": 1, "x": 1, "": 1}
SHOWN = re.compile(r"^(?:about )?([+\-\u2212]?[\d,]*\.?\d+)\s?(B|kB|MB|GB|MiB|ms|s|%|x)?$")

# Every element with evidence, and every number with a unit in the article outside code (blocks, and
# spans: they quote Dockerfile lines and commands, not figures) and popovers, with whether an element
# with evidence holds it.
COLLECT = r"""() => {
  const article = document.querySelector('article');
  const evidence = [...article.querySelectorAll('[data-evidence]')].map(e => ({
    pointer: e.dataset.evidence, text: e.textContent.trim(), formula: e.dataset.formula || null,
    inputs: e.dataset.inputs ? JSON.parse(e.dataset.inputs) : null, factor: Number(e.dataset.factor || 1)}));
  const history = [...article.querySelectorAll('[data-history]')].map(e => ({
    pointer: e.dataset.history, text: e.textContent.trim(), formula: e.dataset.formula || null,
    inputs: e.dataset.inputs ? JSON.parse(e.dataset.inputs) : null, factor: Number(e.dataset.factor || 1)}));
  const owned = [...article.querySelectorAll('[data-budget], [data-constant]')].map(e => ({
    budget: Number(e.dataset.budget || 0), field: e.dataset.budgetField || null,
    constant: e.dataset.constant || null, scale: Number(e.dataset.scale || 1), text: e.textContent.trim()}));
  const claims = [...article.querySelectorAll('[data-claim]')].map(e => ({
    key: e.dataset.claim, field: e.dataset.claimField, text: e.textContent.trim(),
    base: e.dataset.base || null, weights: e.dataset.weights ? JSON.parse(e.dataset.weights) : null,
    formula: e.dataset.formula || null, inputs: e.dataset.inputs ? JSON.parse(e.dataset.inputs) : null,
    factor: Number(e.dataset.factor || 1)}));
  const unit = '(?:B|bytes?|kB|KB|MB|GB|KiB|MiB|GiB|ns|\\u00b5s|ms|s|sec|seconds?|min|minutes?' +
    '|%|pp|x|\\u00d7)(?![A-Za-z0-9])';
  const number = new RegExp('[+\\-\\u2212]?\\d[\\d,]*(?:\\.\\d+)?[\\s\\u00a0]?' + unit, 'g');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const carried = '[data-evidence], [data-claim], [data-history], [data-budget], [data-constant]';
  let total = 0; const bare = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (parent.closest('pre, code, script, style, .evidence-pop, .headerlink')) continue;
    for (const found of node.textContent.matchAll(number)) {
      total++;
      const context = node.textContent.trim().slice(0, 60);
      if (!parent.closest(carried)) bare.push(found[0] + ' in "' + context + '"');
    }
  }
  return {evidence, history, claims, owned, total, bare};
}"""


def resolve(document: Any, text: str) -> Any:
    """RFC 6901, written out again here so the site's own resolver is not its witness."""
    value = document
    for token in text.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


def recompute(formula: str, inputs: list[float], factor: int) -> float:
    first, *rest = inputs
    second = rest[0] if rest else 0.0
    return {
        "reduction": lambda: (1 - second / first) * 100,
        "ratio": lambda: first / second,
        "saving": lambda: (first - second) * factor,
        "share": lambda: second / first * 100,
        "percent": lambda: first * 100,
        "change": lambda: first - second,
    }[formula]()


def disagreement(shown: str, value: Any) -> str | None:
    """None when `shown` is a formatting of `value` (within the rounding of its last digit); a list
    is shown as the count of its items (a build's steps)."""
    if isinstance(value, list):
        value = len(value)
    if isinstance(value, bool):
        return None if shown == ("yes" if value else "no") else f"{shown!r} is not {value}"
    if isinstance(value, str):
        return (
            None
            if shown in (value, value[:12], value.removeprefix("sha256:")[:12])
            else f"{shown!r} != {value!r}"
        )
    match = SHOWN.match(shown.replace("\u00a0", " "))
    if match is None:
        return f"{shown!r} is not a number with a unit"
    digits, unit = match.group(1).replace(",", "").replace("\u2212", "-"), match.group(2) or ""
    decimals = len(digits.partition(".")[2])
    number, scale = float(digits), SCALE[unit]
    # Three significant digits, a rounded percentage: half the last digit shown either way.
    allowed = 0.5 * 10**-decimals * scale * (1 + 1e-9)
    return (
        None if abs(number * scale - float(value)) <= allowed else f"{shown!r} is not {value} (±{allowed:g})"
    )


#: The report's printed values, as the claims file holds them ("29.8 MB", "~15 MB", "20-30%", "40x").
PRINTED = re.compile(r"~?\s*(\d+(?:\.\d+)?)\s*(?:[-\u2013]\s*(\d+(?:\.\d+)?))?\s*([A-Za-z%\u00d7]*)")
PRINTED_SCALE = {**SCALE, "KB": 1e3, "sec": 1, "\u00d7": 1}


def printed(text: str) -> list[float]:
    """The value(s) of a claims-file value, in the data's units, read here on its own."""
    match = PRINTED.fullmatch(text.strip())
    assert match is not None, text
    return [float(each) * PRINTED_SCALE[match[3]] for each in match.groups()[:2] if each is not None]


def claim_problem(
    entry: dict[str, Any], each: dict[str, Any], published: Any, reported: dict[str, str]
) -> str | None:
    """None when a `data-claim` element shows its entry's `field` of the published claims file, or,
    for a difference, the measured value (recomputed from its inputs) against the claimed one."""
    field, text = each["field"], each["text"].replace("\u2212", "-")
    if field == "claimed" and entry["measure"] == "fact":  # the report's words, shown as they are
        return (
            None
            if each["text"] == entry["claimed"].replace("`", "")
            else f"{each['text']!r} != {entry['claimed']!r}"
        )
    if field == "claimed":
        values, parts = printed(entry["claimed"]), text.split(" to ")
        if len(values) != len(parts):
            return f"{text!r} is not {entry['claimed']!r}"
        return next(filter(None, (disagreement(p, v) for p, v in zip(parts, values, strict=True))), None)
    if field == "topic":  # the claims file's words, Markdown's backticks gone
        return None if text == entry["topic"].replace("`", "") else f"{text!r} != {entry['topic']!r}"
    if field == "base":
        return disagreement(each["text"], printed(reported[each["base"]])[0])
    if field == "weighed":
        # Each base at 0 or at the claims file's weight for it: the corners the judgment spans.
        wrong = {ref: w for ref, w in each["weights"].items() if w not in (0, printed(reported[ref])[0])}
        return f"weights {wrong} are no corner of the claims file's [reported_bases]" if wrong else None
    tolerance = entry.get("tolerance", "10%")
    if field == "tolerance":
        numbers = [re.findall(r"\d+(?:\.\d+)?", said) for said in (text, tolerance)]
        same = [float(n) for n in numbers[0]] == [float(n) for n in numbers[1]]
        return None if same and ("pp" in text) == ("pp" in tolerance) else f"{text!r} is not {tolerance!r}"
    if field != "difference":
        return f"unknown claim field {field!r}"
    if not each["inputs"]:
        return None  # of a stand-in at an assumed weight: the key resolving is all a reader can check
    inputs = [float(disagreement_value(resolve(published, p))) for p in each["inputs"]]
    value = recompute(each["formula"], inputs, each["factor"]) if each["formula"] else inputs[0]
    claimed, points = printed(entry["claimed"]), "pp" in tolerance
    low, high = claimed[0], claimed[-1]
    nearest = value if low <= value <= high else (low if value < low else high)
    off = value - nearest if points else (value - nearest) / nearest * 100
    return disagreement(text.removesuffix(" pp").replace(" %", "%").replace("%", " %"), off)


def disagreement_value(value: Any) -> Any:
    return len(value) if isinstance(value, list) else value


def owned_problem(each: dict[str, Any], budgets: list[dict[str, Any]]) -> str | None:
    """None when a figure of the project's own (a budget's words or limit, a constant of the code)
    shows what the published budgets file, or the named constant, holds."""
    if each["constant"]:
        module, _, name = each["constant"].rpartition(".")
        return disagreement(each["text"], getattr(importlib.import_module(module), name) * each["scale"])
    number, field = each["budget"], each["field"]
    if not 1 <= number <= len(budgets) or field not in budgets[number - 1]:
        return f"no field {field!r} in [[budget]] #{number} of the published budgets file"
    value = budgets[number - 1][field]
    if isinstance(value, str):
        return None if each["text"] == value else f"{each['text']!r} != {value!r}"
    return disagreement(each["text"], value)


@pytest.fixture(scope="module")
def site(served_committed_site: tuple[str, Path]) -> tuple[str, list[str]]:
    """The committed data's site (built once a session, conftest.py) and the URL of each page."""
    base, folder = served_committed_site
    pages = folder.glob("**/index.html")
    urls = sorted("/" + str(path.parent.relative_to(folder)).replace(".", "") + "/" for path in pages)
    return base, [url.replace("//", "/") for url in urls]


@needs_chromium
def test_every_number_resolves_in_the_published_data(site: tuple[str, list[str]]) -> None:
    from playwright.sync_api import sync_playwright

    base, urls = site
    problems, coverage = [], {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport=WIDE)
            published = json.loads(page.request.get(base + "/data/measurements.json").text())
            history = json.loads(page.request.get(base + "/data/history.json").text())
            budgets = tomllib.loads(page.request.get(base + "/data/budgets.toml").text())["budget"]
            claims_file = tomllib.loads(page.request.get(base + "/data/claims.toml").text())
            claims = {entry["key"]: entry for entry in claims_file["claim"]}
            for url in urls:
                visit(page, base + url, wait_until="load")
                found = page.evaluate(COLLECT)
                for each, document in (
                    *((each, published) for each in found["evidence"]),
                    *((each, history) for each in found["history"]),
                ):
                    where = f"{url} {each['pointer']}"
                    try:
                        if each["formula"]:
                            inputs = [float(resolve(document, p)) for p in each["inputs"]]
                            value: Any = recompute(each["formula"], inputs, each["factor"])
                        else:
                            value = resolve(document, each["pointer"])
                    except (KeyError, IndexError, ValueError, TypeError) as error:
                        problems.append(f"{where}: does not resolve ({error!r})")
                        continue
                    wrong = disagreement(each["text"], value)
                    if wrong:
                        problems.append(f"{where}: {wrong}")
                for each in found["claims"]:
                    entry = claims.get(each["key"])
                    wrong = (
                        f"no claim {each['key']!r} in the published claims file"
                        if entry is None
                        else claim_problem(entry, each, published, claims_file.get("reported_bases", {}))
                    )
                    if wrong:
                        problems.append(f"{url} claim {each['key']} {each['field']}: {wrong}")
                for each in found["owned"]:
                    wrong = owned_problem(each, budgets)
                    if wrong:
                        problems.append(f"{url} {each['constant'] or each['budget']}: {wrong}")
                total, bare = found["total"], found["bare"]
                coverage[url] = (total - len(bare), total)
                if total and (total - len(bare)) / total < 0.95:
                    problems.append(
                        f"{url}: {total - len(bare)} of {total} numbers carry evidence; bare: {bare}"
                    )
        finally:
            browser.close()
    for url, (carried, total) in coverage.items():
        print(f"{url}: {carried}/{total} numbers with a unit carry evidence")
    assert sum(total for _, total in coverage.values()) >= 100, coverage
    assert not problems, "\n".join(problems)


def _open(page: Any) -> Any:
    return page.locator(".evidence-pop:popover-open")


def _axe(page: Any) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[str] = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' +"
        " v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))"
    )
    return found


# Each popover on the page, opened by focus as a reader opens it, and each word in it broken across
# lines though it would fit on one. A break after a hyphen or a slash, or inside a token longer than
# the line (a digest), is one the text allows.
BROKEN_WORDS = r"""() => {
  const broken = [];
  for (const button of document.querySelectorAll('article .evidence-value')) {
    button.focus();
    const pop = document.getElementById(button.getAttribute('aria-describedby'));
    const style = getComputedStyle(pop);
    const line = pop.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(pop, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, text = node.textContent, range = document.createRange();
      for (const word of text.matchAll(/\S+/g)) {
        range.setStart(node, word.index); range.setEnd(node, word.index + word[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (rects.length < 2 || rects.reduce((sum, r) => sum + r.width, 0) > line) continue;
        for (let i = 1; i < word[0].length; i++) {
          range.setStart(node, word.index + i - 1); range.setEnd(node, word.index + i);
          const before = range.getClientRects()[0];
          range.setStart(node, word.index + i); range.setEnd(node, word.index + i + 1);
          const after = range.getClientRects()[0];
          if (before && after && after.top > before.top + 2 && !/[-\/]/.test(word[0][i - 1]))
            broken.push(word[0].slice(0, i) + '|' + word[0].slice(i));
        }
      }
    }
    button.blur();
  }
  return broken;
}"""


# A point on the article's text in the window, off the open popover and every figure: "elsewhere".
# (Tapping the title scrolled it into view, and the popover, which follows its figure, could cover it.)
ELSEWHERE = r"""() => {
  const pop = document.querySelector('.evidence-pop:popover-open').getBoundingClientRect();
  for (let y = 60; y < window.innerHeight; y += 8) for (let x = 20; x < window.innerWidth; x += 20) {
    if (x >= pop.left && x <= pop.right && y >= pop.top && y <= pop.bottom) continue;
    const at = document.elementFromPoint(x, y);
    if (at && at.closest('article') && !at.closest('.evidence-pop, .evidence-value, a, button, table'))
      return [x, y];
  }
  throw new Error('no point on the article outside the popover');
}"""


def _palette(context: Any, scheme: str) -> None:
    index = 0 if scheme == "default" else 1
    context.add_init_script(
        f"localStorage.setItem('/.__palette', JSON.stringify({{index: {index}, color: "
        f"{{scheme: '{scheme}', primary: 'indigo', accent: 'indigo'}}}}))"
    )


@needs_chromium
def test_the_popover_opens_by_keyboard_and_by_tap(site: tuple[str, list[str]], tmp_path: Path) -> None:
    """Tab reaches a number and opens its popover without moving the page; Escape closes it; a tap
    opens it at 390 px, inside the window; axe finds nothing serious with it open, in both palettes."""
    from playwright.sync_api import sync_playwright

    base, _ = site
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for scheme, name in (("default", "light"), ("slate", "dark")):
                context = browser.new_context(viewport=WIDE)
                _palette(context, scheme)
                page = context.new_page()
                visit(page, base + "/sizes/")
                first = page.locator("table .evidence-value").first
                before = first.bounding_box()
                for _ in range(400):
                    page.keyboard.press("Tab")
                    if page.evaluate("document.activeElement.matches('table .evidence-value')"):
                        break
                else:
                    pytest.fail("Tab never reached a number in a table on /sizes/")
                assert _open(page).count() == 1
                shown = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
                assert _open(page).get_attribute("id") == shown
                assert "see it yourself:" in _open(page).inner_text()
                assert first.bounding_box() == before  # the popover moved nothing
                page.screenshot(path=str(shots / f"popover-{name}-1440.png"))
                problems += [f"{name} 1440 px: axe {each}" for each in _axe(page)]
                page.keyboard.press("Escape")
                assert _open(page).count() == 0
                context.close()

                phone = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True)
                _palette(phone, scheme)
                page = phone.new_page()
                visit(page, base + "/")
                target = page.locator("article .evidence-value").first
                target.scroll_into_view_if_needed()
                target.tap()
                assert _open(page).count() == 1
                box = _open(page).bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
                page.screenshot(path=str(shots / f"popover-{name}-390.png"))
                problems += [f"{name} 390 px: axe {each}" for each in _axe(page)]
                page.touchscreen.tap(*page.evaluate(ELSEWHERE))  # a tap elsewhere closes it
                assert _open(page).count() == 0
                for url in ("/sizes/", "/ledger/"):  # commands, pointers, the claims file's lines
                    visit(page, base + url)
                    broken = page.evaluate(BROKEN_WORDS)
                    problems += [f"{name} 390 px {url}: a word broken mid-line: {each}" for each in broken]
                phone.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
