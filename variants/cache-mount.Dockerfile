# The report's multi-stage build (../Dockerfile) with BuildKit cache mounts for Go's module cache
# and build cache: they outlive the layer cache, so after a one-line change `go build` recompiles
# only the changed package, not the standard library. Needs BuildKit (DOCKER_BUILDKIT=1); no
# `# syntax=` line, which would make BuildKit pull a frontend image.
ARG BUILDER_IMAGE=golang:1.25-alpine
ARG RUNTIME_IMAGE=alpine:3.19

FROM ${BUILDER_IMAGE} AS builder
WORKDIR /src
ENV CGO_ENABLED=0 GOOS=linux GOCACHE=/root/.cache/go-build GOMODCACHE=/go/pkg/mod
COPY app/go.mod ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY app/ ./
ARG VERSION=1.0.0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-w -s -buildid= -X main.version=${VERSION}" -o /out/devops-info-service .

FROM ${RUNTIME_IMAGE}
RUN addgroup -S appuser && adduser -S -D -H -G appuser appuser
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
WORKDIR /app
COPY --from=builder /out/devops-info-service ./devops-info-service
USER appuser
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/app/devops-info-service", "-healthcheck"]
CMD ["/app/devops-info-service"]
