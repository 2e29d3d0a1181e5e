"""The images a report talks about, and what each is called in the claims vocabulary (`of`).

The caller names the project's images and bases (`known`: reference -> of). What the report
itself shows adds to that: the tags its `docker build -t` commands give are its final image, the
`FROM` lines of its Dockerfile blocks and the other images its `docker images` tables list are
bases (named by reference), and the stage called `builder`
(or a multi-stage file's first stage) is the builder. Family words ("alpine", "distroless",
"Debian-based") pick among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .images import is_images_output, normal_ref, parse_images
from .markdown import Document

_BUILD_TAG = re.compile(r"\bdocker\s+(?:image\s+)?(?:buildx\s+)?build\b.*?(?:-t|--tag)[=\s]+(?P<ref>\S+)")
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(?P<ref>\S+)(?:\s+AS\s+(?P<stage>\S+))?", re.IGNORECASE)
#: Family words, and what a reference of that family looks like.
FAMILIES: dict[str, re.Pattern[str]] = {
    "distroless": re.compile(r"distroless"),
    "scratch": re.compile(r"^scratch$|:scratch$"),
    "alpine": re.compile(r"alpine"),
    "debian": re.compile(r"^golang:[\d.]+$|debian|bookworm|bullseye|^(?:debian|ubuntu):"),
    "golang": re.compile(r"^golang:"),
}
_FAMILY_WORDS = {
    "distroless": "distroless",
    "scratch": "scratch",
    "alpine": "alpine",
    "debian": "debian",
    "debian-based": "debian",
    "bookworm": "debian",
    "full": "debian",
    "golang": "golang",
    "go sdk": "golang",
}
FINAL = "final"
BUILDER = "builder"


@dataclass(kw_only=True)
class ReportImages:
    known: dict[str, str]  # normal reference -> of
    built: set[str] = field(default_factory=set)  # the report's `docker build -t` tags
    bases: list[str] = field(default_factory=list)  # FROM references, in order
    builder_base: str | None = None

    @property
    def final(self) -> str:
        """What the report's own image is called: the caller's name for a built tag, else "final"."""
        names = [self.known[ref] for ref in sorted(self.built) if ref in self.known]
        return names[0] if names else FINAL

    def of(self, ref: str) -> str | None:
        """The claims name of an image by its reference, or None for one the report does not own."""
        normal = normal_ref(ref)
        if normal in self.known:
            return self.known[normal]
        if normal in self.built:
            return self.final
        return normal if normal in self.bases else None

    def references(self) -> list[str]:
        """Every image the report or the caller names, bases and the caller's refs."""
        return list(dict.fromkeys([*self.known, *self.bases]))

    def variants(self) -> list[str]:
        """The caller's names that are not references: the project's variants ("scratch", "alpine")."""
        return [name for ref, name in self.known.items() if name != ref]


def families(words: str) -> list[str]:
    lowered = words.lower()
    return list(
        dict.fromkeys(family for word, family in _FAMILY_WORDS.items() if re.search(rf"\b{word}\b", lowered))
    )


def read_images(document: Document, known: Mapping[str, str]) -> ReportImages:
    images = ReportImages(known={normal_ref(ref): of for ref, of in known.items()})
    for block in document.blocks:
        for segment in block.segments:
            tag = _BUILD_TAG.search(segment.command_text)
            if tag:
                images.built.add(normal_ref(tag.group("ref")))
        for segment in block.segments:  # an image the report lists and did not build is a base
            if is_images_output(segment.output, segment.command_text):
                for row in parse_images(segment.output, segment.command_text):
                    ours = row.ref.rsplit(":", 1)[0] in {ref.rsplit(":", 1)[0] for ref in images.built}
                    if (
                        not ours and row.ref not in images.bases
                    ):  # another tag of the report's image is no base
                        images.bases.append(row.ref)
        stages = [match for line in block.lines if (match := _FROM.match(line.text))]
        for match in stages:
            ref = normal_ref(match.group("ref"))
            if ref not in images.bases and not any(ref == s.group("stage") for s in stages):
                images.bases.append(ref)
        named = [match for match in stages if (match.group("stage") or "").lower() == BUILDER]
        first = named[0] if named else (stages[0] if len(stages) > 1 else None)
        if first is not None and images.builder_base is None:
            images.builder_base = normal_ref(first.group("ref"))
    return images


def mentioned(text: str, images: ReportImages) -> list[str]:
    """The references of known images a text names, by their written reference."""
    found = []
    for ref in images.references():
        short = ref.removesuffix(":latest")
        if re.search(rf"(?<![\w./:-]){re.escape(short)}(?![\w.:-])", text):
            found.append(ref)
    return found


def by_family(
    words: str, images: ReportImages, context: Iterable[str] = (), base: bool = False
) -> str | None:
    """The one image the family words fit: the one reference of that family the context names; a
    variant of that family unless the words speak of a base; else the reference whose repository
    is the family's name ("alpine" is alpine:3.19 before golang:1.25-alpine)."""
    wanted = families(words)
    if not wanted:
        return None
    pool = [ref for ref in images.references() if all(FAMILIES[family].search(ref) for family in wanted)]
    if base:  # a base, not one of the project's own images
        pool = [ref for ref in pool if images.known.get(ref, ref) == ref]
    narrowed = [ref for ref in pool if ref in set(context)]
    if len(narrowed) == 1:
        return images.of(narrowed[0])
    if not base:
        variants = [name for name in images.variants() if all(family in name for family in wanted)]
        if len(variants) == 1 and all(family in ("distroless", "scratch", "alpine") for family in wanted):
            return variants[0]
    pool = narrowed or pool
    if len(pool) > 1:
        exact = [ref for ref in pool if ref.split(":")[0].rsplit("/", 1)[-1] in wanted]
        pool = exact or pool
    if len(pool) == 1:
        return images.of(pool[0])
    return None
