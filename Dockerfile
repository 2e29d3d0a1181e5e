# The report's multi-stage build of devops-info-service: compile with the Go SDK,
# ship only the static binary on a small runtime base.
# Both bases are arguments so the same file builds with the real images or with
# locally built stand-ins (see src/labreport/measure/standins.py).
ARG BUILDER_IMAGE=golang:1.25-alpine
ARG RUNTIME_IMAGE=alpine:3.19

FROM ${BUILDER_IMAGE} AS builder
WORKDIR /src
ENV CGO_ENABLED=0 GOOS=linux
# The module file alone first: its download layer is reused until go.mod changes.
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
ARG VERSION=1.0.0
# -trimpath and an empty build ID: two builds of the same source give the same binary, byte for byte.
RUN go build -trimpath -ldflags="-w -s -buildid= -X main.version=${VERSION}" -o /out/devops-info-service .

FROM ${RUNTIME_IMAGE}
# busybox's applets, the same ones Alpine ships; no apk needed.
RUN addgroup -S appuser && adduser -S -D -H -G appuser appuser
# The builder already holds a CA bundle, so no package manager runs in this stage.
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
WORKDIR /app
# Root-owned and world-executable: the app user can run it but not rewrite it,
# and no `RUN chown -R` writes the binary a second time.
COPY --from=builder /out/devops-info-service ./devops-info-service
USER appuser
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/app/devops-info-service", "-healthcheck"]
CMD ["/app/devops-info-service"]
