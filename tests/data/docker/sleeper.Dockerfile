# A variant that starts and never answers, whose health check never leaves "starting":
# the probe must record a timeout, not hang.
FROM alpine:3.19
HEALTHCHECK --interval=1h --start-period=1h CMD ["true"]
CMD ["sleep", "3600"]
