"""Figures in a report's sentences (and in the remarks people type into logs), matched to a
measure by the words around them; a figure the words do not tie to one is kept as not matched,
with its line and its words, for a person to place.

The words of a figure are those between it and its neighbours on the line; the headings above it
and the list item it hangs from say what a section is about ("Option 2: Distroless").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..report.derive import CUT
from .claim import UNMATCHED, DraftedClaim
from .context import FINAL, ReportImages, by_family, families, mentioned
from .instructions import words as instruction_words
from .markdown import Line
from .units import Found, find_values

_ARROW = re.compile(r"^\s*(?:→|->|=>|⟶|➜|to|into)\s*$")
#: Counts people spell out ("ten containers").
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "twenty": 20, "fifty": 50, "hundred": 100, "a hundred": 100, "thousand": 1000, "a thousand": 1000,
}  # fmt: skip
_CONTAINERS = re.compile(
    rf"\b(\d[\d,]*|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})\s+"
    r"(?:containers|instances|replicas|copies|pods)\b",
    re.IGNORECASE,
)
#: What a saving over many containers is called: "saves 4.2 GB", "would cost 3.5 GB more".
_SAVING = re.compile(r"\bsav(?:e|es|ed|ing|ings)\b|\bcosts?\b.*\bmore\b|\binstead of\b", re.IGNORECASE)
_COUNTED = re.compile(r"^\W*(?:packages?|pkgs?|steps)\b", re.IGNORECASE)
_STEPS = re.compile(r"^\W*steps\b", re.IGNORECASE)
_AGAINST = re.compile(
    r"\b(?:vs\.?|versus|than|compared (?:to|with)|against|over)\s+(?P<rest>.*)", re.IGNORECASE
)
_ASIDE = re.compile(r"\([^)]*(?:\)|$)")
#: A bare count compared with a package count before it ("7 packages ... against 23 in the other").
_COMPARED_COUNT = re.compile(r"\b(?:against|vs\.?|versus|compared (?:to|with))\W*$", re.IGNORECASE)
_GENERIC = {"apk", "add", "apt-get", "install", "run", "copy", "go", "the", "and", "mod"}


@dataclass(kw_only=True)
class Setting:
    """What prose lines are read against; `against` and `sizes` grow as the report is read."""

    images: ReportImages
    layers: list[str] = field(default_factory=list)  # instructions seen in `docker history` blocks
    steps: list[str] = field(default_factory=list)  # instructions seen in build logs
    sizes: dict[float, str] = field(default_factory=dict)  # an image size claimed -> its `of`
    against: str | None = None  # the comparison in force ("640 MB → 12.5 MB")
    last_difference: str | None = None
    line_subject: str | None = None  # the image a figure before, on the same line, was said of
    line_measure: str | None = None  # the measure of the figure before, on the same line
    last_history: list[str] = field(default_factory=list)  # the last history block's instructions
    layer_of: dict[str, str] = field(default_factory=dict)  # a history block's instruction -> its image
    last_build_kind: str | None = None  # the kind of the build log read last ("the same build")
    #: A layer size a history block printed -> that layer's instruction words and image.
    layer_sizes: dict[float, tuple[str, str]] = field(default_factory=dict)
    #: A value the service answered, as claims print it -> the (endpoint, field) pairs it answered.
    answered: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Place:
    """Where a line stands: the headings over it, its list parent, a build log's kind around it."""

    headings: tuple[str, ...] = ()
    parent: str = ""
    build_kind: str | None = None
    #: The sentence's words on the lines above, when it began there ("After editing one / line ...").
    lead: str = ""


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def _claim(line: Line, found: Found, measure: str, topic: str, **arguments: str | int | None) -> DraftedClaim:
    tolerance = "1 pp" if found.value.kind == "percent" else "10%"
    return DraftedClaim(
        key="",
        topic=topic,
        claimed=found.value.text,
        measure=measure,
        line=line.number,
        text=line.raw,
        tolerance=tolerance if measure != UNMATCHED else None,
        **arguments,  # type: ignore[arg-type]
    )


def _unmatched(line: Line, found: Found, words: str) -> DraftedClaim:
    return _claim(line, found, UNMATCHED, "not matched", note=f"words around it: {' '.join(words.split())!r}")


