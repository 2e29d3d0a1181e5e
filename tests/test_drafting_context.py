"""The images a report names, on a report written for the test: the caller's names, the tags the
report builds, the bases its Dockerfiles and image tables show, and family words among them."""

from __future__ import annotations

from labreport.drafting.context import by_family, families, mentioned, read_images
from labreport.drafting.markdown import read_document

REPORT = """\
```dockerfile
FROM golang:1.24-alpine AS build
RUN go build -o /out/server .
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/server /server
```

```
$ docker build -t myapp:v2 .
$ docker images
REPOSITORY   TAG     IMAGE ID       CREATED         SIZE
myapp        v2      1a2b3c4d5e6f   2 minutes ago   9.1MB
busybox      1.36    6f5e4d3c2b1a   3 weeks ago     4.26MB
```
"""


def test_bases_builds_and_the_builder_come_from_the_report() -> None:
    images = read_images(read_document(REPORT), {})
    assert images.bases == ["golang:1.24-alpine", "gcr.io/distroless/static:nonroot", "busybox:1.36"]
    assert images.built == {"myapp:v2"}
    assert images.builder_base == "golang:1.24-alpine"  # the first stage of a multi-stage file
    assert images.final == "final"
    assert images.of("myapp:v2") == "final"
    assert images.of("docker.io/library/busybox:1.36") == "busybox:1.36"
    assert images.of("nginx:1.27") is None


def test_the_caller_s_names_come_first() -> None:
    known = {"myapp:v2": "app", "myapp:scratch": "scratch", "alpine:3.20": "alpine:3.20"}
    images = read_images(read_document(REPORT), known)
    assert images.final == "app" and images.of("myapp:v2") == "app"
    assert images.of("alpine") is None and images.of("alpine:3.20") == "alpine:3.20"
    assert images.variants() == ["app", "scratch"]


def test_family_words_pick_one_image() -> None:
    known = {"alpine:3.20": "alpine:3.20", "golang:1.24": "golang:1.24", "myapp:distroless": "distroless"}
    images = read_images(read_document(REPORT), known)
    assert families("the Debian-based SDK, not Alpine") == ["alpine", "debian"]
    assert by_family("Alpine base", images, base=True) == "alpine:3.20"  # its repository is the family's name
    assert (
        by_family("the alpine one", images, context=["golang:1.24-alpine", "golang:1.24"])
        == "golang:1.24-alpine"
    )
    assert by_family("full Debian-based image", images, context=["golang:1.24-alpine", "golang:1.24"]) == (
        "golang:1.24"
    )
    assert by_family("on distroless", images) == "distroless"  # the project's variant of that family
    assert by_family("distroless base", images, base=True) == "gcr.io/distroless/static:nonroot"
    assert by_family("no family here", images) is None


def test_references_named_in_a_text() -> None:
    images = read_images(read_document(REPORT), {"golang:1.24": "golang:1.24"})
    assert mentioned("switched from `golang:1.24` to golang:1.24-alpine", images) == [
        "golang:1.24",
        "golang:1.24-alpine",
    ]
    assert mentioned("busybox:1.36.1 is newer", images) == []
