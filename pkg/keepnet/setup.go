package keepnet

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// This file turns the options into what a client is built from: the base
// URL, the credentials and the HTTP client.

func resolveBaseURL(cfg *config) (*url.URL, error) {
	raw, setting := cfg.baseURL, "WithBaseURL"
	if raw == "" {
		raw, setting = cfg.getenv(EnvBaseURL), EnvBaseURL
	}
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		// The URL is not echoed: a malformed one may hold credentials.
		return nil, &ConfigError{Setting: setting, Problem: "the base URL is not an absolute URL like https://api.keepnetlabs.com"}
	}
	if u.User != nil {
		return nil, &ConfigError{Setting: setting, Problem: "the base URL must not contain user credentials"}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, &ConfigError{Setting: setting, Problem: "the base URL must not have a query or fragment"}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopbackHost(u.Hostname()) {
			return nil, &ConfigError{Setting: setting, Problem: fmt.Sprintf("refusing plain http to %s: credentials and tokens would travel unencrypted; use https (plain http is allowed only for localhost)", u.Host)}
		}
	default:
		return nil, &ConfigError{Setting: setting, Problem: fmt.Sprintf("unsupported URL scheme %q; use https", u.Scheme)}
	}
	return u, nil
}

// loopbackHost reports hosts that never leave the machine, where plain http
// exposes nothing: local fakes and test servers.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func resolveCredentials(cfg *config) error {
	if cfg.credentialsGiven {
		// Name what the caller used, not environment variables it never
		// set.
		switch {
		case cfg.clientID == "" && cfg.clientSecret == "":
			return &ConfigError{Setting: "WithCredentials", Problem: "the client ID and secret are empty"}
		case cfg.clientID == "":
			return &ConfigError{Setting: "WithCredentials", Problem: "the client ID is empty"}
		case cfg.clientSecret == "":
			return &ConfigError{Setting: "WithCredentials", Problem: "the client secret is empty"}
		}
		return nil
	}
	cfg.clientID, cfg.clientSecret = cfg.getenv(EnvClientID), cfg.getenv(EnvClientSecret)
	// Both missing is one problem, a first run's, reported at once rather
	// than one variable per attempt.
	if cfg.clientID == "" && cfg.clientSecret == "" {
		return &ConfigError{Setting: EnvClientID + " and " + EnvClientSecret, Problem: "the Keepnet API client ID and secret are missing; set both"}
	}
	if cfg.clientID == "" {
		return &ConfigError{Setting: EnvClientID, Problem: "the Keepnet API client ID is missing; set " + EnvClientID}
	}
	if cfg.clientSecret == "" {
		return &ConfigError{Setting: EnvClientSecret, Problem: "the Keepnet API client secret is missing; set " + EnvClientSecret}
	}
	return nil
}

// buildHTTPClient returns the client used for API and token requests: a
// shallow copy of the caller's (so it is never modified), with the chosen
// transport, the same-origin redirect policy (the token request gets a
// stricter one in newTokens) and, when asked, the trace around it.
func buildHTTPClient(cfg *config, scrub func(string) string) *http.Client {
	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient
	} else {
		hc.Timeout = defaultHTTPTimeout
	}
	if cfg.transport != nil {
		hc.Transport = cfg.transport
	}
	if hc.Transport == nil {
		// http.DefaultTransport keeps two idle connections per host: with
		// more requests in flight, every other request would dial (and
		// handshake TLS) anew and leave a socket in TIME_WAIT.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = max(defaultIdleConnsPerHost, cfg.maxInFlight+1) // +1: the token request
		hc.Transport = t
	}
	hc.CheckRedirect = sameOriginRedirects(hc.CheckRedirect)
	if cfg.trace != nil {
		hc.Transport = &traceTransport{next: hc.Transport, w: cfg.trace, mu: &sync.Mutex{}, seq: &atomic.Uint64{}, scrub: scrub}
	}
	return &hc
}

// defaultIdleConnsPerHost is the idle connections kept to the API when the
// caller brings no transport: enough for the concurrency the workflows use.
const defaultIdleConnsPerHost = 32