def _variant_section(place: Place, setting: Setting) -> str | None:
    """The variant a section is about, when its heading names one ("Option 1: FROM scratch")."""
    for heading in reversed(place.headings[-2:]):
        found = by_family(heading, setting.images) if families(heading) else None
        if found is not None and found in setting.images.variants():
            return found
    return None


def _image(words: str, line: str, place: Place, setting: Setting) -> str | None:
    """The image the words name: by reference, by family word, or None."""
    named = [of for ref in mentioned(words, setting.images) if (of := setting.images.of(ref))]
    if len(named) == 1:
        return named[0]
    context = mentioned(" ".join([line, place.parent, *place.headings]), setting.images)
    base = _has(r"\bbase\b", words)
    return by_family(words, setting.images, context, base=base)


def _against(words: str, line: str, place: Place, setting: Setting) -> str | None:
    match = _AGAINST.search(words)
    if match:
        named = _image(match.group("rest"), line, place, setting) or _named_variant(
            match.group("rest"), setting
        )
        if named is not None:
            return named
    return setting.against


def _named_variant(words: str, setting: Setting, besides: str | None = None) -> str | None:
    """A variant named outright ("than single-stage"), the caller's name or the report's word;
    other than `besides` when it is given (the image a comparison is of)."""
    for name in setting.images.variants():
        if name != besides and _has(rf"\b{re.escape(name)}\b", words):
            return name
    if _has(r"\b(?:build|builder) stage\b", words):
        return "builder"
    match = re.search(r"\b(single|multi)[\s-]stage\b", words, re.IGNORECASE)
    if match is None:
        return None
    if match.group(1).lower() == "multi":  # the report's own image, whatever the project calls it
        return setting.images.final if setting.images.final != besides else None
    return "single-stage"


def _layer(words: str, setting: Setting) -> str | None:
    """The instruction of a layer seen in a history block whose own words the figure's words name."""
    normal = words.lower().replace("-", " ")
    for instruction in setting.layers:
        distinctive = [
            word for word in _spoken(instruction_words(instruction)).lower().split() if word not in _GENERIC
        ]
        if distinctive and any(
            re.search(rf"\b{re.escape(w.replace('-', ' '))}\b", normal) for w in distinctive
        ):
            return instruction_words(instruction)
    return None


def _binary_layer(setting: Setting) -> str | None:
    """The one COPY of the history block read last: the binary the words speak of."""
    seen = setting.last_history or setting.layers
    copies = [instruction_words(i) for i in seen if instruction_words(i).startswith("COPY ")]
    return copies[0] if len(copies) == 1 else None


def _sized_layer(size: float, setting: Setting) -> tuple[str, str] | None:
    """The layer a history block printed at this size (to within its rounding), if one was."""
    near = [printed for printed in setting.layer_sizes if abs(printed - size) <= 0.005 * max(printed, size)]
    return setting.layer_sizes[min(near, key=lambda printed: abs(printed - size))] if near else None


