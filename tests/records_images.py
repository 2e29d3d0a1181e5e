"""Fake records of the images: every base, the builder and each variant, layer by layer (see `records`)."""

from __future__ import annotations

import hashlib

from labreport.contract.schema import ImageSize, Layer

MB = 1_000_000
BINARY = 5_611_704
CA = 219_342
USERS = 3_021


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


def fake_images() -> list[ImageSize]:
    """Stand-in bases, the builder stage and every variant, with plausible layer sizes."""
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
    return images
