"""Instructions as logs and `docker history` print them, tidied to Dockerfile form, and the words
that name one; each expected text is written out by hand."""

from __future__ import annotations

import pytest

from labreport.drafting.instructions import tidy, words
from labreport.report.derive import holds


@pytest.mark.parametrize(
    ("printed", "dockerfile"),
    [
        ("RUN /bin/sh -c apk add --no-cache tzdata # buildkit", "RUN apk add --no-cache tzdata"),
        ('/bin/sh -c #(nop)  CMD ["/server"]', 'CMD ["/server"]'),
        ("/bin/sh -c #(nop) WORKDIR /src", "WORKDIR /src"),
        ("/bin/sh -c go build -o /out/server .", "RUN go build -o /out/server ."),
        ("|2 GOOS=linux GOARCH=amd64 /bin/sh -c go build .", "RUN go build ."),
        ("[builder 3/5] COPY go.mod go.sum ./", "COPY go.mod go.sum ./"),
        ("CACHED [stage-1 2/3] RUN   adduser  -D app", "RUN adduser -D app"),
        ("COPY /out/server /server # buildkit", "COPY /out/server /server"),
    ],
)
def test_tidy_gives_the_dockerfile_form(printed: str, dockerfile: str) -> None:
    assert tidy(printed) == dockerfile


@pytest.mark.parametrize(
    ("instruction", "named"),
    [
        ("RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -o /out/server ./cmd/server", "go build"),
        ("RUN go mod download", "go mod download"),
        ("RUN apk --no-cache add ca-certificates tzdata", "apk add ca-certificates"),
        ("RUN addgroup -S app && adduser -S app -G app", "addgroup app adduser"),
        ("RUN chown -R app:app /srv", "chown"),
        # `docker history` and pasted logs cut at a width, not a word: the stump keeps the mark
        ("RUN CGO_ENABLED=0 go build...", "go build…"),
        ("RUN /bin/sh -c CGO_ENABLED=0 GOOS=linux go b…", "go b…"),
        ("RUN CGO_ENABLED=0 GOOS=linux...", ""),
        ("COPY --from=build /out/server /usr/local/bin/server", "COPY server"),
        ("COPY --from=build /out/server", "COPY server"),
        ("COPY go.mod go.sum ./", "COPY go.mod go.sum"),
        ("COPY --from=build...", "COPY"),
        ("FROM golang:1.24-alpine AS build", "FROM golang:1.24-alpine"),
        ("WORKDIR /src", "WORKDIR /src"),
    ],
)
def test_the_words_that_name_an_instruction(instruction: str, named: str) -> None:
    assert words(instruction) == named


def test_a_drafted_claim_s_words_find_the_layer_or_step_they_were_drafted_from() -> None:
    """What the drafter writes is what `derive.holds` reads: each word of `words` in the measured
    instruction, a cut word's stump at a word's start; never a step only sharing its "go"."""
    steps = ["RUN go mod download", "RUN CGO_ENABLED=0 go build -o /out/server ."]

    def found(printed: str) -> list[str]:
        return [each for each in steps if holds(each, tuple(words(printed).split()))]

    assert found("RUN CGO_ENABLED=0 go build...") == [steps[1]]
    assert found("RUN /bin/sh -c CGO_ENABLED=0 GOOS=linux go b…") == [steps[1]]
    assert found("RUN go mod download") == [steps[0]]
    assert not holds("FROM golang:1.25-alpine AS builder", tuple(words("RUN go b…").split()))
    created_by = "RUN /bin/sh -c addgroup -S app && adduser -S app -G app # buildkit"
    assert holds(created_by, tuple(words("RUN addgroup -S app && adduser -S app -G app").split()))
    assert not holds(created_by, ("chown",))
    copied = tuple(words("COPY --from=build /out/server /").split())
    assert holds("COPY /out/server /server # buildkit", copied)
