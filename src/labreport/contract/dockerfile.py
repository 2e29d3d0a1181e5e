"""What a Dockerfile says about its images, read without building it: the stages' `FROM` lines (with
their `ARG` defaults filled in, as `docker build` does with no `--build-arg`) and `EXPOSE`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

_ARG = re.compile(r"ARG\s+(?P<name>\w+)(?:=(?P<value>\S+))?", re.IGNORECASE)
_FROM = re.compile(r"FROM\s+(?:--platform=\S+\s+)?(?P<image>\S+)(?:\s+AS\s+(?P<alias>\S+))?", re.IGNORECASE)
_EXPOSE = re.compile(r"EXPOSE\s+(?P<ports>.+)", re.IGNORECASE)
#: The empty image a `FROM` may name: no base at all.
Empty = Literal["scratch"]
EMPTY: str = get_args(Empty)[0]
_VARIABLE = re.compile(r"\$\{?(?P<name>\w+)\}?")


@dataclass(frozen=True)
class Stage:
    image: str  # the reference FROM names, arguments filled in; `EMPTY` for the empty image
    alias: str | None


@dataclass(frozen=True)
class Dockerfile:
    stages: tuple[Stage, ...]
    exposed: tuple[int, ...]

    def base_of(self, stage: Stage) -> str | None:
        """The image a stage starts from, following `FROM <earlier stage>`; None for scratch."""
        aliases = {one.alias: one for one in self.stages if one.alias}
        while stage.image in aliases and aliases[stage.image] is not stage:
            stage = aliases[stage.image]
        return None if stage.image == EMPTY else stage.image


def _lines(text: str) -> list[str]:
    """Instructions one a line: continuation backslashes joined, comments and blanks dropped."""
    joined = re.sub(r"\\\n", " ", text)
    return [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def parse(text: str, build_args: dict[str, str] | None = None) -> Dockerfile:
    given = build_args or {}
    defaults: dict[str, str] = {}
    stages: list[Stage] = []
    exposed: list[int] = []
    for line in _lines(text):
        if (arg := _ARG.fullmatch(line)) is not None:
            name = arg["name"]
            defaults[name] = given.get(name, arg["value"] or "")
        elif (found := _FROM.fullmatch(line)) is not None:
            image = _VARIABLE.sub(
                lambda match: defaults.get(match["name"], given.get(match["name"], "")), found["image"]
            )
            stages.append(Stage(image=image, alias=found["alias"]))
        elif (expose := _EXPOSE.fullmatch(line)) is not None:
            exposed += [
                int(port.split("/")[0]) for port in expose["ports"].split() if port.split("/")[0].isdigit()
            ]
    return Dockerfile(stages=tuple(stages), exposed=tuple(exposed))


def read(path: Path, build_args: dict[str, str] | None = None) -> Dockerfile:
    return parse(path.read_text(encoding="utf-8"), build_args)
