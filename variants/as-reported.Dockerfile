# The report's runtime stage as it was written, to measure what our deviations change:
# a separate `RUN chown -R` after the COPY, and the binary in the working directory.
# Only `apk add ca-certificates` is replaced (no Alpine repository is reachable offline).
ARG BUILD_STAGE_IMAGE=devops-info-service:builder
ARG RUNTIME_IMAGE=alpine:3.19
FROM ${BUILD_STAGE_IMAGE} AS builder

FROM ${RUNTIME_IMAGE}
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN addgroup -S appuser && adduser -S appuser -G appuser
WORKDIR /app
COPY --from=builder /out/devops-info-service .
RUN chown -R appuser:appuser /app
USER appuser
CMD ["./devops-info-service"]
