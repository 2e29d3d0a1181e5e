package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// app holds what the handlers need. start and now are fields so tests can fix
// the clock and check uptime exactly.
type app struct {
	cfg      config
	logger   *slog.Logger
	hostname string
	start    time.Time
	now      func() time.Time
}

func newApp(cfg config, logger *slog.Logger) *app {
	hostname, err := os.Hostname()
	if err != nil {
		hostname = "unknown"
	}
	return &app{cfg: cfg, logger: logger, hostname: hostname, start: time.Now(), now: time.Now}
}

type endpoint struct {
	Path        string `json:"path"`
	Method      string `json:"method"`
	Description string `json:"description"`
}

var endpoints = []endpoint{
	{Path: "/", Method: http.MethodGet, Description: "Service information"},
	{Path: "/health", Method: http.MethodGet, Description: "Health check"},
}

type serviceInfo struct {
	Service struct {
		Name        string `json:"name"`
		Version     string `json:"version"`
		Description string `json:"description"`
		Framework   string `json:"framework"`
	} `json:"service"`
	System struct {
		Hostname        string `json:"hostname"`
		Platform        string `json:"platform"`
		PlatformVersion string `json:"platform_version"`
		Architecture    string `json:"architecture"`
		CPUCount        int    `json:"cpu_count"`
		GoVersion       string `json:"go_version"`
	} `json:"system"`
	Runtime struct {
		UptimeSeconds int    `json:"uptime_seconds"`
		UptimeHuman   string `json:"uptime_human"`
		CurrentTime   string `json:"current_time"`
		Timezone      string `json:"timezone"`
	} `json:"runtime"`
	Request struct {
		ClientIP  string `json:"client_ip"`
		UserAgent string `json:"user_agent"`
		Method    string `json:"method"`
		Path      string `json:"path"`
	} `json:"request"`
	Endpoints []endpoint `json:"endpoints"`
}

type healthStatus struct {
	Status        string `json:"status"`
	Timestamp     string `json:"timestamp"`
	UptimeSeconds int    `json:"uptime_seconds"`
}

type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// handler is the complete HTTP handler: routes wrapped in logging and recovery.
func (a *app) handler() http.Handler {
	return a.observe(a.routes())
}

// routes registers paths without a method and checks the method in onlyGET:
// with "GET /{$}" plus a "/" fallback, ServeMux would send POST / to the
// fallback (404) and answer other 405s with a plain-text body.
func (a *app) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/{$}", onlyGET(a.handleInfo))
	mux.Handle("/health", onlyGET(a.handleHealth))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Endpoint does not exist")
	})
	return mux
}

func onlyGET(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed on %s", r.Method, r.URL.Path))
			return
		}
		next(w, r)
	}
}

func (a *app) handleInfo(w http.ResponseWriter, r *http.Request) {
	now := a.now()
	uptime := now.Sub(a.start)

	var info serviceInfo
	info.Service.Name = "devops-info-service"
	info.Service.Version = version
	info.Service.Description = "DevOps course info service"
	info.Service.Framework = "Go net/http"

	info.System.Hostname = a.hostname
	info.System.Platform = runtime.GOOS
	info.System.PlatformVersion = runtime.GOOS + "-" + runtime.GOARCH
	info.System.Architecture = runtime.GOARCH
	info.System.CPUCount = runtime.NumCPU()
	info.System.GoVersion = runtime.Version()

	info.Runtime.UptimeSeconds = int(uptime.Seconds())
	info.Runtime.UptimeHuman = formatUptime(uptime)
	info.Runtime.CurrentTime = now.UTC().Format(time.RFC3339)
	info.Runtime.Timezone = "UTC"

	info.Request.ClientIP = clientIP(r, a.cfg.TrustProxy)
	info.Request.UserAgent = r.UserAgent()
	info.Request.Method = r.Method
	info.Request.Path = r.URL.Path

	info.Endpoints = endpoints
	writeJSON(w, http.StatusOK, info)
}

func (a *app) handleHealth(w http.ResponseWriter, r *http.Request) {
	now := a.now()
	writeJSON(w, http.StatusOK, healthStatus{
		Status:        "healthy",
		Timestamp:     now.UTC().Format(time.RFC3339),
		UptimeSeconds: int(now.Sub(a.start).Seconds()),
	})
}

func formatUptime(d time.Duration) string {
	minutes := int(d / time.Minute)
	return fmt.Sprintf("%d hours, %d minutes", minutes/60, minutes%60)
}

// clientIP trusts X-Forwarded-For only behind a known proxy: anyone can send
// the header, so otherwise it would let clients choose their logged address.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-For"), ",")
		if ip := strings.TrimSpace(first); ip != "" {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// Our response types always encode, so an error here means the client
	// went away; with the status already sent there is nothing left to do.
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, errorBody{Error: http.StatusText(status), Message: message})
}

// observe logs one line per request and turns a handler panic into a JSON 500,
// so one bad request neither kills the process nor leaves the client hanging.
func (a *app) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v != nil && v != http.ErrAbortHandler {
				a.logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeError(rec, http.StatusInternalServerError, "An unexpected error occurred")
					v = nil
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			a.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Float64("duration_ms", float64(time.Since(started).Microseconds())/1000),
				slog.String("client_ip", clientIP(r, a.cfg.TrustProxy)),
				slog.String("user_agent", r.UserAgent()))
			if v != nil {
				// Part of a response is already out and cannot be replaced by
				// a 500; aborting makes net/http drop the connection so the
				// client does not mistake it for a complete response.
				panic(http.ErrAbortHandler)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
