package keepnet

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"time"
)

// Environment variables read by [New] for settings not given as options.
const (
	EnvClientID     = "KEEPNET_CLIENT_ID"
	EnvClientSecret = "KEEPNET_CLIENT_SECRET"
	EnvBaseURL      = "KEEPNET_BASE_URL"
)

// DefaultBaseURL is the Keepnet API used when neither [WithBaseURL] nor
// KEEPNET_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.keepnetlabs.com"

// defaultHTTPTimeout bounds one HTTP exchange (including reading the body)
// when the caller does not bring its own http.Client, so that a server that
// stops answering turns into a timeout instead of a hang.
const defaultHTTPTimeout = 60 * time.Second

// tokenFetchTimeout bounds one token request. The fetch is shared by every
// goroutine waiting for a token, so it cannot use any single caller's
// context.
const tokenFetchTimeout = 30 * time.Second

// Option configures a [Client] built by [New].
type Option func(*config)

// config collects the options; New validates it as a whole.
type config struct {
	baseURL                string
	clientID, clientSecret string
	credentialsGiven       bool
	httpClient             *http.Client
	transport              http.RoundTripper
	retry                  RetryPolicy
	rateLimit              float64
	fixedPace              bool
	paceMemory             string // directory; empty: none
	maxInFlight            int
	userAgent              string
	maxResponseBytes       int64
	maxBufferedBytes       int64
	logger                 *slog.Logger
	trace                  io.Writer
	problem                *ConfigError // first invalid option value

	// Seams for tests: the environment and the passage of time.
	getenv func(string) string
	clock  clock
}

func (c *config) reject(setting, format string, args ...any) {
	if c.problem == nil {
		c.problem = &ConfigError{Setting: setting, Problem: fmt.Sprintf(format, args...)}
	}
}

// WithBaseURL sets the API's base URL. The default is KEEPNET_BASE_URL, or
// else https://api.keepnetlabs.com. It must be https, except for loopback
// hosts (localhost, 127.0.0.0/8, ::1) used by local fakes.
func WithBaseURL(u string) Option {
	return func(c *config) { c.baseURL = u }
}

// WithCredentials sets the OAuth client ID and secret. Without it they come
// from KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET.
func WithCredentials(clientID, clientSecret string) Option {
	return func(c *config) {
		c.clientID, c.clientSecret, c.credentialsGiven = clientID, clientSecret, true
	}
}

// WithHTTPClient sets the HTTP client used for API and token requests (its
// transport, timeout, redirect policy). The client is not modified. The
// default has a 60-second timeout per exchange. Whatever the client's
// redirect policy, the token request follows no redirect, and API calls
// follow one only within the base URL's origin (scheme, host and port);
// the client's own policy is consulted after that.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.httpClient = hc }
}

// WithTransport sets the transport used for API and token requests, for
// callers that want the default client with, say, a proxy or custom TLS.
// With [WithHTTPClient] as well, this transport replaces the client's own.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) { c.transport = rt }
}

// WithRetry sets the retry policy. Zero fields take the defaults of
// [DefaultRetryPolicy]; MaxAttempts 1 turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) {
		if p.MaxAttempts < 0 || p.MaxElapsed < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
			c.reject("WithRetry", "retry policy values must not be negative")
			return
		}
		c.retry = p
	}
}

// WithRateLimit bounds requests per second across all scopes of the client
// (0, the default, means unlimited). Waiting for a slot honours the
// request's context. The adaptive pace (see [WithAdaptivePace]) stays below
// this bound.
func WithRateLimit(rps float64) Option {
	return func(c *config) {
		if rps < 0 || math.IsNaN(rps) || math.IsInf(rps, 0) {
			c.reject("WithRateLimit", "requests per second must be a finite number, 0 or more, got %g", rps)
			return
		}
		if rps > 0 && rps < minRateLimit {
			c.reject("WithRateLimit", "%g requests per second is slower than one an hour: the first request might never be sent", rps)
			return
		}
		c.rateLimit = rps
	}
}

