"""Dockerfile instructions as build logs and `docker history` print them, and the few words that
name one ("go build", "apk add ca-certificates", "COPY app"): what a claim's `instruction` holds,
to be found again among the words of a measured layer's or step's instruction.
"""

from __future__ import annotations

import re

from ..report.derive import CUT

_LABEL = re.compile(r"^(?:CACHED\s+)?\[[^\]]*\d+/\d+\]\s*")
_ARGS_PREFIX = re.compile(r"^\|\d+(?:\s+\S+=\S*)*\s+")  # legacy build args: "|2 A=b C=d /bin/sh -c"
_SHELL = re.compile(r"^(?:RUN\s+)?/bin/(?:ba)?sh -c\s+(?:#\(nop\)\s+)?")
_OPERATORS = re.compile(r"&&|\|\||;|\|")
_TRUNCATED = re.compile(r"(?:\.\.\.|…)+$")
_KEYWORDS = {"FROM", "RUN", "COPY", "ADD", "WORKDIR", "USER", "CMD", "ENTRYPOINT", "ENV", "EXPOSE"}
_KEYWORDS |= {"LABEL", "ARG", "VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD"}
_MAX_WORDS = 3  # per shell command: "apk add ca-certificates", "go mod download"


def tidy(instruction: str) -> str:
    """An instruction in Dockerfile form: no `[stage k/n]` label, no `/bin/sh -c` or `#(nop)`,
    no `# buildkit` remark, one space between words."""
    text = _LABEL.sub("", instruction.strip())
    text = re.sub(r"\s+#\s*buildkit$", "", text)
    text = _ARGS_PREFIX.sub("", text)
    shell = _SHELL.match(text)
    if shell:
        rest = text[shell.end() :]
        first = rest.split(maxsplit=1)[0] if rest.split() else ""
        nop = "#(nop)" in shell.group(0)
        text = rest if nop or (first.upper() in _KEYWORDS and first.isupper()) else f"RUN {rest}"
    return " ".join(text.split())


def _plain(token: str) -> str | None:
    """A token that names something, not a flag, a path, an assignment or a number. A word a log or
    `docker history` cut short keeps its stump and the mark (`go build...` names "go build…", `go b…`
    "go b…"): the claim's step is the one with a word that starts so (`derive.holds`), not the first
    with a "go" in it, which is `go mod download`."""
    cut = _TRUNCATED.search(token)
    token = token[: cut.start()] if cut else token
    token = token.strip("'\"")
    if not token or token.startswith("-") or token.isdigit():
        return None
    if any(mark in token for mark in "/=:.\"'$<>()[]{}") or not re.match(r"^[A-Za-z]", token):
        return None
    return f"{token}{CUT}" if cut else token


def words(instruction: str) -> str:
    """The words that name an instruction: a RUN's commands and their plain arguments, a COPY's
    source names, a FROM's image; flags, paths and variables left out."""
    text = tidy(instruction)
    keyword, _, rest = text.partition(" ")
    keyword = keyword.upper()
    if keyword == "RUN":
        named: list[str] = []
        for command in _OPERATORS.split(rest):
            plain = [word for token in command.split() if (word := _plain(token))]
            named += plain[:_MAX_WORDS]
        return " ".join(dict.fromkeys(named))  # each word once: "adduser -S app -G app"
    if keyword in ("COPY", "ADD"):
        operands = [token for token in rest.split() if not token.startswith("--")]
        # A pasted COPY often drops its destination ("COPY --from=builder /app/server"): one operand
        # is then the source.
        sources = operands[:-1] if len(operands) > 1 else operands
        names = [_TRUNCATED.sub("", source.rstrip("/").rsplit("/", 1)[-1]) for source in sources]
        return " ".join([keyword, *[name for name in names if name and name != "."]])
    if keyword == "FROM":
        return " ".join(["FROM", *rest.split()[:1]])
    return " ".join(text.split()[:3])
