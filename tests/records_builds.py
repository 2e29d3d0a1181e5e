"""Fake records of the legacy builder's timings and its cold build log (see `records`)."""

from __future__ import annotations

from labreport.contract.schema import BuildTiming, Spread, StepTiming


def spread(*samples: float) -> Spread:
    ordered = sorted(samples)
    return Spread(median=ordered[len(ordered) // 2], min=ordered[0], max=ordered[-1], samples=list(samples))


def fake_builds() -> tuple[list[BuildTiming], list[str]]:
    """The primary variant's cold, cached and code-change builds, and the cold build's log."""
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
    return builds, log
