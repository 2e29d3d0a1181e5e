# Stand-in for alpine:3.19: busybox (the same applets Alpine uses, addgroup/adduser included),
# the CA bundle Alpine's base ships, and its account files. No apk: its repositories are unreachable.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE} AS parts
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends busybox-static ca-certificates \
 && rm -rf /var/lib/apt/lists/*

FROM scratch
COPY --from=parts /bin/busybox /bin/busybox
RUN ["/bin/busybox", "mkdir", "-p", "/sbin", "/usr/bin", "/usr/sbin", "/tmp", "/root", "/home", "/var", "/etc/ssl/certs"]
RUN ["/bin/busybox", "--install", "-s"]
RUN ["/bin/busybox", "chmod", "1777", "/tmp"]
COPY etc/ /etc/
COPY --from=parts /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/sh"]
