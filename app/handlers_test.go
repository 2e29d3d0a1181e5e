package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixClock makes uptime exactly 2h3m7s and "now" 2025-01-02T04:07:12Z; the start
// is in a non-UTC zone so the test shows responses convert to UTC.
func fixClock(a *app) {
	a.start = time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 60*60))
	a.now = func() time.Time { return a.start.Add(2*time.Hour + 3*time.Minute + 7*time.Second) }
}

func TestInfoEndpoint(t *testing.T) {
	a, _ := newTestApp(t, config{})
	fixClock(a)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "203.0.113.7:51234"
	req.Header.Set("User-Agent", "test-agent/1.0")

	rec, body := serveJSON(t, a.handler(), req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}

	var sections []string
	for key := range body {
		sections = append(sections, key)
	}
	if len(sections) != 5 {
		t.Errorf("top-level keys = %v, want service, system, runtime, request, endpoints", sections)
	}

	// Comparing against typed values checks the JSON types too: numbers decode as float64.
	want := map[string]any{
		"service.name":            "devops-info-service",
		"service.version":         version,
		"service.description":     "DevOps course info service",
		"service.framework":       "Go net/http",
		"system.hostname":         a.hostname,
		"system.platform":         runtime.GOOS,
		"system.platform_version": runtime.GOOS + "-" + runtime.GOARCH,
		"system.architecture":     runtime.GOARCH,
		"system.cpu_count":        float64(runtime.NumCPU()),
		"system.go_version":       runtime.Version(),
		"runtime.uptime_seconds":  float64(2*3600 + 3*60 + 7),
		"runtime.uptime_human":    "2 hours, 3 minutes",
		"runtime.current_time":    "2025-01-02T04:07:12Z",
		"runtime.timezone":        "UTC",
		"request.client_ip":       "203.0.113.7",
		"request.user_agent":      "test-agent/1.0",
		"request.method":          "GET",
		"request.path":            "/",
	}
	for path, wantValue := range want {
		if got := lookup(body, path); got != wantValue {
			t.Errorf("%s = %#v (%T), want %#v (%T)", path, got, got, wantValue, wantValue)
		}
	}
	if hostname, _ := lookup(body, "system.hostname").(string); hostname == "" {
		t.Error("system.hostname is empty")
	}
	checkUTCTimestamp(t, "runtime.current_time", lookup(body, "runtime.current_time"))

	wantEndpoints := []any{
		map[string]any{"path": "/", "method": "GET", "description": "Service information"},
		map[string]any{"path": "/health", "method": "GET", "description": "Health check"},
	}
	if got := body["endpoints"]; !reflect.DeepEqual(got, wantEndpoints) {
		t.Errorf("endpoints = %#v, want %#v", got, wantEndpoints)
	}
}

func TestHealthEndpoint(t *testing.T) {
	a, _ := newTestApp(t, config{})
	fixClock(a)
	rec, body := serveJSON(t, a.handler(), httptest.NewRequest(http.MethodGet, "/health", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	want := map[string]any{
		"status":         "healthy",
		"timestamp":      "2025-01-02T04:07:12Z",
		"uptime_seconds": float64(7387),
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body = %#v, want %#v", body, want)
	}
	checkUTCTimestamp(t, "timestamp", body["timestamp"])
}

func TestHealthEndpointRealClock(t *testing.T) {
	a, _ := newTestApp(t, config{})
	_, body := serveJSON(t, a.handler(), httptest.NewRequest(http.MethodGet, "/health", nil))
	if uptime, ok := body["uptime_seconds"].(float64); !ok || uptime < 0 || uptime != float64(int(uptime)) {
		t.Errorf("uptime_seconds = %#v, want a non-negative integer", body["uptime_seconds"])
	}
	stamp := checkUTCTimestamp(t, "timestamp", body["timestamp"])
	if age := time.Since(stamp); age < -time.Second || age > 5*time.Second {
		t.Errorf("timestamp %v is %v away from now", stamp, age)
	}
}

func TestErrorResponses(t *testing.T) {
	tests := []struct {
		method, path string
		wantStatus   int
		wantError    string
	}{
		{"GET", "/nope", http.StatusNotFound, "Not Found"},
		{"GET", "/health/", http.StatusNotFound, "Not Found"},
		{"GET", "/health/extra", http.StatusNotFound, "Not Found"},
		{"POST", "/nope", http.StatusNotFound, "Not Found"},
		{"POST", "/", http.StatusMethodNotAllowed, "Method Not Allowed"},
		{"PUT", "/", http.StatusMethodNotAllowed, "Method Not Allowed"},
		{"DELETE", "/health", http.StatusMethodNotAllowed, "Method Not Allowed"},
		{"OPTIONS", "/health", http.StatusMethodNotAllowed, "Method Not Allowed"},
	}
	a, _ := newTestApp(t, config{})
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec, body := serveJSON(t, a.handler(), httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if body["error"] != tt.wantError {
				t.Errorf("error = %#v, want %q", body["error"], tt.wantError)
			}
			if message, _ := body["message"].(string); message == "" {
				t.Errorf("message = %#v, want a non-empty string", body["message"])
			}
			if len(body) != 2 {
				t.Errorf("body = %#v, want only error and message", body)
			}
			if tt.wantStatus == http.StatusNotFound && body["message"] != "Endpoint does not exist" {
				t.Errorf("message = %#v, want %q", body["message"], "Endpoint does not exist")
			}
			wantAllow := ""
			if tt.wantStatus == http.StatusMethodNotAllowed {
				wantAllow = "GET, HEAD"
			}
			if got := rec.Header().Get("Allow"); got != wantAllow {
				t.Errorf("Allow = %q, want %q", got, wantAllow)
			}
		})
	}
}

