"""Reading a Dockerfile's FROM and EXPOSE lines as `docker build` would fill them in."""

from __future__ import annotations

from labreport.contract.dockerfile import parse


def test_stages_with_arguments_aliases_and_scratch() -> None:
    text = (
        "# a comment\nARG BASE=golang:1.24-alpine\nARG RUN\nFROM --platform=linux/amd64 ${BASE} AS build\n"
        "RUN echo \\\n  two lines\nFROM build AS test\nFROM $RUN\nFROM scratch\nEXPOSE 8000 9000/udp\n"
    )
    parsed = parse(text, {"RUN": "alpine:3.20"})
    images = [stage.image for stage in parsed.stages]
    assert images == ["golang:1.24-alpine", "build", "alpine:3.20", "scratch"]
    # `FROM build` starts from the stage named build, so from golang; scratch is no base.
    assert [parsed.base_of(stage) for stage in parsed.stages] == [
        "golang:1.24-alpine",
        "golang:1.24-alpine",
        "alpine:3.20",
        None,
    ]
    assert parsed.exposed == (8000, 9000)
    # A build argument given overrides the ARG default, as --build-arg does.
    assert parse(text, {"BASE": "golang:1.25"}).stages[0].image == "golang:1.25"