def _size(
    line: Line, found: Found, said: tuple[str, str], place: Place, setting: Setting, after: Found | None
) -> DraftedClaim:
    before, words = said[0], " ".join(said)
    text, images = line.text, setting.images
    sentence = f"{place.lead} {text}"  # "ten containers of the" may end the line above
    containers = _CONTAINERS.search(sentence)
    variant = _variant_section(place, setting)
    named = [of for ref in mentioned(words, images) if (of := images.of(ref))]
    subject = (  # the words before a figure name its subject first ("`scratch` is 6.6 MB. distroless ...")
        _image(before, text, place, setting)
        or _image(words, text, place, setting)
        or variant
        or _named_variant(words, setting)
        or setting.sizes.get(found.value.value)
    )
    if containers and _SAVING.search(sentence):
        spelled = containers.group(1).lower()
        count = _NUMBER_WORDS[spelled] if spelled in _NUMBER_WORDS else int(spelled.replace(",", ""))
        # "ten containers of the single-stage image instead of ten of ours": the other image named
        against = _against(words, text, place, setting) or _named_variant(sentence, setting, images.final)
        return _claim(
            line,
            found,
            "saving",
            f"saved at {count} containers",
            of=images.final,
            against=against,
            containers=count,
        )
    if after is not None and _ARROW.match(text[found.end : after.start]):  # "640 MB → 12.5 MB"
        setting.against = subject
    if _has(r"\b(?:larger|bigger|smaller|extra|more|less)\b", words):
        if _AGAINST.search(words):
            against = _against(words, text, place, setting)
        else:  # "those 11 MB extra": the difference said before
            against = setting.last_difference or setting.against
        if against is not None:
            setting.last_difference = against
            of = variant or images.final
            return _claim(line, found, "size-difference", f"{of} against {against}", of=of, against=against)
    # "against 71 MB for the other one": the figure before on the line said what is measured
    parallel = setting.line_measure == "download-size" and _has(r"^\W*(?:against|vs\.?|versus)\b", before)
    if parallel or _has(r"(?<!un)compress|download|\bpull(?:ed)?\b|\bfetch|registry|gzip|on the wire", words):
        return _claim(line, found, "download-size", "compressed size", of=subject or images.final)
    if _has(r"\bbinary\b|\bstripped\b", " ".join([words, text])) and _has(
        r"\b(?:plain|stripped|unstripped|debug)\b|-[sw] -[sw]", words
    ):
        # The words just before the figure say which build it is: "the plain binary is 9.7 MB".
        flavour = "default" if _has(r"\b(?:plain|unstripped|debug|default)\b", before) else "stripped"
        return _claim(line, found, "binary-size", f"binary size ({flavour})", flavour=flavour)
    if _has(r"\blayers?\b", words) and (sized := _sized_layer(found.value.value, setting)):
        # "the only layer with content is the binary, 6.1 MB": the history row of that size
        instruction, of = sized
        return _claim(line, found, "layer-size", f"layer {instruction}", of=of, instruction=instruction)
    if variant is None and not named and (layer := _layer(words, setting)):
        of = setting.layer_of.get(layer, images.final)
        return _claim(line, found, "layer-size", f"layer {layer}", of=of, instruction=layer)
    if variant is None and _has(r"\bbinary\b", words) and (binary := _binary_layer(setting)):
        return _claim(line, found, "layer-size", f"layer {binary}", of=images.final, instruction=binary)
    if subject is None and _has(r"\b(?:sdk|compiler|toolchain)\b", words) and images.builder_base:
        subject = images.of(images.builder_base)
    if subject is None and _has(r"\bbuilder\b", words):
        subject = "builder"
    if subject is None and _has(
        r"final|multi[\s-]stage|uncompressed|disk usage|\btotal\b|runtime image", words
    ):
        subject = images.final
    if subject is None:
        return _unmatched(line, found, words)
    setting.sizes.setdefault(found.value.value, subject)
    return _claim(line, found, "image-size", f"{subject} image size", of=subject)


def _percent(line: Line, found: Found, words: str, place: Place, setting: Setting) -> DraftedClaim:
    context = " ".join([words, place.parent])
    if _has(r"binary|ldflags|strip|-[ws] -[ws]|debug (?:info|symbols)|dwarf", context):
        return _claim(line, found, "strip-saving", 'binary size saved by -ldflags="-w -s"')
    if _has(r"reduc|smaller|less|saving|shrink|lighter|cut", words):
        against = _against(words, line.text, place, setting) or setting.line_subject
        if against is not None:
            of = _variant_section(place, setting) or setting.images.final
            return _claim(line, found, "reduction", f"reduction against {against}", of=of, against=against)
    return _unmatched(line, found, words)


def _seconds(
    line: Line, found: Found, words: tuple[str, str], place: Place, setting: Setting
) -> DraftedClaim:
    before, after = words
    both = f"{before} {after}"
    if _has(r"\bpull", both):
        of = _image(both, line.text, place, setting) or setting.images.final
        return _claim(line, found, "pull-time", f"pull of {of}", of=of)
    headings = " ".join([*place.headings, place.parent])
    # The words before a figure speak of it first ("a cold build took 4 s, a rebuild after a change 3 s").
    kind = place.build_kind or _kind(before) or _kind(after) or _kind(place.lead) or _kind(headings)
    # A section about builds: its own heading says so, not the report's title ("... a multi-stage
    # build" over a sentence on how the server stops "within 5 seconds").
    section = " ".join([*place.headings[1:], place.parent])
    if kind is None and _has(r"\bbuild|\brebuild", " ".join([both, section])):
        kind = "cold"
    if kind is None:
        return _unmatched(line, found, both)
    for instruction in setting.steps:
        step = instruction_words(instruction)
        # the step the figure is the time of is named before it; a step named after ("because the
        # go mod download layer came from the cache") is a reason, not the subject
        said = _spoken(step)
        if step and (_has(re.escape(said), before) or (_has(r"compil", before) and "build" in said.split())):
            return _claim(line, found, "step-time", f"{kind} build, step {step}", kind=kind, instruction=step)
    return _claim(line, found, "build-total", f"{kind} build, total", kind=kind)


