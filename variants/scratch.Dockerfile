# The binary alone on an empty image, with the CA bundle and a numeric non-root user
# (scratch has no /etc/passwd to look a name up in).
# BUILD_STAGE_IMAGE is the builder stage of ../Dockerfile, built once with --target builder.
ARG BUILD_STAGE_IMAGE=devops-info-service:builder
FROM ${BUILD_STAGE_IMAGE} AS builder

FROM scratch
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /out/devops-info-service /devops-info-service
USER 65534:65534
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/devops-info-service", "-healthcheck"]
CMD ["/devops-info-service"]
