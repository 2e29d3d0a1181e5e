"""The one place tests build records: a realistic fake `Measurements` and its parts (no Docker).

Every test that needs a schema record (a `Probe`, an `ImageSize`, a whole `Measurements`) takes it
from here, so a new schema field is added once, here, with a plausible value.

`fake_measurements(**changes)` builds the object from the schema models; tests mutate it with
`model_copy(update=...)` or the helpers below, then write it with `write_data`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labreport.contract.inputs import inputs_hash
from labreport.contract.schema import (
    BaseImage,
    Binary,
    BuildTiming,
    Efficiency,
    EngineFacts,
    Failure,
    Lint,
    LintFinding,
    Measurements,
    Probe,
    Provenance,
    Publish,
    StepTiming,
    save,
)
from records_builds import fake_builds, spread
from records_images import BINARY, MB, fake_images
from records_probes import fake_probe, fake_probes, health_body, root_body

__all__ = ["BINARY", "MB", "health_body", "root_body", "spread"]


def current_inputs_hash() -> str:
    """The repository's inputs hash, so that fake data is not 'stale'."""
    return inputs_hash()


def fake_measurements(**changes: Any) -> Measurements:
    """Plausible numbers for a stand-in run on a 2-CPU amd64 machine."""
    images = fake_images()
    builds, log = fake_builds()
    probes, surfaces = fake_probes()
    provenance = Provenance(
        measured_at=datetime(2026, 11, 28, 3, 10, 0, tzinfo=UTC),
        git_commit="8b39fc3" + "0" * 33,
        git_dirty=False,
        engine=EngineFacts(
            version="20.10.24+dfsg1",
            api_version="1.41",
            storage_driver="overlay2",
            os="Debian GNU/Linux 12 (bookworm)",
            architecture="x86_64",
            cpus=2,
        ),
        builder="legacy (docker-py, no BuildKit)",
        host_os="Linux 6.1",
        host_architecture="x86_64",
        cpu_count=2,
        python_version="3.11.2",
        go_version="go1.25.5",
        bases=[
            BaseImage(
                requested=ref,
                source="standin",
                image_id="sha256:" + format(i, "x") * 64,
                recipe=f"stand-in recipe for {ref}",
                recipe_version="r1",
            )
            for i, ref in enumerate(
                [
                    "golang:1.25",
                    "golang:1.25-alpine",
                    "alpine:3.19",
                    "gcr.io/distroless/static-debian12:latest",
                ],
                start=10,
            )
        ],
        inputs_hash=current_inputs_hash(),
        repeats=3,
        only=[],
        duration_seconds=812.4,
        docker_seconds=790.1,
        tool_seconds=14.2,
    )
    values: dict[str, Any] = dict(
        schema_version=1,
        provenance=provenance,
        images=images,
        builds=builds,
        cold_build_log=log,
        binaries=[
            Binary(flavour="default", flags="", size=8_159_402, linking="static", interpreter=None),
            Binary(
                flavour="stripped", flags="-ldflags=-w -s", size=BINARY, linking="static", interpreter=None
            ),
            Binary(
                flavour="stripped_trimpath",
                flags="-trimpath -ldflags=-w -s",
                size=5_599_416,
                linking="static",
                interpreter=None,
            ),
            Binary(
                flavour="cgo",
                flags="CGO_ENABLED=1 -ldflags=-w -s",
                size=5_734_112,
                linking="dynamic",
                interpreter="/lib64/ld-linux-x86-64.so.2",
            ),
        ],
        probes=probes,
        surfaces=surfaces,
        efficiency=[
            Efficiency(variant="alpine", score=0.9991, wasted_bytes=0),
            Efficiency(variant="as-reported", score=0.7102, wasted_bytes=BINARY),
        ],
        lint=[
            Lint(dockerfile="Dockerfile", findings=[]),
            Lint(
                dockerfile="variants/as-reported.Dockerfile",
                findings=[
                    LintFinding(
                        code="DL3059",
                        level="info",
                        line=13,
                        message="Multiple consecutive `RUN` instructions.",
                    )
                ],
            ),
        ],
        publish=[
            Publish(
                variant="alpine",
                pushed_ref="127.0.0.1:5000/devops-info-service:alpine",
                digest="sha256:" + "ab12" * 16,
                compressed_size=images[5].compressed_size,
                pull_seconds=spread(0.41, 0.38, 0.47),
                docker_hub=None,
            ),
            Publish(
                variant="single-stage",
                pushed_ref="127.0.0.1:5000/devops-info-service:single-stage",
                digest="sha256:" + "cd34" * 16,
                compressed_size=images[9].compressed_size,
                pull_seconds=spread(9.8, 9.1, 11.2),
                docker_hub=None,
            ),
        ],
        failures=[],
    )
    values.update(changes)
    return Measurements(**values)


def with_failures(data: Measurements, *failures: Failure) -> Measurements:
    return data.model_copy(update={"failures": list(failures)})


