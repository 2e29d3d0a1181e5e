"""The one place tests build records: a realistic fake `Measurements` and its parts (no Docker).

Every test that needs a schema record (a `Probe`, an `ImageSize`, a whole `Measurements`) takes it
from here, so a new schema field is added once, here, with a plausible value.

`fake_measurements(**changes)` builds the object from the schema models; tests mutate it with
`model_copy(update=...)` or the helpers below, then write it with `write_data`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labreport.contract.schema import (
    BaseImage,
    Binary,
    BuildTiming,
    Efficiency,
    EngineFacts,
    Failure,
    ImageSize,
    Layer,
    Lint,
    LintFinding,
    Measurements,
    Probe,
    Provenance,
    Publish,
    Spread,
    StepTiming,
    Surface,
    save,
)

MB = 1_000_000
BINARY = 5_611_704
CA = 219_342
USERS = 3_021


def current_inputs_hash() -> str:
    """The repository's inputs hash when `labreport.contract.inputs` exists, so fake data is not 'stale'."""
    try:
        from labreport.contract.inputs import inputs_hash
    except ImportError:
        return "fake-inputs-hash"
    return inputs_hash()


def spread(*samples: float) -> Spread:
    ordered = sorted(samples)
    return Spread(median=ordered[len(ordered) // 2], min=ordered[0], max=ordered[-1], samples=list(samples))


def _image(
    ref: str, role: str, variant: str | None, layers: list[tuple[str, int]], ratio: float = 0.42
) -> ImageSize:
    size = sum(size for _, size in layers)
    return ImageSize(
        ref=ref,
        role=role,
        variant=variant,  # type: ignore[arg-type]
        image_id="sha256:" + hashlib.sha256(ref.encode()).hexdigest(),
        size=size,
        compressed_size=int(size * ratio),
        layers=[Layer(instruction=i, size=s) for i, s in layers],
    )


def root_body() -> dict[str, Any]:
    """A `GET /` body that meets the course's spec; a new dict each call, for tests to change."""
    return {
        "service": {
            "name": "devops-info-service",
            "version": "1.0.0",
            "description": "DevOps course info service",
            "framework": "Go net/http",
        },
        "system": {
            "hostname": "3f2a9c1b7d6e",
            "platform": "linux",
            "platform_version": "linux-amd64",
            "architecture": "amd64",
            "cpu_count": 2,
            "go_version": "go1.25.5",
        },
        "runtime": {
            "uptime_seconds": 0,
            "uptime_human": "0 hours, 0 minutes",
            "current_time": "2026-11-28T03:12:09Z",
            "timezone": "UTC",
        },
        "request": {
            "client_ip": "172.17.0.1",
            "user_agent": "python-requests/2.32.5",
            "method": "GET",
            "path": "/",
        },
        "endpoints": [
            {"path": "/", "method": "GET", "description": "Service information"},
            {"path": "/health", "method": "GET", "description": "Health check"},
        ],
    }


def health_body() -> dict[str, Any]:
    """A `GET /health` body that meets the course's spec; a new dict each call."""
    return {"status": "healthy", "timestamp": "2026-11-28T03:12:09Z", "uptime_seconds": 0}


def _probe(variant: str, uid: int | None = 100, started: bool = True, **extra: Any) -> Probe:
    root = root_body()
    values: dict[str, Any] = dict(
        variant=variant,
        started=started,
        seconds_to_healthy=0.31 if started else None,
        root_body=root if started else None,
        health_body=health_body() if started else None,
        not_found_status=404 if started else None,
        not_found_body={"error": "Not Found", "message": "Endpoint does not exist"} if started else None,
        spec_problems=[],
        process_uid=uid if started else None,
        healthcheck_status="healthy" if started else None,
        memory_bytes=4_321_280 if started else None,
        stop_seconds=0.12 if started else None,
        exit_code=0 if started else 1,
        error_text=None,
        logs=["2026-11-28T03:12:08Z INFO starting devops-info-service 1.0.0 on 0.0.0.0:8080"]
        if started
        else [],
    )
    values.update(extra)
    return Probe(**values)


def fake_measurements(**changes: Any) -> Measurements:
    """Plausible numbers for a stand-in run on a 2-CPU amd64 machine."""
    golang_sdk = [
        ("debootstrap rootfs (imported)", 78_912_345),
        ("RUN apt-get install gcc g++ ...", 231_456_789),
        ("COPY dir:go in /usr/local/go", 241_345_678),
        ("ENV GOPATH=/go", 0),
    ]
    golang_alpine = [
        ("COPY busybox + CA bundle", 2_310_456),
        ("COPY dir:go in /usr/local/go", 241_345_678),
        ("ENV GOPATH=/go", 0),
    ]
    alpine = [("COPY busybox + CA bundle", 2_310_456), ("COPY file:passwd in /etc/", 2_048)]
    distroless = [("COPY rootfs (base-files netbase tzdata media-types ca-certificates)", 2_093_441)]
    builder = [
        *golang_alpine,
        ("WORKDIR /src", 0),
        ("COPY file:go.mod in ./", 47),
        ("RUN go mod download", 0),
        ("COPY dir:app in ./", 24_576),
        ("RUN |1 VERSION=1.0.0 /bin/sh -c go build -ldflags=...", 71_234_567),
    ]
    copy_bin = ("COPY file:9a1b in ./devops-info-service", BINARY)
    images = [
        _image("golang:1.25", "base", None, golang_sdk),
        _image("golang:1.25-alpine", "base", None, golang_alpine),
        _image("alpine:3.19", "base", None, alpine),
        _image("gcr.io/distroless/static-debian12:latest", "base", None, distroless),
        _image("devops-info-service:builder", "builder", None, builder),
        _image(
            "devops-info-service:alpine",
            "variant",
            "alpine",
            [
                *alpine,
                ("RUN addgroup -S appuser && adduser -S -D -H -G appuser appuser", USERS),
                ("COPY file:c4d2 in /etc/ssl/certs/ca-certificates.crt", CA),
                ("WORKDIR /app", 0),
                copy_bin,
                ("USER appuser", 0),
                ("EXPOSE 8080", 0),
                ("HEALTHCHECK", 0),
                ("CMD", 0),
            ],
        ),
        _image(
            "devops-info-service:as-reported",
            "variant",
            "as-reported",
            [
                *alpine,
                ("COPY file:c4d2 in /etc/ssl/certs/ca-certificates.crt", CA),
                ("RUN addgroup -S appuser && adduser -S appuser -G appuser", USERS + 1_024),
                ("WORKDIR /app", 0),
                ("COPY file:9a1b in .", BINARY),
                ("RUN chown -R appuser:appuser /app", BINARY),
                ("USER appuser", 0),
                ("CMD", 0),
            ],
        ),
        _image(
            "devops-info-service:scratch",
            "variant",
            "scratch",
            [
                ("COPY file:c4d2 in /etc/ssl/certs/ca-certificates.crt", CA),
                ("COPY file:9a1b in /devops-info-service", BINARY),
            ],
            ratio=0.45,
        ),
        _image(
            "devops-info-service:distroless",
            "variant",
            "distroless",
            [*distroless, ("COPY file:9a1b in /app/devops-info-service", BINARY)],
        ),
        _image(
            "devops-info-service:single-stage",
            "variant",
            "single-stage",
            [
                *golang_sdk,
                ("WORKDIR /src", 0),
                ("COPY file:go.mod in ./", 47),
                ("RUN go mod download", 0),
                ("COPY dir:app in ./", 24_576),
                ("RUN go build", 71_234_567),
                ("RUN useradd --system appuser", 3_456),
            ],
            ratio=0.38,
        ),
        _image(
            "devops-info-service:cgo",
            "variant",
            "cgo",
            [*alpine, ("COPY file:77aa in /app/devops-info-service", 5_734_112)],
        ),
    ]
    steps = [
        (1, "FROM golang:1.25-alpine AS builder"),
        (2, "WORKDIR /src"),
        (3, "ENV CGO_ENABLED=0 GOOS=linux"),
        (4, "COPY app/go.mod ./"),
        (5, "RUN go mod download"),
        (6, "COPY app/ ./"),
        (7, "ARG VERSION=1.0.0"),
        (8, 'RUN go build -ldflags="-w -s -X main.version=${VERSION}" -o /out/devops-info-service .'),
        (9, "FROM alpine:3.19"),
        (10, "RUN addgroup -S appuser && adduser -S -D -H -G appuser appuser"),
        (11, "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"),
        (12, "WORKDIR /app"),
        (13, "COPY --from=builder /out/devops-info-service ./devops-info-service"),
        (14, "USER appuser"),
        (15, "EXPOSE 8080"),
        (16, "HEALTHCHECK ..."),
        (17, 'CMD ["/app/devops-info-service"]'),
    ]
    cold_seconds = {5: 0.9, 8: 41.2, 10: 0.8, 11: 0.3, 13: 0.3}
    change_seconds = {6: 0.2, 8: 38.7, 13: 0.3}

    def timing(kind: str, seconds: dict[int, float], default: float, cached_upto: int) -> BuildTiming:
        step_list = [
            StepTiming(
                number=n,
                instruction=text,
                seconds=spread(*(seconds.get(n, default) * f for f in (0.95, 1.0, 1.08))),
                cached=kind == "cached"
                or (kind == "code_change" and n < cached_upto and n < 9)
                or (kind == "code_change" and 9 <= n < 13),
            )
            for n, text in steps
        ]
        total = sum(s.seconds.median for s in step_list)
        return BuildTiming(
            variant="alpine",
            kind=kind,  # type: ignore[arg-type]
            total=spread(total * 0.97, total, total * 1.06),
            steps=step_list,
        )

    builds = [
        timing("cold", cold_seconds, 0.15, 0),
        timing("cached", {}, 0.06, 99),
        timing("code_change", change_seconds, 0.06, 6),
    ]
    log = [f"Step {n}/17 : {text}" for n, text in steps]
    log.insert(5, "go: no module dependencies to download")
    log.append("Successfully built 0123456789ab")
    log.append("Successfully tagged devops-info-service:alpine")
    probes = [
        _probe("alpine"),
        _probe("as-reported"),
        _probe("scratch", uid=65534),
        _probe("distroless", uid=65532),
        _probe("single-stage", uid=999, seconds_to_healthy=0.44),
        _probe(
            "cgo",
            started=False,
            exit_code=127,
            error_text="exec /app/devops-info-service: no such file or directory",
        ),
    ]

    def surface(
        variant: str,
        packages: int,
        files: int,
        shell: bool,
        pm: bool,
        cc: bool,
        ca: bool,
        tz: bool,
        user: str,
        program: str = "/app/devops-info-service",
        owner: str = "0:0",
    ) -> Surface:
        return Surface(
            variant=variant,
            packages=packages,
            files=files,
            has_shell=shell,
            has_package_manager=pm,
            has_compiler=cc,
            has_ca_bundle=ca,
            has_tzdata=tz,
            setuid_files=["/bin/busybox"] if shell and variant != "single-stage" else [],
            user=user,
            program=program,
            program_owner=owner,
            program_mode="0755",
        )

    surfaces = [
        surface("builder", 212, 13_456, True, False, True, True, False, "root", "/out/devops-info-service"),
        surface(
            "single-stage",
            287,
            29_876,
            True,
            True,
            True,
            True,
            True,
            "appuser",
            "/usr/local/bin/devops-info-service",
        ),
        surface("alpine", 3, 412, True, False, False, True, False, "appuser"),
        surface("as-reported", 3, 412, True, False, False, True, False, "appuser", owner="100:101"),
        surface("scratch", 1, 2, False, False, False, True, False, "65534:65534", "/devops-info-service"),
        surface("distroless", 5, 1_823, False, False, False, True, True, "65532:65532"),
    ]
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
    return _probe(variant, started=started, **fields)


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
