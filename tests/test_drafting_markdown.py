"""A report read as lines: fences, prompts, headings and list parents, line numbers 1-based into
the text as given, and a report whose UTF-8 was read as Mac Roman read repaired."""

from __future__ import annotations

from labreport.drafting.markdown import read_document, repair_encoding

REPORT = """\
# Lab notes

## Sizes

- The images:
  - final: 12.4 MB
Plain words.

```bash
$ docker images
REPOSITORY   TAG   SIZE
$ docker history app:1
IMAGE   SIZE
```

### Build

~~~
#1 [internal] load build definition from Dockerfile
~~~
"""


def test_lines_keep_their_numbers_and_text() -> None:
    document = read_document(REPORT)
    assert len(document.lines) == REPORT.count("\n") + 1
    assert document.lines[5].number == 6 and document.lines[5].text == "  - final: 12.4 MB"


def test_blocks_are_split_at_their_prompts() -> None:
    first, second = read_document(REPORT).blocks
    assert first.info == "bash" and first.headings == ("Lab notes", "Sizes")
    assert first.before == "Plain words."
    commands = [
        (segment.command_text, [line.number for line in segment.output]) for segment in first.segments
    ]
    assert commands == [("docker images", [11]), ("docker history app:1", [13])]
    assert second.headings == ("Lab notes", "Sizes", "Build")
    (segment,) = second.segments
    assert segment.command is None and [line.number for line in segment.output] == [19]


def test_prose_lines_know_their_headings_and_list_parent() -> None:
    prose = {line.line.number: line for line in read_document(REPORT).prose}
    assert sorted(prose) == [5, 6, 7]
    assert prose[6].parent == "- The images:" and prose[6].headings == ("Lab notes", "Sizes")
    assert prose[7].parent == ""


def test_a_form_feed_inside_a_line_does_not_shift_the_numbers() -> None:
    document = read_document("one\x0cstill one\ntwo 5 MB\n")
    assert [line.number for line in document.lines] == [1, 2, 3]
    assert document.prose[1].line.text == "two 5 MB"


def test_utf8_read_as_mac_roman_is_read_repaired_and_keeps_its_own_text() -> None:
    written = "- 807 MB \u2192 29.8 MB \u2705\n"
    broken = written.encode("utf-8").decode("mac_roman")
    assert broken != written
    (line,) = read_document(broken).prose
    assert line.line.text == written.rstrip("\n")
    assert line.line.raw == broken.rstrip("\n")


def test_a_sound_text_is_left_as_it_is() -> None:
    sound = "caf\u00e9 \u2192 ~5 MB, na\u00efve"
    assert repair_encoding(sound) == sound
