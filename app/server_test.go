package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets TestMainExitCodes re-execute the test binary as the real
// program, to observe main's exit status and stderr.
func TestMain(m *testing.M) {
	if os.Getenv("DEVOPS_INFO_SERVICE_RUN_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// startRun runs the program in the background and waits until it is healthy.
// stop cancels its context and returns run's result.
func startRun(t *testing.T, env map[string]string) (baseURL string, logs *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, envFrom(env), logs) }()

	var result error
	var finished bool
	stop = func() error {
		cancel()
		if !finished {
			select {
			case result = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return within 10s of cancellation")
			}
			finished = true
		}
		return result
	}
	t.Cleanup(func() { stop() })

	baseURL = "http://127.0.0.1:" + env["PORT"]
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			finished, result = true, err
			t.Fatalf("run returned before serving: %v\nlogs:\n%s", err, logs)
		default:
		}
		resp, err := http.Get(baseURL + "/health")
		if err == nil {
			resp.Body.Close()
			return baseURL, logs, stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not reachable: %v", err)
		}
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	port := freePort(t)
	baseURL, logs, stop := startRun(t, map[string]string{"HOST": "127.0.0.1", "PORT": port})

	_, body := getJSON(t, baseURL+"/", http.StatusOK)
	if got := lookup(body, "service.version"); got != version {
		t.Errorf("service.version = %#v, want %q", got, version)
	}
	if err := stop(); err != nil {
		t.Fatalf("run = %v, want nil after cancellation", err)
	}
	if _, err := http.Get(baseURL + "/health"); err == nil {
		t.Error("server still answers after run returned")
	}

	starting := logs.findLog(t, "starting")
	if starting["addr"] != "127.0.0.1:"+port || starting["version"] != version {
		t.Errorf("starting log = %#v, want addr 127.0.0.1:%s and version %s", starting, port, version)
	}
	logs.findLog(t, "shutting down")
	logs.findLog(t, "stopped")
	var request map[string]any
	for _, entry := range logs.logEntries(t) {
		if entry["msg"] == "request" && entry["path"] == "/" {
			request = entry
		}
		if entry["level"] == "DEBUG" {
			t.Errorf("debug line logged without DEBUG: %v", entry)
		}
	}
	for field, want := range map[string]any{"method": "GET", "status": float64(200), "client_ip": "127.0.0.1"} {
		if request[field] != want {
			t.Errorf("request log %s = %#v, want %#v", field, request[field], want)
		}
	}
	if _, ok := request["duration_ms"].(float64); !ok {
		t.Errorf("request log duration_ms = %#v, want a number", request["duration_ms"])
	}
}

func TestRunStopsOnSIGTERM(t *testing.T) {
	_, logs, stop := startRun(t, map[string]string{"PORT": freePort(t), "DEBUG": "true"})
	// Safe only because startRun waited for the server: run registered for
	// SIGTERM before listening, so the signal cannot kill the test binary.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), `"msg":"stopped"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no clean shutdown after SIGTERM; logs:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatalf("run = %v, want nil after SIGTERM", err)
	}
	if entry := logs.findLog(t, "config"); entry["level"] != "DEBUG" {
		t.Errorf("config log = %#v, want level DEBUG", entry)
	}
}

func TestServeFinishesInFlightRequest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	served := make(chan error, 1)
	go func() { served <- serve(ctx, newServer(slow, logger), ln, logger) }()

	type result struct {
		body string
		err  error
	}
	responded := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			responded <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		responded <- result{string(body), err}
	}()

	<-started
	cancel()
	select {
	case err := <-served:
		t.Fatalf("serve returned %v while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)

	if got := <-responded; got.err != nil || got.body != "finished" {
		t.Errorf("in-flight request got %q, %v; want %q, nil", got.body, got.err, "finished")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serve = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the in-flight request finished")
	}
}

func TestHealthcheckFlag(t *testing.T) {
	// HOST is left at 0.0.0.0, so this also checks the probe dials loopback.
	port := freePort(t)
	startRun(t, map[string]string{"PORT": port})
	if err := run(context.Background(), []string{"-healthcheck"}, envFrom(map[string]string{"PORT": port}), io.Discard); err != nil {
		t.Errorf("healthcheck against a running server = %v, want nil", err)
	}

	err := run(context.Background(), []string{"-healthcheck"}, envFrom(map[string]string{"PORT": freePort(t)}), io.Discard)
	if err == nil || exitCode(err) != 1 {
		t.Errorf("healthcheck with nothing listening = %v (exit %d), want an error with exit 1", err, exitCode(err))
	}

	unhealthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(unhealthy.Close)
	if err := probeHealth(context.Background(), unhealthy.URL+"/health"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("probe of a 503 = %v, want an error naming 503", err)
	}
}

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		env        []string
		wantCode   int
		wantStdout string
		wantStderr string // exact; "*" prefix means "starts with"
	}{
		{"bad PORT", nil, []string{"PORT=abc"}, 2, "", `invalid PORT "abc": want an integer from 1 to 65535` + "\n"},
		{"PORT out of range", nil, []string{"PORT=70000"}, 2, "", `invalid PORT "70000": want an integer from 1 to 65535` + "\n"},
		{"bad DEBUG", nil, []string{"DEBUG=maybe"}, 2, "", `invalid DEBUG "maybe": want a boolean (true, false, 1, 0, t, f)` + "\n"},
		{"unknown flag", []string{"-nope"}, nil, 2, "", "flag provided but not defined: -nope\n"},
		{"version", []string{"-version"}, nil, 0, version + "\n", ""},
		{"healthcheck with nothing listening", []string{"-healthcheck"}, []string{"PORT=" + freePort(t)}, 1, "", "*healthcheck: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), "HOST=", "PORT=", "DEBUG=", "TRUST_PROXY=", "DEVOPS_INFO_SERVICE_RUN_MAIN=1")
			cmd.Env = append(cmd.Env, tt.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()

			code := 0
			if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if stdout.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantStdout)
			}
			if prefix, ok := strings.CutPrefix(tt.wantStderr, "*"); ok {
				if !strings.HasPrefix(stderr.String(), prefix) || strings.Count(stderr.String(), "\n") != 1 {
					t.Errorf("stderr = %q, want one line starting %q", stderr.String(), prefix)
				}
			} else if stderr.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}
