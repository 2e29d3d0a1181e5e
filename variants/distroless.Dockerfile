# The binary on Google's distroless static image: CA bundle, tzdata and account files, no shell.
ARG BUILD_STAGE_IMAGE=devops-info-service:builder
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:latest
FROM ${BUILD_STAGE_IMAGE} AS builder

FROM ${RUNTIME_IMAGE}
COPY --from=builder /out/devops-info-service /app/devops-info-service
# distroless's nonroot account.
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/app/devops-info-service", "-healthcheck"]
CMD ["/app/devops-info-service"]
