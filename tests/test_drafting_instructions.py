"""Instructions as logs and `docker history` print them, tidied to Dockerfile form, and the words
that name one; each expected text is written out by hand."""

from __future__ import annotations

import pytest

from labreport.drafting.instructions import matches, tidy, words


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
        # `docker history` cuts at a width, not a word: the stump names nothing ("go b…" is no "b")
        ("RUN CGO_ENABLED=0 go build...", "go"),
        ("RUN /bin/sh -c CGO_ENABLED=0 GOOS=linux go b…", "go"),
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


def test_a_claim_s_words_are_found_among_a_measured_layer_s() -> None:
    created_by = "RUN /bin/sh -c addgroup -S app && adduser -S app -G app # buildkit"
    assert matches("adduser", created_by)
    assert matches("ADDUSER app", created_by)
    assert not matches("chown", created_by)
    assert matches("COPY server", "COPY /out/server /server # buildkit")
    assert not matches("go build", "RUN /bin/sh -c go mod download")
