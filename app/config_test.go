package main

import (
	"errors"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	defaults := config{Host: "0.0.0.0", Port: 8080}
	tests := []struct {
		name    string
		env     map[string]string
		want    config
		wantErr string
	}{
		{name: "defaults", env: nil, want: defaults},
		{name: "empty values mean defaults", env: map[string]string{"HOST": "", "PORT": "", "DEBUG": ""}, want: defaults},
		{
			name: "all set",
			env:  map[string]string{"HOST": "127.0.0.1", "PORT": "9000", "DEBUG": "true", "TRUST_PROXY": "1"},
			want: config{Host: "127.0.0.1", Port: 9000, Debug: true, TrustProxy: true},
		},
		{name: "IPv6 host", env: map[string]string{"HOST": "::"}, want: config{Host: "::", Port: 8080}},
		{name: "lowest port", env: map[string]string{"PORT": "1"}, want: config{Host: "0.0.0.0", Port: 1}},
		{name: "highest port", env: map[string]string{"PORT": "65535"}, want: config{Host: "0.0.0.0", Port: 65535}},
		{name: "DEBUG FALSE", env: map[string]string{"DEBUG": "FALSE"}, want: defaults},
		{name: "TRUST_PROXY t", env: map[string]string{"TRUST_PROXY": "t"}, want: config{Host: "0.0.0.0", Port: 8080, TrustProxy: true}},
		{name: "PORT not a number", env: map[string]string{"PORT": "abc"}, wantErr: `invalid PORT "abc": want an integer from 1 to 65535`},
		{name: "PORT too high", env: map[string]string{"PORT": "70000"}, wantErr: `invalid PORT "70000": want an integer from 1 to 65535`},
		{name: "PORT zero", env: map[string]string{"PORT": "0"}, wantErr: `invalid PORT "0": want an integer from 1 to 65535`},
		{name: "PORT negative", env: map[string]string{"PORT": "-1"}, wantErr: `invalid PORT "-1": want an integer from 1 to 65535`},
		{name: "PORT with space", env: map[string]string{"PORT": "8080 "}, wantErr: `invalid PORT "8080 ": want an integer from 1 to 65535`},
		{name: "DEBUG not a boolean", env: map[string]string{"DEBUG": "maybe"}, wantErr: `invalid DEBUG "maybe": want a boolean (true, false, 1, 0, t, f)`},
		{name: "TRUST_PROXY not a boolean", env: map[string]string{"TRUST_PROXY": "yes"}, wantErr: `invalid TRUST_PROXY "yes": want a boolean (true, false, 1, 0, t, f)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadConfig(envFrom(tt.env))
			if tt.wantErr != "" {
				var cfgErr *configError
				if !errors.As(err, &cfgErr) || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want configError %q", err, tt.wantErr)
				}
				if code := exitCode(err); code != 2 {
					t.Errorf("exitCode = %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHealthURL(t *testing.T) {
	tests := []struct{ host, want string }{
		{"0.0.0.0", "http://127.0.0.1:8080/health"},
		{"::", "http://127.0.0.1:8080/health"},
		{"127.0.0.1", "http://127.0.0.1:8080/health"},
		{"10.1.2.3", "http://10.1.2.3:8080/health"},
		{"::1", "http://[::1]:8080/health"},
		{"localhost", "http://localhost:8080/health"},
	}
	for _, tt := range tests {
		if got := (config{Host: tt.host, Port: 8080}).healthURL(); got != tt.want {
			t.Errorf("healthURL for HOST %q = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{&configError{"bad"}, 2},
		{errors.New("listen: address in use"), 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
