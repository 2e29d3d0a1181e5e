// Command devops-info-service is a small HTTP service that reports information
// about itself and the machine it runs on.
package main

import (
	"context"
	"fmt"
	"os"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "1.0.0"

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(exitCode(err))
}
