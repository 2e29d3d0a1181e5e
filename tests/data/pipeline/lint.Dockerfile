FROM alpine:latest
RUN apk add curl
RUN cd /tmp && echo hi
