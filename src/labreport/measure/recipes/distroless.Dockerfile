# Stand-in for gcr.io/distroless/static-debian12, assembled the way distroless is:
# files of Debian's base-files, netbase, tzdata, media-types and the CA bundle, account files
# for root, nobody and nonroot, and dpkg records under /var/lib/dpkg/status.d/. No shell.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE} AS parts
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && mkdir -p /debs /rootfs/var/lib/dpkg/status.d && cd /debs \
 && apt-get download base-files netbase tzdata media-types ca-certificates \
 && for deb in *.deb; do \
      name=$(dpkg-deb -f "$deb" Package); \
      dpkg-deb -x "$deb" /rootfs; \
      dpkg-deb -f "$deb" > "/rootfs/var/lib/dpkg/status.d/$name"; \
    done \
 && rm -rf /rootfs/usr/share/doc/*/changelog* /rootfs/usr/share/man /rootfs/usr/share/lintian \
      /rootfs/usr/share/ca-certificates /rootfs/usr/sbin /rootfs/usr/share/base-files/dot* \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n' > /rootfs/etc/group \
 && mkdir -p /rootfs/tmp /rootfs/root /rootfs/home/nonroot \
 && chmod 1777 /rootfs/tmp && chmod 0700 /rootfs/root /rootfs/home/nonroot \
 && rm -rf /var/lib/apt/lists/*

FROM scratch
COPY --from=parts /rootfs/ /
COPY --from=parts --chown=65532:65532 /rootfs/home/nonroot /home/nonroot
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
