# Stand-in for gcr.io/distroless/static*:nonroot: the distroless stand-in with the user and home the
# :nonroot tag sets (nonroot, 65532:65532; /home/nonroot), as the real image's config does.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER 65532:65532
WORKDIR /home/nonroot