func TestHeadIsAllowed(t *testing.T) {
	a, _ := newTestApp(t, config{})
	srv := httptest.NewServer(a.handler())
	t.Cleanup(srv.Close)
	for _, path := range []string{"/", "/health"} {
		resp, err := http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s: status = %d, want 200", path, resp.StatusCode)
		}
	}
}

func TestPanicRecovery(t *testing.T) {
	a, logs := newTestApp(t, config{})
	mux := a.routes()
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.HandleFunc("GET /panic-late", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		http.NewResponseController(w).Flush()
		panic("late boom")
	})
	srv := httptest.NewServer(a.observe(mux))
	t.Cleanup(srv.Close)

	_, body := getJSON(t, srv.URL+"/panic", http.StatusInternalServerError)
	want := map[string]any{"error": "Internal Server Error", "message": "An unexpected error occurred"}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body = %#v, want %#v", body, want)
	}

	entry := logs.findLog(t, "panic serving request")
	if entry["level"] != "ERROR" || entry["panic"] != "boom" || entry["path"] != "/panic" {
		t.Errorf("panic log = %#v, want level ERROR, panic boom, path /panic", entry)
	}
	if stack, _ := entry["stack"].(string); !strings.Contains(stack, "TestPanicRecovery") {
		t.Errorf("panic log stack does not show the panicking handler:\n%s", stack)
	}
	if request := logs.findLog(t, "request"); request["status"] != float64(500) {
		t.Errorf("request log status = %#v, want 500", request["status"])
	}

	// Once the response has started, a 500 is impossible; the client must see
	// a broken response rather than a truncated one that looks complete.
	if resp, err := http.Get(srv.URL + "/panic-late"); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Error("GET /panic-late: read the body without error, want an aborted response")
		}
	}

	getJSON(t, srv.URL+"/", http.StatusOK)
}

func getJSON(t *testing.T, url string, wantStatus int) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: status = %d, want %d", url, resp.StatusCode, wantStatus)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("GET %s: Content-Type = %q, want application/json", url, got)
	}
	var body map[string]any
	if err := jsonDecode(resp.Body, &body); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, body
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name, remoteAddr, forwardedFor string
		trustProxy                     bool
		want                           string
	}{
		{"IPv4", "192.0.2.1:1234", "", false, "192.0.2.1"},
		{"IPv6 without brackets", "[2001:db8::1]:443", "", false, "2001:db8::1"},
		{"IPv6 loopback", "[::1]:5555", "", false, "::1"},
		{"no port", "192.0.2.1", "", false, "192.0.2.1"},
		{"forwarded-for ignored when proxy untrusted", "10.0.0.1:1", "203.0.113.9", false, "10.0.0.1"},
		{"forwarded-for left-most entry, trimmed", "10.0.0.1:1", " 203.0.113.9 , 10.0.0.2", true, "203.0.113.9"},
		{"forwarded-for IPv6", "10.0.0.1:1", "2001:db8::2, 10.0.0.2", true, "2001:db8::2"},
		{"trusted but no header", "[2001:db8::1]:443", "", true, "2001:db8::1"},
		{"trusted but empty first entry", "10.0.0.1:1", " , 10.0.0.2", true, "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, logs := newTestApp(t, config{TrustProxy: tt.trustProxy})
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tt.remoteAddr
			if tt.forwardedFor != "" {
				req.Header.Set("X-Forwarded-For", tt.forwardedFor)
			}
			_, body := serveJSON(t, a.handler(), req)
			if got := lookup(body, "request.client_ip"); got != tt.want {
				t.Errorf("request.client_ip = %#v, want %q", got, tt.want)
			}
			if got := logs.findLog(t, "request")["client_ip"]; got != tt.want {
				t.Errorf("logged client_ip = %#v, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatUptime(t *testing.T) {
	tests := []struct {
		uptime time.Duration
		want   string
	}{
		{0, "0 hours, 0 minutes"},
		{59 * time.Second, "0 hours, 0 minutes"},
		{3*time.Minute + 30*time.Second, "0 hours, 3 minutes"},
		{59*time.Minute + 59*time.Second, "0 hours, 59 minutes"},
		{time.Hour, "1 hours, 0 minutes"},
		{25*time.Hour + 61*time.Minute, "26 hours, 1 minutes"},
	}
	for _, tt := range tests {
		if got := formatUptime(tt.uptime); got != tt.want {
			t.Errorf("formatUptime(%v) = %q, want %q", tt.uptime, got, tt.want)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	a, _ := newTestApp(t, config{})
	srv := httptest.NewServer(a.handler())
	t.Cleanup(srv.Close)

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var body map[string]any
			if err := jsonDecode(resp.Body, &body); err != nil {
				t.Error(err)
				return
			}
			if resp.StatusCode != http.StatusOK || lookup(body, "service.name") != "devops-info-service" {
				t.Errorf("status %d, body %v", resp.StatusCode, body)
			}
		})
	}
	wg.Wait()
}