def with_variant_size(data: Measurements, variant: str, size: int) -> Measurements:
    images = [
        image.model_copy(update={"size": size}) if image.variant == variant else image
        for image in data.images
    ]
    return data.model_copy(update={"images": images})


def with_base_source(data: Measurements, source: str) -> Measurements:
    bases = [base.model_copy(update={"source": source}) for base in data.provenance.bases]
    return data.model_copy(update={"provenance": data.provenance.model_copy(update={"bases": bases})})


def write_data(data: Measurements, path: Path) -> Path:
    save(data, path)
    return path


def probe_record(variant: str, *, started: bool = True, **fields: Any) -> Probe:
    """A `Probe` as the probe phase records it; `fields` override the plausible defaults."""
    return fake_probe(variant, started=started, **fields)


def with_compressed_layers(data: Measurements, ratio: float = 0.42) -> Measurements:
    """`data` with a compressed size on every layer that adds bytes, as a measurement now records."""
    images = [
        image.model_copy(
            update={
                "layers": [
                    layer.model_copy(
                        update={"compressed_size": int(layer.size * ratio) if layer.size else None}
                    )
                    for layer in image.layers
                ]
            }
        )
        for image in data.images
    ]
    return data.model_copy(update={"images": images})


#: Markup, a table pipe, backticks, a fence, Jinja and a script link: what no page may act on.
HOSTILE = (
    "<img src=x onerror=alert(1)> | <script>alert(2)</script> `tick` ``` {{ boom }} {% if x %} "
    "*em* [link](javascript:alert(3)) $x$"
)


def hostile(value: Any, keep: tuple[str, ...] = ()) -> Any:
    """`value` with every string in it (fields, lists, dict values, recursively) replaced by `HOSTILE`,
    except Literal fields (the schema would reject them) and the fields named in `keep`."""
    from typing import Literal, get_origin

    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        updates = {
            name: hostile(getattr(value, name), keep)
            for name, field in type(value).model_fields.items()
            if get_origin(field.annotation) is not Literal and name not in keep
        }
        return value.model_copy(update=updates)
    if isinstance(value, str):
        return HOSTILE
    if isinstance(value, list):
        return [hostile(each, keep) for each in value]
    if isinstance(value, dict):
        return {key: hostile(each, keep) for key, each in value.items()}
    return value


def with_one_base_source(data: Measurements, ref: str, source: str) -> Measurements:
    """`data` with only the base `ref`'s recorded source changed (the others stay as they are)."""
    bases = [
        base.model_copy(update={"source": source}) if base.requested == ref else base
        for base in data.provenance.bases
    ]
    return data.model_copy(update={"provenance": data.provenance.model_copy(update={"bases": bases})})


def with_buildkit(data: Measurements, *, binary_repeats: bool = True) -> Measurements:
    """`data` with BuildKit timings of the primary Dockerfile and of the cache-mount one (three each),
    BuildKit's cold log, and a rebuild whose base layers repeat and whose own layers do not."""
    from labreport.contract.schema import Rebuild, RebuiltImage

    def timing(variant: str, kind: str, total: float, compile_seconds: float) -> BuildTiming:
        steps = [
            StepTiming(number=1, instruction="[builder 1/6] FROM docker.io/library/golang:1.25-alpine",
                       seconds=spread(0.0, 0.0, 0.1), cached=False),
            StepTiming(number=2, instruction="[builder 6/6] RUN go build -trimpath -o /out/x .",
                       seconds=spread(compile_seconds * 0.9, compile_seconds, compile_seconds * 1.1),
                       cached=kind == "cached"),
        ]  # fmt: skip
        return BuildTiming(
            variant=variant, kind=kind, builder="buildkit",  # type: ignore[arg-type]
            total=spread(total * 0.95, total, total * 1.1), steps=steps,
        )  # fmt: skip

    builds = [
        timing("alpine", "cold", 14.7, 13.9),
        timing("alpine", "cached", 0.5, 0.0),
        timing("alpine", "code_change", 13.3, 12.6),
        timing("cache-mount", "cold", 15.1, 14.2),
        timing("cache-mount", "cached", 0.5, 0.0),
        timing("cache-mount", "code_change", 0.77, 0.4),
    ]
    base = [f"sha256:{'b' * 63}{n}" for n in range(2)]
    own = [[f"sha256:{'c' * 62}{run}{n}" for n in range(4)] for run in range(2)]
    binaries = ["sha256:" + "e" * 64, "sha256:" + ("e" if binary_repeats else "f") * 64]
    rebuild = Rebuild(
        variant="alpine",
        builder="buildkit",
        source_date_epoch=None,
        builds=[
            RebuiltImage(
                image_id=f"sha256:{'d' * 63}{run}", binary_sha256=binaries[run], diff_ids=base + own[run]
            )
            for run in range(2)
        ],
    )
    log = ["#13 [builder 6/6] RUN go build -trimpath -o /out/x .", "#13 DONE 13.9s"]
    return data.model_copy(
        update={"builds": [*data.builds, *builds], "buildkit_cold_log": log, "rebuild": rebuild}
    )
