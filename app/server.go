package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownTimeout bounds graceful shutdown well below docker stop's 10 s grace
// period, so in-flight requests finish before Docker resorts to SIGKILL.
const shutdownTimeout = 5 * time.Second

// run is the whole program; main only turns its error into an exit code.
// It serves until ctx is cancelled or SIGINT/SIGTERM arrives.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	flags := flag.NewFlagSet("devops-info-service", flag.ContinueOnError)
	flags.SetOutput(io.Discard) // main prints the returned error; -h prints usage below
	healthcheck := flags.Bool("healthcheck", false, "GET /health on the configured PORT; exit 0 if healthy, 1 if not")
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			flags.SetOutput(stdout)
			flags.Usage()
			return nil
		}
		return &configError{err.Error()}
	}
	if flags.NArg() > 0 {
		return &configError{fmt.Sprintf("unexpected argument %q", flags.Arg(0))}
	}
	if *showVersion {
		fmt.Fprintln(stdout, version)
		return nil
	}

	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if *healthcheck {
		return probeHealth(ctx, cfg.healthURL())
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Restore default signal handling once shutdown starts, so a second
	// Ctrl-C kills a shutdown that is taking too long.
	context.AfterFunc(ctx, stop)

	level := slog.LevelInfo
	if cfg.Debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: level}))
	logger.Debug("config", "host", cfg.Host, "port", cfg.Port, "trust_proxy", cfg.TrustProxy)

	// Listening before logging "starting" means a taken port fails fast
	// instead of after a misleading start-up line.
	ln, err := net.Listen("tcp", cfg.listenAddr())
	if err != nil {
		return err
	}
	logger.Info("starting", "addr", cfg.listenAddr(), "version", version)
	return serve(ctx, newServer(newApp(cfg, logger).handler(), logger), ln, logger)
}

func newServer(handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serve runs srv on ln until ctx is done, then lets in-flight requests finish
// for up to shutdownTimeout. It returns nil after a clean shutdown.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// probeHealth lets Docker HEALTHCHECK run the binary itself, as the image has
// neither a shell nor curl.
func probeHealth(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// A zero Transport ignores HTTP_PROXY: the probe must reach this
	// container's own server, never a proxy.
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", url, resp.Status)
	}
	return nil
}

// exitCode follows the flag package's convention: 2 for bad usage or
// configuration, 1 for any other failure.
func exitCode(err error) int {
	var cfgErr *configError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &cfgErr):
		return 2
	default:
		return 1
	}
}