// minRateLimit is the slowest bound WithRateLimit takes: one request an
// hour. Far slower (1e-300, say) a request would wait for ever.
const minRateLimit = 1.0 / 3600

// WithAdaptivePace turns the adaptive pace on (the default) or off. On, the
// client finds the service's unpublished rate limit from its 429 answers:
// a 429 slows every request of the client, in every company scope, and
// accepted requests speed it up again (see [Client.Pace]). Off, the client
// sends as fast as [WithRateLimit] and [WithMaxInFlight] allow, and a 429
// delays only the refused request.
func WithAdaptivePace(on bool) Option {
	return func(c *config) { c.fixedPace = !on }
}

// WithMaxInFlight bounds how many requests are in flight at once across all
// scopes of the client (0, the default, means unlimited).
func WithMaxInFlight(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.reject("WithMaxInFlight", "the bound must not be negative, got %d", n)
			return
		}
		c.maxInFlight = n
	}
}

// DefaultMaxResponseBytes is the largest response body a client reads when
// [WithMaxResponseBytes] is not given. The pages and sessions the flows read
// are kilobytes; a body this large is a fault, not data.
const DefaultMaxResponseBytes = 32 << 20

// WithMaxResponseBytes bounds the size of a response body (default
// DefaultMaxResponseBytes). A longer body fails its call instead of being
// read into memory; it is not retried. Zero keeps the default.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) {
		if n < 0 {
			c.reject("WithMaxResponseBytes", "the limit must not be negative, got %d", n)
			return
		}
		if n > 0 {
			c.maxResponseBytes = n
		}
	}
}

// DefaultMaxBufferedBytes bounds the response bytes a client buffers at
// once, across all its requests, when [WithMaxBufferedBytes] is not given:
// two bodies of the largest size DefaultMaxResponseBytes allows, or a
// thousand ordinary ones. Measured: 32 answers of 30 MB fetched at once
// peak at about 220 MB of memory under it, and at 2.5 GB without any bound.
const DefaultMaxBufferedBytes = 64 << 20

// WithMaxBufferedBytes bounds the response bytes the client holds at once
// across all its requests (default DefaultMaxBufferedBytes). Each body is
// read whole before its call returns; a body that does not fit waits, before
// it is read, for bodies being read or checked to be done. A body of unknown
// size reserves the whole WithMaxResponseBytes once it passes 64 KiB, so
// this bound also says how many large bodies are read side by side. A body
// larger than the whole bound is still read, alone. A flow's body check
// (internal/reqctx) runs while its body holds its share, so it must not wait
// for another request of the same client. Zero keeps the default.
func WithMaxBufferedBytes(n int64) Option {
	return func(c *config) {
		if n < 0 {
			c.reject("WithMaxBufferedBytes", "the bound must not be negative, got %d", n)
			return
		}
		if n > 0 {
			c.maxBufferedBytes = n
		}
	}
}

// WithUserAgent sets the User-Agent header; the default is
// "keepnet-flow/<version>".
func WithUserAgent(ua string) Option {
	return func(c *config) { c.userAgent = ua }
}

// WithLogger sets the logger. Retries are logged at Debug level with
// method, path, attempt and wait; headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithTrace writes every HTTP exchange, token requests included, to w for
// debugging, with credentials and tokens redacted from headers, form bodies
// and JSON bodies. Writes are serialised; w need not be safe for concurrent
// use.
func WithTrace(w io.Writer) Option {
	return func(c *config) { c.trace = w }
}

// withClock replaces the passage of time (tests only).
func withClock(cl clock) Option {
	return func(c *config) { c.clock = cl }
}

// withEnv replaces the environment lookup (tests only).
func withEnv(getenv func(string) string) Option {
	return func(c *config) { c.getenv = getenv }
}

func defaultConfig() config {
	return config{
		getenv:           os.Getenv,
		clock:            realClock{},
		maxResponseBytes: DefaultMaxResponseBytes,
		maxBufferedBytes: DefaultMaxBufferedBytes,
	}
}
