// Command quote-service answers with short sayings about shipping software,
// one at a time, over HTTP.
package main

import (
	"context"
	"fmt"
	"os"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "0.3.0"

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quote-service:", err)
		os.Exit(1)
	}
}
