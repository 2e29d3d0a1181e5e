# The baseline the report compares against: build and run in the full Debian-based Go SDK image.
ARG SDK_IMAGE=golang:1.25
FROM ${SDK_IMAGE}
WORKDIR /src
ENV CGO_ENABLED=0
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
ARG VERSION=1.0.0
RUN go build -ldflags="-w -s -X main.version=${VERSION}" -o /usr/local/bin/devops-info-service .
RUN useradd --system --no-create-home --shell /usr/sbin/nologin appuser
USER appuser
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/devops-info-service", "-healthcheck"]
CMD ["/usr/local/bin/devops-info-service"]
