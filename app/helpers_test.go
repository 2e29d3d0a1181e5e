package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects logs written by server goroutines while the test reads them.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logEntries parses JSON log lines, failing the test on anything that is not JSON.
func (b *syncBuffer) logEntries(t *testing.T) []map[string]any {
	t.Helper()
	var entries []map[string]any
	for line := range strings.Lines(b.String()) {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %v: %q", err, line)
		}
		entries = append(entries, entry)
	}
	return entries
}

func (b *syncBuffer) findLog(t *testing.T, msg string) map[string]any {
	t.Helper()
	for _, entry := range b.logEntries(t) {
		if entry["msg"] == msg {
			return entry
		}
	}
	t.Fatalf("no %q log line in:\n%s", msg, b.String())
	return nil
}

func newTestApp(t *testing.T, cfg config) (*app, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	return newApp(cfg, slog.New(slog.NewJSONHandler(logs, nil))), logs
}

// serveJSON runs req through h and decodes the JSON object it must answer with.
func serveJSON(t *testing.T, h http.Handler, req *http.Request) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("%s %s: Content-Type = %q, want application/json", req.Method, req.URL.Path, got)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v: %q", req.Method, req.URL.Path, err, rec.Body)
	}
	return rec, body
}

// lookup follows a dotted path such as "runtime.uptime_seconds" into decoded JSON.
func lookup(body map[string]any, path string) any {
	var value any = body
	for key := range strings.SplitSeq(path, ".") {
		object, ok := value.(map[string]any)
		if !ok {
			return nil
		}
		value = object[key]
	}
	return value
}

func checkUTCTimestamp(t *testing.T, name string, value any) time.Time {
	t.Helper()
	s, ok := value.(string)
	if !ok {
		t.Fatalf("%s = %#v, want a string", name, value)
	}
	parsed, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%s = %q is not RFC 3339: %v", name, s, err)
	}
	if !strings.HasSuffix(s, "Z") {
		t.Errorf("%s = %q, want UTC (ending in Z)", name, s)
	}
	return parsed
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func envFrom(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func jsonDecode(r io.Reader, v any) error {
	return json.NewDecoder(r).Decode(v)
}
