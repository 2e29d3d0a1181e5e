"""A report's claims drafted from its own text: every parser run over its code blocks, the prose
reader over its sentences and over what the parsers left in the blocks, then one claim per thing
said, keyed, with the line (1-based) it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .buildlogs import BuildLog, build_kind, parse_build
from .claim import UNMATCHED, DraftedClaim, deduplicated, with_keys
from .context import FINAL, ReportImages, read_images
from .facts import read_facts
from .history import history_ref, is_history_output, parse_history
from .images import is_images_output, parse_images
from .instructions import words
from .markdown import Block, Line, Segment, read_document
from .prose import Place, Setting, read_line
from .push import is_push_output, parse_push
from .responses import parse_answers, shown
from .units import Value

_EMPHASIS = re.compile(r"\*\*(?P<value>[^*]+)\*\*")  # a figure the writer put in bold
_SAME_BUILD = re.compile(r"\bsame build\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:](?:\*\*)?\s")
_DOCKERFILE = ("FROM ", "RUN ", "COPY ", "ADD ", "WORKDIR ", "USER ", "CMD ", "ENTRYPOINT ", "ENV ", "ARG ")


def _figure(
    line: Line, value: Value, measure: str, topic: str, **arguments: str | int | None
) -> DraftedClaim:
    tolerance = "1 pp" if value.kind == "percent" else "10%"
    return DraftedClaim(
        key="",
        topic=topic,
        claimed=value.text,
        measure=measure,
        line=line.number,
        text=line.raw,
        tolerance=tolerance,
        **arguments,  # type: ignore[arg-type]
    )


def _not_ours(line: Line, value: Value, ref: str) -> DraftedClaim:
    return DraftedClaim(
        key="",
        topic="not matched",
        claimed=value.text,
        measure=UNMATCHED,
        line=line.number,
        text=line.raw,
        note=f"{ref} is not one of the project's images or bases",
    )


def _images(segment: Segment, images: ReportImages) -> tuple[list[DraftedClaim], set[int]]:
    claims: list[DraftedClaim] = []
    rows = parse_images(segment.output, segment.command_text)
    for row in rows:
        of = images.of(row.ref)
        if of is None:
            claims.append(_not_ours(row.line, row.size, row.ref))
            continue
        claims.append(_figure(row.line, row.size, "image-size", f"{of} image size", of=of))
        if row.content_size is not None:
            claims.append(_figure(row.line, row.content_size, "download-size", f"{of} content size", of=of))
    return claims, {line.number for line in segment.output}  # the table's every line, <none> rows too


def _history(segment: Segment, images: ReportImages, setting: Setting) -> tuple[list[DraftedClaim], set[int]]:
    ref = history_ref(segment.command_text)
    image = (images.of(ref) if ref else None) or images.final
    claims: list[DraftedClaim] = []
    rows = parse_history(segment.output)
    setting.last_history = [row.instruction for row in rows]
    for row in rows:
        if row.instruction.upper().startswith("FROM "):
            base = row.instruction.split()[1]
            of = images.of(base) or base
            claims.append(_figure(row.line, row.size, "image-size", f"{of} image size", of=of))
            continue
        if row.size.low == 0:
            continue  # metadata (CMD, USER, WORKDIR): nothing to weigh
        setting.layers.append(row.instruction)
        named = words(row.instruction)
        setting.layer_of.setdefault(named, image)
        setting.layer_sizes[row.size.value] = (named, image)  # the block read last speaks for a size
        claims.append(
            _figure(row.line, row.size, "layer-size", f"layer {named}", of=image, instruction=named)
        )
    return claims, {line.number for line in segment.output}  # the base's rows name no instruction


def _build(log: BuildLog, kind: str, setting: Setting) -> list[DraftedClaim]:
    claims: list[DraftedClaim] = []
    if log.total is not None and log.total_line is not None:
        claims.append(_figure(log.total_line, log.total, "build-total", f"{kind} build, total", kind=kind))
    for step in log.steps:
        setting.steps.append(step.instruction)
        if step.seconds is not None and step.seconds.high > 0:
            named = words(step.instruction)
            topic = f"{kind} build, step {named}"
            claims.append(_figure(step.line, step.seconds, "step-time", topic, kind=kind, instruction=named))
    for stage, (count, line) in log.stage_counts.items():
        claims.append(
            DraftedClaim(
                key="",
                topic=f"steps of {stage or 'the build'} ({log.builder})",
                claimed=str(count),
                measure="step-count",
                of=stage or None,
                kind=None if stage else kind,  # a whole build's count is the measure's; a stage's is not
                line=line.number,
                text=line.raw,
                tolerance="0%",
            )
        )
    return claims


def _push(segment: Segment, images: ReportImages) -> tuple[list[DraftedClaim], set[int]]:
    claims: list[DraftedClaim] = []
    consumed: set[int] = set()
    for log in parse_push(segment.output, segment.command_text):
        of = images.of(log.ref) or images.final
        note = f"manifest of {log.manifest_size} bytes; {len(log.layers)} layers, {log.pushed} pushed"
        claims.append(
            DraftedClaim(
                key="",
                topic=f"digest pushed for {of}",
                claimed=log.digest,
                measure="push-digest",
                of=of,
                line=log.line.number,
                text=log.line.raw,
                note=note,
            )
        )
        consumed |= log.consumed
    return claims, consumed


def _answers(segment: Segment, setting: Setting) -> tuple[list[DraftedClaim], set[int]]:
    claims: list[DraftedClaim] = []
    consumed: set[int] = set()
    for answer in parse_answers(segment.output, segment.command_text):
        problems = "; ".join(answer.problems)
        for index, value in enumerate(answer.fields):
            setting.answered.setdefault(shown(value.value), []).append((answer.endpoint, value.field))
            notes = ["the spec pins this value"] if value.pinned else []
            if index == 0 and problems:
                notes.append(f"the report's answer differs from the spec: {problems}")
            claims.append(
                _answered(answer.endpoint, value.field, shown(value.value), value.line, "; ".join(notes))
            )
        consumed |= answer.consumed
    return claims, consumed


def _block(
    block: Block, images: ReportImages, setting: Setting
) -> tuple[list[DraftedClaim], list[tuple[Line, Place]]]:
    """The claims the parsers read in a block, and the lines they left for the prose reader."""
    claims: list[DraftedClaim] = []
    left: list[tuple[Line, Place]] = []
    around = " ".join([*block.headings, block.before])
    for segment in block.segments:
        command = segment.command_text
        consumed: set[int] = set()
        kind: str | None = None
        if is_images_output(segment.output, command):
            found, used = _images(segment, images)
            claims += found
            consumed |= used
        if is_history_output(segment.output, command):
            found, used = _history(segment, images, setting)
            claims += found
            consumed |= used
        log = parse_build(segment.output)
        if log is not None:
            said = " ".join([around, command])
            # "the same build in the normal view": the log read before, printed another way
            same = setting.last_build_kind if _SAME_BUILD.search(block.before) else None
            kind = same or build_kind(log, said)
            setting.last_build_kind = kind
            claims += _build(log, kind, setting)
            consumed |= log.consumed
        if is_push_output(segment.output, command):
            found, used = _push(segment, images)
            claims += found
            consumed |= used
        found, used = _answers(segment, setting)
        claims += found
        consumed |= used
        place = Place(headings=block.headings, parent=block.before, build_kind=kind)
        for line in segment.output:
            claims += read_facts(line, around)
            if line.number not in consumed and not line.text.lstrip().startswith(_DOCKERFILE):
                left.append((line, place))
    return claims, left


def draft(report_text: str, known_images: Mapping[str, str]) -> list[DraftedClaim]:
    """Every claim the report's text makes, in report order, one per thing said, keyed.

    `known_images` names the project's images and bases: reference -> the `of` claims use
    ("devops-info-service:alpine" -> "alpine", "golang:1.25" -> "golang:1.25").
    """
    document = read_document(report_text)
    images = read_images(document, known_images)
    setting = Setting(images=images)
    claims: list[DraftedClaim] = []
    to_read: list[tuple[Line, Place]] = []
    for block in document.blocks:
        found, left = _block(block, images, setting)
        claims += found
        to_read += left
    for claim in claims:
        if claim.measure == "image-size" and claim.of is not None:
            setting.sizes.setdefault(_bytes(claim.claimed), claim.of)
    by_number = {prose.line.number: prose.line for prose in document.prose}
    to_read += [
        (prose.line, Place(headings=prose.headings, parent=prose.parent, lead=_lead(by_number, prose.line)))
        for prose in document.prose
    ]
    for line, place in sorted(to_read, key=lambda item: item[0].number):
        claims += read_line(line, place, setting)
        claims += _restated(line, setting)
        if place.build_kind is None:
            following = by_number.get(line.number + 1)
            tail = following.text if following is not None and not _starts_item(following) else ""
            final = None if images.final == FINAL else images.final
            claims += read_facts(line, " ".join([*place.headings, place.parent]), tail, final)
    return with_keys(deduplicated(claims))


def _answered(endpoint: str, name: str, claimed: str, line: Line, note: str = "") -> DraftedClaim:
    """The claim that `endpoint` answers `claimed` in its field `name`, read on `line`."""
    return DraftedClaim(
        key="",
        topic=f"{endpoint} answers {name}",
        claimed=claimed,
        measure="probe-field",
        endpoint=endpoint,
        field=name,
        line=line.number,
        text=line.raw,
        note=note or None,
    )


def _restated(line: Line, setting: Setting) -> list[DraftedClaim]:
    """A value the service answered, said again in a sentence beside its field's name ("it answers
    as version **2.4.1** with its **12** items"): the same probe-field claim, on this line."""
    claims: list[DraftedClaim] = []
    for span in _EMPHASIS.finditer(line.text):
        said = span.group("value").strip()
        window = line.text[max(0, span.start() - 30) : span.end() + 30]
        for endpoint, name in setting.answered.get(said, []):
            if re.search(rf"\b{re.escape(name)}\b", window, re.IGNORECASE):
                claims.append(_answered(endpoint, name, said, line))
                break
    return claims


def _starts_item(line: Line) -> bool:
    """A list item's first line or a table row: not the sentence of the line above going on."""
    return line.text.lstrip().startswith(("-", "*", "|", "#")) or line.text.strip()[:2].isdigit()


def _lead(prose: dict[int, Line], line: Line) -> str:
    """The words of the sentence a line continues: the line above from its last sentence's start,
    when it is prose of the same paragraph (not a list item's start or a table row)."""
    above = prose.get(line.number - 1)
    if above is None or _starts_item(line):
        return ""
    ends = list(_SENTENCE_END.finditer(above.text))
    return above.text[ends[-1].end() :] if ends else above.text


def _bytes(claimed: str) -> float:
    from .units import parse_value

    return parse_value(claimed).value
