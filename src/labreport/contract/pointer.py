"""JSON Pointers (RFC 6901) into measurements.json: how a figure is named to a reader, in `labreport
verify`'s lines, `labreport explain KEY` and the site's evidence.

Part of the contract: both wings name fields the same way, so a pointer printed by one resolves in
the file the other published.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class PointerError(ValueError):
    """The pointer is malformed, or names nothing in the document; the message says which token."""


def escape(token: str | int) -> str:
    """One reference token: `~` becomes `~0` and `/` becomes `~1` (in that order, section 3)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    """`pointer("images", 3, "size")` is `/images/3/size`; no tokens is the whole document, ``."""
    return "".join(f"/{escape(token)}" for token in tokens)


def tokens(text: str) -> list[str]:
    """The reference tokens of `text`, unescaped (`~1` before `~0`, section 4)."""
    if text == "":
        return []
    if not text.startswith("/"):
        raise PointerError(f"{text!r}: a JSON Pointer starts with '/' (e.g. /images/0/size)")
    parts = text[1:].split("/")
    for part in parts:
        if "~" in part.replace("~0", "").replace("~1", ""):
            raise PointerError(f"{text!r}: '~' must be followed by 0 or 1 in {part!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in parts]


def resolve(document: Any, text: str) -> Any:
    """The value `text` names in `document` (parsed JSON); PointerError naming the first token
    that does not resolve."""
    value = document
    walked = ""  # the pointer up to and including this token
    for token in tokens(text):
        parent, walked = walked, f"{walked}/{escape(token)}"
        if isinstance(value, dict):
            if token not in value:
                raise PointerError(f"{text}: no field {token!r} at {walked}")
            value = value[token]
        elif isinstance(value, list):
            # Section 4: an array index is 0 or digits without a leading zero; "-" names no element.
            if not (token.isascii() and token.isdigit()) or (token != "0" and token.startswith("0")):
                raise PointerError(f"{text}: {token!r} at {walked} is not an array index")
            if int(token) >= len(value):
                raise PointerError(f"{text}: index {token} at {walked} is past the end ({len(value)} items)")
            value = value[int(token)]
        else:
            raise PointerError(f"{text}: {parent} is a {type(value).__name__}, which has no {token!r}")
    return value


def locations(node: Any) -> dict[int, str]:
    """The pointer of every model and list inside `node` (a loaded data file), by the object's
    identity: a judgment holds the record a figure came from, and a reader needs its pointer."""
    found: dict[int, str] = {}

    def walk(node: Any, at: str) -> None:
        if isinstance(node, BaseModel):
            found[id(node)] = at
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{at}{pointer(name)}")
        elif isinstance(node, list):
            found[id(node)] = at
            for number, each in enumerate(node):
                walk(each, f"{at}{pointer(number)}")

    walk(node, "")
    return found
