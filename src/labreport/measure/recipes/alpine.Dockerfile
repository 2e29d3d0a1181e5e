# Stand-in for alpine:3.19: busybox with its default applets (Alpine's addgroup/adduser among them;
# Debian's own busybox packages leave those out, so it is compiled from Debian's busybox source),
# less the dpkg and rpm applets that Alpine's build leaves out too (and tc, which no longer compiles),
# the CA bundle Alpine's base ships, and its account files. No apk: its repositories are unreachable.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE} AS parts
RUN sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/sources.list \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates gcc make libc6-dev dpkg-dev bzip2 xz-utils \
 && cd /tmp && apt-get source busybox \
 && cd busybox-*/ && make defconfig \
 && sed -i -e 's/# CONFIG_STATIC is not set/CONFIG_STATIC=y/' -e 's/^CONFIG_\(TC\|DPKG\|DPKG_DEB\|RPM\|RPM2CPIO\)=y/# CONFIG_\1 is not set/' .config \
 && make -j"$(nproc)" busybox && cp busybox /bin/busybox-alpine \
 && rm -rf /tmp/busybox* /var/lib/apt/lists/*

FROM scratch
COPY --from=parts /bin/busybox-alpine /bin/busybox
RUN ["/bin/busybox", "mkdir", "-p", "/sbin", "/usr/bin", "/usr/sbin", "/tmp", "/root", "/home", "/var", "/etc/ssl/certs"]
RUN ["/bin/busybox", "--install", "-s"]
RUN ["/bin/busybox", "chmod", "1777", "/tmp"]
COPY etc/ /etc/
COPY --from=parts /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/sh"]
