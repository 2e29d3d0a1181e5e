# A variant that fails in Go's own parser (no compile of the standard library, so it fails fast):
# tests/test_failures_docker.py checks the failure keeps the parser's message, not just the exit code.
FROM golang:1.25-alpine
WORKDIR /src
RUN printf 'package main\n\nfunc main() {\n' > main.go && gofmt -e main.go
