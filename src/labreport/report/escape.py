"""Text from outside (Docker, the service, the tools, the data file) made inert before it reaches a page.

The data file is written by other processes and may hold anything an image, a log or a tool
printed: markup, pipes, backticks, Jinja braces. A page must show such text as text, never as an
element, a link, a table separator or a macro. Two forms: `text` for prose and table cells (every
character Markdown or HTML would act on becomes a numeric character reference, which both pass
through as the literal character), `code` for a code span (Markdown shows a code span's content
verbatim, so only the fence and the table pipe need care). No imports from the rest of the report,
so every module may use it.
"""

from __future__ import annotations

# Characters HTML (`&`, `<`, `>`, quotes), Markdown (emphasis, links, code, tables, escapes,
# headings, lists), Jinja and the attribute list extension would act on. One pass: escaping HTML
# first would leave `&#x27;`, whose `#` the Markdown pass would escape again into visible text.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]{}()#+-.!|~^=:$%"})


def text(value: object) -> str:
    """Outside text as inert inline Markdown, on one line."""
    return " ".join(str(value).translate(_INERT).split())


def code(value: object) -> str:
    """Outside text as a code span: a fence longer than any run of backticks inside, padded so a leading
    or trailing backtick does not join the fence. Python-Markdown's tables do not split a row on a
    pipe inside a code span, so pipes stay as they are."""
    content = " ".join(str(value).split())
    fence = "`" * (_longest_run(content, "`") + 1)
    padded = f" {content} " if "`" in content or not content else content
    return f"{fence}{padded}{fence}"


def fence_for(content: str) -> str:
    """A code fence longer than any run of backticks in `content` (at least three)."""
    return "`" * max(3, _longest_run(content, "`") + 1)


def _longest_run(content: str, char: str) -> int:
    longest = run = 0
    for each in content:
        run = run + 1 if each == char else 0
        longest = max(longest, run)
    return longest
