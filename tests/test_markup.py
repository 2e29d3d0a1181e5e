"""Unit tests of markup: the one table builder every Markdown table goes through."""

from __future__ import annotations

import re

import markdown

from labreport.report.markup import table


def test_a_table_is_a_header_a_rule_and_a_row_each_one_line_per_cell() -> None:
    built = table(["name", "bytes"], [["alpha", 12], ["two\nlines", ""]], align="lr")
    assert built == "| name | bytes |\n| --- | ---: |\n| alpha | 12 |\n| two lines |  |\n"


def test_python_markdown_reads_it_as_a_table_aligned_as_asked() -> None:
    # The witness: Python-Markdown's own table extension, the one the site builds with.
    rendered = markdown.markdown(table(["a", "b", "c"], [[1, 2, 3]], align="lrl"), extensions=["tables"])
    assert re.findall(r"<th(?: [^>]*)?>", rendered) == ["<th>", '<th style="text-align: right;">', "<th>"]
    assert re.findall(r"<td[^>]*>(.*?)</td>", rendered) == ["1", "2", "3"]
