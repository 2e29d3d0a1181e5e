"""JSON Pointers as RFC 6901 spells them, checked against the RFC's own examples (section 5)."""

from __future__ import annotations

import pytest

from labreport.contract.pointer import PointerError, escape, locations, pointer, resolve, tokens
from records import fake_measurements

# RFC 6901, section 5: the document and what each pointer names.
RFC_DOCUMENT = {
    "foo": ["bar", "baz"],
    "": 0,
    "a/b": 1,
    "c%d": 2,
    "e^f": 3,
    "g|h": 4,
    "i\\j": 5,
    'k"l': 6,
    " ": 7,
    "m~n": 8,
}
RFC_EXAMPLES = {
    "/foo": ["bar", "baz"],
    "/foo/0": "bar",
    "/": 0,
    "/a~1b": 1,
    "/c%d": 2,
    "/e^f": 3,
    "/g|h": 4,
    "/i\\j": 5,
    '/k"l': 6,
    "/ ": 7,
    "/m~0n": 8,
}


@pytest.mark.parametrize(("text", "expected"), RFC_EXAMPLES.items())
def test_every_example_of_the_rfc_resolves_to_its_value(text: str, expected: object) -> None:
    assert resolve(RFC_DOCUMENT, text) == expected


def test_the_empty_pointer_is_the_whole_document() -> None:
    assert resolve(RFC_DOCUMENT, "") is RFC_DOCUMENT


def test_escaping_is_tilde_first_and_undone_slash_first() -> None:
    # "~1" in a key must survive a round trip: escaping "/" first would turn it into "~01".
    assert escape("~1/") == "~01~1"
    assert tokens(pointer("~1/", 3)) == ["~1/", "3"]
    assert pointer("images", 3, "size") == "/images/3/size"
    assert pointer() == ""


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("images/0", "starts with '/'"),
        ("/m~2n", "'~' must be followed by 0 or 1"),
        ("/foo/01", "not an array index"),
        ("/foo/-", "not an array index"),
        ("/foo/2", "past the end (2 items)"),
        ("/nope", "no field 'nope' at /nope"),
        ("/foo/0/x", "/foo/0 is a str, which has no 'x'"),
    ],
)
def test_a_pointer_that_names_nothing_says_which_token(text: str, complaint: str) -> None:
    with pytest.raises(PointerError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        resolve(RFC_DOCUMENT, text)


def test_locations_name_every_record_by_its_pointer() -> None:
    data = fake_measurements()
    found = locations(data)
    document = data.model_dump(mode="json")
    image = data.images[2]
    assert found[id(image)] == "/images/2" and found[id(image.layers)] == "/images/2/layers"
    assert found[id(image.layers[1])] == "/images/2/layers/1"
    # Every pointer resolves, in the dumped file, to the record it was found for.
    records = {id(image.layers[1]): image.layers[1], id(data.provenance): data.provenance}
    for ident, record in records.items():
        assert resolve(document, found[ident]) == record.model_dump(mode="json")
