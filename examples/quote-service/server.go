package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const (
	serviceName = "quote-service"
	defaultPort = "9090"
	// Well inside docker stop's 10 s, so open requests end before SIGKILL.
	shutdownGrace = 5 * time.Second
)

// run is the program: main only reports its error. It serves until ctx is
// cancelled or the process gets SIGINT or SIGTERM.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("takes no arguments (got %q); set PORT to change the port", args[0])
	}
	port := getenv("PORT")
	if port == "" {
		port = defaultPort
	}
	// 0 asks the kernel for a free port (the tests use it).
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("PORT=%q is not a port number (0-65535)", port)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", net.JoinHostPort("", port))
	if err != nil {
		return err
	}
	logger := log.New(stdout, "", log.LstdFlags|log.LUTC)
	logger.Printf("%s %s listening on %s", serviceName, version, ln.Addr())

	srv := &http.Server{
		Handler:           routes(time.Now(), rand.IntN),
		ReadHeaderTimeout: 5 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Printf("stopping (grace %s)", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// routes holds every endpoint. started is when the service came up; pick
// chooses a quote index below n (rand.IntN in the program, fixed in tests).
func routes(started time.Time, pick func(n int) int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"name":    serviceName,
			"version": version,
			"quotes":  len(quotes),
			"endpoints": []string{
				"GET /", "GET /health", "GET /quote", "GET /quote/{id}",
			},
		})
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"status":         "ok",
			"uptime_seconds": int(time.Since(started).Seconds()),
		})
	})
	mux.HandleFunc("GET /quote", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, quotes[pick(len(quotes))])
	})
	mux.HandleFunc("GET /quote/{id}", func(w http.ResponseWriter, r *http.Request) {
		q, ok := quoteByID(r.PathValue("id"))
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{
				"error": fmt.Sprintf("no quote %q; ids run from 1 to %d", r.PathValue("id"), len(quotes)),
			})
			return
		}
		writeJSON(w, http.StatusOK, q)
	})
	return mux
}

// writeJSON is the one way a handler answers.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(body); err != nil {
		log.Printf("writing response: %v", err)
	}
}
