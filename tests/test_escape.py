"""Outside text through Markdown: shown as exactly the characters it holds, never as markup."""

from __future__ import annotations

import html
import re

import markdown
import pytest

from labreport.report.escape import code, text

HOSTILE = [
    "the course's challenge",
    'say "hi" & <b>bold</b>',
    "<img src=x onerror=alert(1)>",
    "a | b `c` **d** {{ e }} {% f %} [g](javascript:h) &amp; #1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_renders_as_the_same_characters_and_no_element(value: str) -> None:
    rendered = markdown.markdown(text(value), extensions=["tables", "attr_list"])
    inner = re.fullmatch(r"<p>(.*)</p>", rendered, re.DOTALL)
    assert inner is not None, rendered
    assert "<" not in inner.group(1)
    assert html.unescape(inner.group(1)) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_code_renders_as_the_same_characters_in_one_code_span(value: str) -> None:
    rendered = markdown.markdown(code(value))
    inner = re.fullmatch(r"<p><code>(.*)</code></p>", rendered, re.DOTALL)
    assert inner is not None, rendered
    assert html.unescape(inner.group(1)).strip() == value
