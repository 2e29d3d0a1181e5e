FROM drafting-rec/base:1.0 AS builder
WORKDIR /src
COPY deps.txt ./
RUN sleep 1 && cat deps.txt > /dev/null
COPY main.txt ./
RUN sleep 2 && dd if=/dev/urandom of=/src/payload bs=1000 count=1500 2>/dev/null

FROM drafting-rec/base:1.0
RUN echo "appuser:x:1000:1000::/app:/bin/sh" >> /etc/passwd && echo "appuser:x:1000:" >> /etc/group
WORKDIR /app
COPY --from=builder /src/payload ./payload
RUN chown -R 1000:1000 /app
USER appuser
CMD ["cat", "/app/payload"]
