package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newTestServer serves routes with a fixed start time and a fixed pick.
func newTestServer(t *testing.T, started time.Time, pick func(int) int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(routes(started, pick))
	t.Cleanup(srv.Close)
	return srv
}

func getJSON(t *testing.T, url string) (int, string, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: body is not a JSON object: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

func TestRoutes(t *testing.T) {
	srv := newTestServer(t, time.Now().Add(-90*time.Second), func(n int) int { return n - 1 })
	tests := []struct {
		path   string
		status int
		want   map[string]any
	}{
		{"/", 200, map[string]any{"name": "quote-service", "version": version, "quotes": float64(7)}},
		{"/health", 200, map[string]any{"status": "ok", "uptime_seconds": float64(90)}},
		{"/quote", 200, map[string]any{"id": float64(7), "text": "Root in a container is still root somewhere."}},
		{"/quote/1", 200, map[string]any{"id": float64(1), "text": "Ship the binary, not the workshop."}},
		{"/quote/5", 200, map[string]any{"id": float64(5), "source": "lab notes, week 4"}},
		{"/quote/0", 404, map[string]any{"error": `no quote "0"; ids run from 1 to 7`}},
		{"/quote/8", 404, map[string]any{"error": `no quote "8"; ids run from 1 to 7`}},
		{"/quote/two", 404, map[string]any{"error": `no quote "two"; ids run from 1 to 7`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, kind, body := getJSON(t, srv.URL+tt.path)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if kind != "application/json" {
				t.Errorf("Content-Type %q, want application/json", kind)
			}
			for field, want := range tt.want {
				if body[field] != want {
					t.Errorf("%s = %#v, want %#v", field, body[field], want)
				}
			}
		})
	}
}

func TestRootListsEveryEndpoint(t *testing.T) {
	srv := newTestServer(t, time.Now(), func(int) int { return 0 })
	_, _, body := getJSON(t, srv.URL+"/")
	listed, _ := body["endpoints"].([]any)
	for _, endpoint := range listed {
		method, path, _ := strings.Cut(endpoint.(string), " ")
		path = strings.Replace(path, "{id}", "3", 1)
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s answers %d", endpoint, resp.StatusCode)
		}
	}
	if len(listed) != 4 {
		t.Errorf("%d endpoints listed, want 4", len(listed))
	}
}

func TestOnlyGET(t *testing.T) {
	srv := newTestServer(t, time.Now(), func(int) int { return 0 })
	for _, path := range []string{"/", "/health", "/quote"} {
		resp, err := http.Post(srv.URL+path, "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: %d, want 405", path, resp.StatusCode)
		}
	}
	resp, err := http.Get(srv.URL + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nowhere: %d, want 404", resp.StatusCode)
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logs, logWriter := io.Pipe()
	done := make(chan error, 1)
	env := map[string]string{"PORT": "0"}
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, logWriter)
		logWriter.Close()
	}()

	lines := bufio.NewScanner(logs)
	if !lines.Scan() {
		t.Fatalf("no start-up line: %v", <-done)
	}
	_, addr, found := strings.Cut(lines.Text(), "listening on ")
	if !found {
		t.Fatalf("start-up line %q names no address", lines.Text())
	}
	addr = strings.Replace(addr, "[::]", "127.0.0.1", 1)
	status, _, body := getJSON(t, "http://"+addr+"/health")
	if status != 200 || body["status"] != "ok" {
		t.Fatalf("/health answered %d %v", status, body)
	}

	cancel()
	go func() { _, _ = io.Copy(io.Discard, logs) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v, want nil", err)
		}
	case <-time.After(shutdownGrace + time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		port string
		want string
	}{
		{"argument", []string{"serve"}, "", `takes no arguments (got "serve")`},
		{"word port", nil, "http", `PORT="http" is not a port number`},
		{"port too high", nil, "70000", `PORT="70000" is not a port number`},
		{"negative port", nil, "-1", `PORT="-1" is not a port number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(string) string { return tt.port }
			err := run(context.Background(), tt.args, getenv, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