def _spoken(named: str) -> str:
    """An instruction's words as prose says them: "go build…" from a cut log line is "go build"."""
    return named.replace(CUT, "")


def _kind(words: str) -> str | None:
    """The build kind the words name, or None."""
    if _has(r"\bno (?:code )?changes?\b|nothing changed|\bcached\b|\bwarm\b", words):
        return "cached"
    if _has(r"code[\s_-]*chang|one[\s-]line|after (?:a |an )?(?:edit|change)|editing", words):
        return "code_change"
    if _has(r"\bcold\b|\bfirst build\b|no[\s-]cache|from scratch|clean build", words):
        return "cold"
    return None


def _ratio(line: Line, found: Found, words: str, place: Place, setting: Setting) -> DraftedClaim:
    if _has(r"faster|quicker|slower", words) and _has(r"deploy|pull|download|ship|start", words):
        compared = _AGAINST.search(words)
        against = _named_variant(compared.group("rest"), setting) if compared else None
        of = _variant_section(place, setting) or setting.images.final
        return _claim(line, found, "pull-ratio", f"pull of {of} against {against}", of=of, against=against)
    return _unmatched(line, found, words)


def _packages(line: Line, found: Found, words: str, place: Place, setting: Setting) -> DraftedClaim:
    # "7 packages in the distroless image (five Debian packages of the base, ...)": an aside in
    # brackets says what the packages are, not whose
    words = _ASIDE.sub(" ", words)
    context = " ".join([words, place.parent])
    if _has(r"\bbuilder\b|\bbuild stage\b", context):
        of: str | None = "builder"
    elif _has(r"runtime|final|production", context):
        of = setting.images.final
    else:
        of = _image(words, line.text, place, setting) or _named_variant(words, setting)
    if of is None:
        return _unmatched(line, found, words)
    return _claim(line, found, "package-count", f"packages in {of}", of=of)


def read_line(line: Line, place: Place, setting: Setting) -> list[DraftedClaim]:
    """A claim, matched or not, for every figure with a unit (or a package count) on the line."""
    counted = _has(r"\bpackages?\b", f"{place.lead} {line.text}")
    figures = [
        found
        for found in find_values(line.text, counts=True)
        if found.value.kind != "count"
        or _COUNTED.match(line.text[found.end :])
        or (counted and _COMPARED_COUNT.search(line.text[: found.start]))
    ]
    claims: list[DraftedClaim] = []
    setting.line_subject = setting.line_measure = None
    for index, found in enumerate(figures):
        start = figures[index - 1].end if index else 0
        after = figures[index + 1] if index + 1 < len(figures) else None
        before, after_text = (
            line.text[start : found.start],
            line.text[found.end : after.start if after else None],
        )
        words = f"{before} {after_text}"
        kind = found.value.kind
        if index == 0:
            before = f"{place.lead} {before}"
            words = f"{before} {after_text}"
        if kind == "bytes":
            claims.append(_size(line, found, (before, after_text), place, setting, after))
            setting.line_subject = claims[-1].of if claims[-1].measure == "image-size" else None
            setting.line_measure = claims[-1].measure
        elif kind == "percent":
            claims.append(_percent(line, found, words, place, setting))
        elif kind == "seconds":
            claims.append(_seconds(line, found, (before, after_text), place, setting))
        elif kind == "ratio":
            claims.append(_ratio(line, found, words, place, setting))
        elif _STEPS.match(line.text[found.end :]):
            kind_named = _kind(" ".join([before, place.lead, *place.headings])) or "cold"
            claims.append(
                _claim(line, found, "step-count", f"steps of a {kind_named} build", kind=kind_named)
            )
        else:
            # "against 23 in the single-stage one": what is compared is named after the figure
            compared = _COMPARED_COUNT.search(line.text[: found.start])
            claims.append(_packages(line, found, after_text if compared else words, place, setting))
    return claims


__all__ = ["FINAL", "Place", "Setting", "read_line"]
