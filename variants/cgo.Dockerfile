# The report's challenge: CGO left on, so the binary links against glibc's loader,
# then put on a minimal base that has no glibc. It is expected to fail at start.
# hadolint ignore=DL3006
ARG SDK_IMAGE=golang:1.25
ARG RUNTIME_IMAGE=alpine:3.19
FROM ${SDK_IMAGE} AS builder
WORKDIR /src
COPY app/ ./
RUN CGO_ENABLED=1 go build -ldflags="-w -s" -o /out/devops-info-service .

FROM ${RUNTIME_IMAGE}
COPY --from=builder /out/devops-info-service /app/devops-info-service
USER 65534:65534
CMD ["/app/devops-info-service"]
