package main

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// config is read from the environment so one image runs unchanged everywhere.
type config struct {
	Host       string
	Port       int
	Debug      bool
	TrustProxy bool
}

// configError marks a bad setting or flag. main exits 2 for it, as the flag
// package does, so misconfiguration is distinguishable from a runtime failure.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func invalidSetting(name, value, want string) error {
	return &configError{fmt.Sprintf("invalid %s %q: want %s", name, value, want)}
}

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{Host: "0.0.0.0", Port: 8080}
	if host := getenv("HOST"); host != "" {
		cfg.Host = host
	}
	if raw := getenv("PORT"); raw != "" {
		port, err := strconv.Atoi(raw)
		if err != nil || port < 1 || port > 65535 {
			return config{}, invalidSetting("PORT", raw, "an integer from 1 to 65535")
		}
		cfg.Port = port
	}
	var err error
	if cfg.Debug, err = envBool(getenv, "DEBUG"); err != nil {
		return config{}, err
	}
	if cfg.TrustProxy, err = envBool(getenv, "TRUST_PROXY"); err != nil {
		return config{}, err
	}
	return cfg, nil
}

func envBool(getenv func(string) string, name string) (bool, error) {
	raw := getenv(name)
	if raw == "" {
		return false, nil
	}
	value, err := strconv.ParseBool(raw)
	if err != nil {
		return false, invalidSetting(name, raw, "a boolean (true, false, 1, 0, t, f)")
	}
	return value, nil
}

func (c config) listenAddr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// healthURL is where -healthcheck probes. A wildcard listen address cannot be
// dialled, so it probes loopback instead; a specific address is probed as is.
func (c config) healthURL() string {
	host := c.Host
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(c.Port)), Path: "/health"}
	return u.String()
}
