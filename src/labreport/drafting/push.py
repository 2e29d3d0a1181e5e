"""`docker push` output: the repository it pushed to, each layer's line (`abc123: Pushed`,
`Layer already exists`, `Mounted from ...`) and the digest line (`latest: digest: sha256:... size: 1234`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .markdown import Line

_COMMAND = re.compile(r"\bdocker\s+(?:image\s+)?push\s+(?:--?\S+\s+)*(?P<ref>\S+)")
_REFERS = re.compile(r"^\s*The push refers to (?:a )?repository \[(?P<repository>[^\]]+)\]")
_LAYER = re.compile(
    r"^\s*(?P<layer>[0-9a-f]{12}): "
    r"(?P<status>Pushed|Layer already exists|Mounted from \S+|Preparing|Waiting|Pushing|Retrying)\s*$"
)
_DIGEST = re.compile(
    r"^\s*(?P<tag>[\w][\w.-]*): digest: (?P<digest>sha256:[0-9a-f]{64}) size: (?P<size>\d+)\s*$"
)
_FINAL = ("Pushed", "Layer already exists", "Mounted from")


@dataclass(frozen=True, kw_only=True)
class PushLog:
    ref: str  # repository:tag pushed
    digest: str
    manifest_size: int  # bytes of the manifest, as the digest line prints it
    line: Line  # the digest line
    layers: tuple[tuple[str, str], ...]  # (short layer id, its last status), in order
    consumed: frozenset[int]

    @property
    def pushed(self) -> int:
        return sum(status == "Pushed" for _, status in self.layers)


def _repository(ref: str) -> str:
    """The repository of a reference: its tag is after the last colon that follows the last slash."""
    name, colon, tag = ref.rpartition(":")
    return name if colon and "/" not in tag else ref


def is_push_output(lines: Sequence[Line], command: str) -> bool:
    return bool(_COMMAND.search(command)) or any(_DIGEST.match(line.text) for line in lines)


def parse_push(lines: Sequence[Line], command: str = "") -> list[PushLog]:
    """One PushLog per digest line; the layers are those printed since the previous one."""
    pushed_ref = _COMMAND.search(command)
    repository = _repository(pushed_ref.group("ref")) if pushed_ref else ""
    logs: list[PushLog] = []
    statuses: dict[str, str] = {}
    consumed: set[int] = set()
    for line in lines:
        refers = _REFERS.match(line.text)
        layer = _LAYER.match(line.text)
        digest = _DIGEST.match(line.text)
        if refers:
            repository = repository or refers.group("repository")
        elif layer:
            status = layer.group("status")
            if status.startswith(_FINAL) or layer.group("layer") not in statuses:
                statuses[layer.group("layer")] = status
        elif digest:
            consumed.add(line.number)
            logs.append(
                PushLog(
                    ref=f"{repository}:{digest.group('tag')}" if repository else digest.group("tag"),
                    digest=digest.group("digest"),
                    manifest_size=int(digest.group("size")),
                    line=line,
                    layers=tuple(statuses.items()),
                    consumed=frozenset(consumed),
                )
            )
            statuses, consumed = {}, set()
            continue
        else:
            continue
        consumed.add(line.number)
    return logs
