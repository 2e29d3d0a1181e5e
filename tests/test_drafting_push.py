"""`docker push` output recorded here against a registry on this machine, its digest checked
against the manifest the registry served (the digest is that manifest's sha256)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from labreport.drafting.markdown import Line
from labreport.drafting.push import is_push_output, parse_push

DATA = Path(__file__).parent / "data" / "reports"
LAYERS = ("827cd7441c5d", "eb05072c3118", "8eb8cbc1bf06", "9e582266c81e", "e76740ca646b")


def _pushes(name: str) -> list[tuple[str, str, int, int, tuple[tuple[str, str], ...], int]]:
    command, *output = (DATA / name).read_text(encoding="utf-8").split("\n")
    lines = [Line(number=n, text=t, raw=t) for n, t in enumerate(output, start=2)]
    assert is_push_output(lines, command.removeprefix("$ "))
    return [
        (log.ref, log.digest, log.manifest_size, log.line.number, log.layers, log.pushed)
        for log in parse_push(lines, command.removeprefix("$ "))
    ]


def test_a_first_push_recorded_here() -> None:
    manifest = (DATA / "push-manifest.json").read_bytes()
    assert _pushes("push.txt") == [
        (
            "127.0.0.1:5057/drafting-rec/app:1.0",
            f"sha256:{hashlib.sha256(manifest).hexdigest()}",
            len(manifest),
            13,
            tuple((layer, "Pushed") for layer in LAYERS),
            5,
        )
    ]


def test_a_second_push_finds_every_layer_there() -> None:
    ((_, digest, _, _, layers, pushed),) = _pushes("push-again.txt")
    assert digest == "sha256:84c09eab5b0c63151a3be35359a5d5121c95843be9eebb4059d0f54749698d68"
    assert layers == tuple((layer, "Layer already exists") for layer in LAYERS) and pushed == 0


def test_the_repository_from_the_push_line_when_no_command_was_pasted() -> None:
    lines = [
        Line(number=1, text="The push refers to repository [docker.io/someone/shop-api]", raw=""),
        Line(number=2, text="3f9c2a1b7d44: Mounted from library/alpine", raw=""),
        Line(number=3, text=f"v2: digest: sha256:{'ab' * 32} size: 1574", raw=""),
    ]
    ((ref, digest, size, line, layers, pushed),) = [
        (log.ref, log.digest, log.manifest_size, log.line.number, log.layers, log.pushed)
        for log in parse_push(lines)
    ]
    assert (ref, digest, size, line, pushed) == (
        "docker.io/someone/shop-api:v2",
        f"sha256:{'ab' * 32}",
        1574,
        3,
        0,
    )
    assert layers == (("3f9c2a1b7d44", "Mounted from library/alpine"),)
    assert not is_push_output(lines[:2], "")
