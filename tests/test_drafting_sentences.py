"""Sentences that lean on what the report showed before them or that run over a line break, drafted
through the whole drafter on a short report written for this test: a layer named by the size its
history row printed, a saving over spelled-out containers, a package count compared with another,
the service's answer said again in words, a fact broken over two lines, and a build log introduced
by a sentence that began on the line above."""

from __future__ import annotations

from labreport.drafting import draft

KNOWN = {"shop:slim": "slim", "shop:fat": "fat", "golang:9.1": "golang:9.1"}

REPORT = """\
# Notes

```
$ docker build -t shop:slim .
```

```
$ docker history shop:fat
IMAGE       CREATED         CREATED BY                                    SIZE      COMMENT
<missing>   2 minutes ago   RUN /bin/sh -c go build -o /usr/bin/shop # b…   61.2MB    buildkit.dockerfile.v0
<missing>   2 minutes ago   COPY . . # buildkit                           3.05kB    buildkit.dockerfile.v0
```

Most of it is one layer: the compile's, **61.2 MB**, cache included.

Run as twenty containers of the fat image instead of twenty slim
ones, the disk would hold **3.4 GB** more.

The scanner counts **4 packages** in the slim image (three of them from the base
image) against **31** in the fat one.

```
$ curl -s localhost:8080/
{"service":"shop","release":"4.2.0","items":12}
```

It reports release **4.2.0** and **12** items, as built. There is no package
manager left in the slim image.

A first build from an empty cache (`--no-cache`) printed this; the same build ran again in the
plain view:

```
[+] Building 12.5s (9/9) FINISHED
 => [internal] load build definition from Dockerfile                       0.0s
 => CACHED [build 2/4] WORKDIR /src                                        0.0s
 => [build 3/4] RUN go build -o /usr/bin/shop .                           11.9s
```
"""


def _drafted() -> list[tuple[object, ...]]:
    return [
        (claim.line, claim.measure, claim.claimed, claim.of, claim.against, claim.containers, claim.kind,
         claim.endpoint, claim.field, claim.check)
        for claim in draft(REPORT, KNOWN)
    ]  # fmt: skip


def test_a_layer_is_named_by_the_size_its_history_row_printed() -> None:
    prose = [claim for claim in draft(REPORT, KNOWN) if claim.line == 14]
    assert [(c.measure, c.claimed, c.of) for c in prose] == [("layer-size", "61.2 MB", "fat")]
    assert prose[0].instruction == "go build"  # the words the history row's instruction is found by


def test_a_saving_over_spelled_out_containers_said_over_two_lines() -> None:
    assert (17, "saving", "3.4 GB", "slim", "fat", 20, None, None, None, None) in _drafted()


def test_a_package_count_compared_with_the_next_image_named_after_it() -> None:
    drafted = _drafted()
    assert (19, "package-count", "4", "slim", None, None, None, None, None, None) in drafted
    assert (20, "package-count", "31", "fat", None, None, None, None, None, None) in drafted


def test_the_services_answer_said_again_beside_its_field() -> None:
    restated = [row for row in _drafted() if row[0] == 27]
    assert ("probe-field", "4.2.0", "/", "release") in [(r[1], r[2], r[7], r[8]) for r in restated]
    assert ("probe-field", "12", "/", "items") in [(r[1], r[2], r[7], r[8]) for r in restated]


def test_a_fact_broken_over_two_lines_is_read_on_the_line_it_begins() -> None:
    facts = [row for row in _drafted() if row[1] == "fact"]
    # said of the report's own image (its `docker build -t`): the claim names it
    assert [(row[0], row[9], row[3]) for row in facts] == [(27, "no-package-manager", "slim")]


def test_a_build_log_takes_the_kind_its_sentence_began_to_say_on_the_line_above() -> None:
    totals = [row for row in _drafted() if row[1] == "build-total"]
    assert [(row[2], row[6]) for row in totals] == [("12.5s", "cold")]
