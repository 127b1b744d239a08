package keepnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// Client is a connection to the Keepnet API with one credential. It is safe
// for concurrent use; build one with [New] and share it.
type Client struct {
	server string // base URL with a trailing slash, as gen expects
	doer   *doer
	api    *gen.ClientWithResponses
}

// New builds a ready client. Settings not given as options come from the
// environment (KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET, KEEPNET_BASE_URL)
// or defaults. Configuration problems (missing credentials, a base URL that
// is not https) are reported as *ConfigError before any connection is made.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.problem != nil {
		return nil, cfg.problem
	}
	base, err := resolveBaseURL(&cfg)
	if err != nil {
		return nil, err
	}
	if err := resolveCredentials(&cfg); err != nil {
		return nil, err
	}
	if cfg.userAgent == "" {
		cfg.userAgent = "keepnet-flow/" + Version()
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	scrub := newScrubber(cfg.clientSecret)
	hc := buildHTTPClient(&cfg, scrub)

	server := strings.TrimSuffix(base.String(), "/") + "/"
	conf := &clientcredentials.Config{
		ClientID:     cfg.clientID,
		ClientSecret: cfg.clientSecret,
		TokenURL:     server + "connect/token",
		Scopes:       []string{"api1"},
		// The service accepts the credentials only in the form body.
		AuthStyle: oauth2.AuthStyleInParams,
	}
	d := &doer{
		http:      hc,
		tokens:    newTokens(conf, hc, scrub),
		limits:    newLimits(newClientPacer(&cfg, server), cfg.maxInFlight),
		retry:     cfg.retry.withDefaults(),
		clock:     cfg.clock,
		log:       cfg.logger,
		userAgent: cfg.userAgent,
		scrub:     scrub,
		maxBody:   cfg.maxResponseBytes,
	}
	return &Client{server: server, doer: d, api: newGenClient(server, d, nil)}, nil
}

// API returns the generated client for calls outside any company scope, such
// as companies/search. Its requests carry no company header; use
// [Client.ForCompany] for anything about one customer, because an unscoped
// Reseller call can silently mix the data of all customers.
func (c *Client) API() *gen.ClientWithResponses { return c.api }

// Pace reports what the client's pacing has done so far: the current rate,
// the 429s received and the time spent waiting them out. It is safe to call
// while requests run, e.g. for a progress line.
func (c *Client) Pace() PaceStats { return c.doer.limits.pace.stats() }

// newGenClient builds a generated client on the shared doer. The struct is
// filled directly because gen.NewClient's only failure is an invalid server
// URL, which New has already ruled out.
func newGenClient(server string, d *doer, editor gen.RequestEditorFn) *gen.ClientWithResponses {
	c := &gen.Client{Server: server, Client: d}
	if editor != nil {
		c.RequestEditors = []gen.RequestEditorFn{editor}
	}
	return &gen.ClientWithResponses{ClientInterface: c}
}

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

// readBody reads a response body whole, refusing one longer than limit
// bytes (0: no limit) rather than allocating for it. io.ReadAll grows its
// buffer in steps and copies the pieces into a final slice: for a 7 KB
// exam-result-sessions body, 16 KB in 11 allocations. Sized from the
// Content-Length the server declares, it is 8 KB in 2. A declared size is
// trusted only up to maxPresizedBody, so a wrong header cannot make the
// client allocate gigabytes up front.
func readBody(resp *http.Response, limit int64) (*bytes.Buffer, error) {
	var body bytes.Buffer
	if limit > 0 && resp.ContentLength > limit {
		return nil, &bodyTooLargeError{limit: limit, declared: resp.ContentLength}
	}
	if n := resp.ContentLength; n > 0 && n <= maxPresizedBody {
		// ReadFrom grows the buffer whenever less than MinRead is free,
		// even when the body has been read whole: leave room for it.
		body.Grow(int(n) + bytes.MinRead)
	}
	r := io.Reader(resp.Body)
	if limit > 0 {
		r = io.LimitReader(resp.Body, limit+1)
	}
	if _, err := body.ReadFrom(r); err != nil {
		return nil, err
	}
	if limit > 0 && int64(body.Len()) > limit {
		return nil, &bodyTooLargeError{limit: limit}
	}
	return &body, nil
}

// maxPresizedBody is the largest declared body readBody allocates for up
// front.
const maxPresizedBody = 8 << 20

// bodyTooLargeError is a response body over the client's limit (see
// WithMaxResponseBytes). It is not retried: the same request would get the
// same body.
type bodyTooLargeError struct {
	limit, declared int64
}

func (e *bodyTooLargeError) Error() string {
	if e.declared > 0 {
		return fmt.Sprintf("response body of %d bytes exceeds the limit of %d bytes (WithMaxResponseBytes)", e.declared, e.limit)
	}
	return fmt.Sprintf("response body exceeds the limit of %d bytes (WithMaxResponseBytes)", e.limit)
}

// defaultIdleConnsPerHost is the idle connections kept to the API when the
// caller brings no transport: enough for the concurrency the workflows use.
const defaultIdleConnsPerHost = 32

// doer is the gen.HttpRequestDoer under every generated call: it adds the
// token and User-Agent, applies limits and retries, and turns non-2xx
// answers into *APIError.
type doer struct {
	http      *http.Client
	tokens    *tokens
	limits    *limits
	retry     RetryPolicy
	clock     clock
	log       *slog.Logger
	userAgent string
	scrub     func(string) string
	maxBody   int64 // bytes; 0 means no limit
}

// attempt is the result of sending a request once.
type attempt struct {
	resp *http.Response // set when the server answered; body fully buffered
	err  error          // transport, token or limit failure
	// sent is false only when the request provably never left this machine.
	sent        bool
	generation  uint64 // of the token used
	accessToken string // the token used, to keep it out of error texts
	// hollow is set when the server answered 2xx with a body that is not
	// what the operation returns (see checkBody).
	hollow error
	body   []byte // the buffered body of resp
	// queued is how long the attempt waited for the pace and the in-flight
	// bound before it was sent: time the service's pace took, not the
	// request's own retries (see Do's retry budget).
	queued time.Duration
	// turn is the attempt's turn of the pace: a request that waited across
	// a cut went at the pace it was granted.
	turn paceTurn
}

// Do sends req, retrying as the policy allows. It returns the response for
// 2xx answers and an error otherwise; the request body is always closed.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := makeReplayable(req); err != nil {
		return nil, fmt.Errorf("keepnet: %s %s: read request body: %w", req.Method, req.URL.Path, err)
	}
	safe := safeToRepeat(req)
	start := d.clock.now()
	refreshedToken := false
	// 429s are counted apart from attempts: see RetryPolicy.MaxThrottled.
	// Neither their waits nor the time spent queued for the pace count
	// against MaxElapsed, which is the request's own retry budget: under a
	// slow pace, a 5xx must still get its retries.
	throttled, throttledWait, queuedWait := 0, time.Duration(0), time.Duration(0)
	for n := 1; ; {
		a := d.once(ctx, req)
		queuedWait += a.queued
		if a.resp != nil {
			if a.resp.StatusCode == http.StatusTooManyRequests {
				d.limits.pace.refused(a.turn)
			} else {
				d.limits.pace.succeeded(a.turn)
			}
		}
		if a.err == nil && a.resp.StatusCode >= 200 && a.resp.StatusCode < 300 {
			err := checkBody(ctx, a.resp.Header.Get("Content-Type"), a.body)
			if err == nil {
				return a.resp, nil
			}
			if !errors.Is(err, ErrHollowResponse) {
				return nil, fmt.Errorf("keepnet: %s %s: %w", req.Method, req.URL.Path, err)
			}
			a.hollow = err
		}
		failure := d.failure(req, a)
		if ctx.Err() != nil {
			return nil, d.final(a, safe, failure)
		}
		// A 401 means the token was refused before anything was done with
		// the request, so one retry with a fresh token is safe for any
		// request. It is not counted as an attempt.
		if a.err == nil && a.resp.StatusCode == http.StatusUnauthorized && !refreshedToken {
			refreshedToken = true
			d.tokens.invalidate(a.generation)
			d.log.DebugContext(ctx, "keepnet: token refused, retrying with a new one", "method", req.Method, "path", req.URL.Path)
			continue
		}
		if a.err == nil && a.resp.StatusCode == http.StatusTooManyRequests {
			// Turned away unprocessed: retried for any request, under the
			// pace, until the service has refused everything for
			// MaxThrottled.
			throttled++
			wait, fromServer := d.retry.backoff(throttled, d.clock.jitter), false
			if ra, ok := retryAfter(a.resp.Header, d.clock.now()); ok {
				wait, fromServer = min(ra, d.retry.MaxRetryAfter), true
			}
			refusedFor := d.clock.now().Sub(d.limits.pace.progress(start))
			if refusedFor >= d.retry.MaxThrottled {
				return nil, &gaveUpError{cause: failure, attempts: n - 1 + throttled,
					why: fmt.Sprintf("the service has answered 429 to every request of this client for %s", refusedFor.Round(time.Second))}
			}
			wait = min(wait, d.retry.MaxThrottled-refusedFor)
			d.log.DebugContext(ctx, "keepnet: rate-limited, retrying", "method", req.Method, "path", req.URL.Path,
				"throttled", throttled, "wait", wait, "retry_after", fromServer)
			err := d.sleepFree(ctx, wait)
			d.limits.pace.waited.Add(int64(wait))
			throttledWait += wait
			if err != nil {
				return nil, fmt.Errorf("keepnet: %s %s: stopped retrying: %w (last failure: %w)", req.Method, req.URL.Path, err, failure)
			}
			continue
		}
		if !d.retryable(a, safe) {
			return nil, d.final(a, safe, failure)
		}
		if n >= d.retry.MaxAttempts {
			return nil, &gaveUpError{cause: failure, attempts: n + throttled}
		}
		wait, fromServer := d.retry.backoff(n, d.clock.jitter), false
		if a.resp != nil {
			if ra, ok := retryAfter(a.resp.Header, d.clock.now()); ok {
				wait, fromServer = ra, true
			}
		}
		if elapsed := d.clock.now().Sub(start) - throttledWait - queuedWait; elapsed+wait > d.retry.MaxElapsed {
			return nil, &gaveUpError{cause: failure, attempts: n + throttled,
				why: fmt.Sprintf("waiting %s more would exceed the retry budget of %s", wait, d.retry.MaxElapsed)}
		}
		d.log.DebugContext(ctx, "keepnet: retrying", "method", req.Method, "path", req.URL.Path,
			"attempt", n+1, "wait", wait, "retry_after", fromServer, "reason", reason(a))
		if err := d.sleepFree(ctx, wait); err != nil {
			return nil, fmt.Errorf("keepnet: %s %s: stopped retrying: %w (last failure: %w)", req.Method, req.URL.Path, err, failure)
		}
		n++
	}
}

// once sends one attempt: token, limits, the exchange and the whole body.
func (d *doer) once(ctx context.Context, req *http.Request) (a attempt) {
	tok, generation, err := d.tokens.token(ctx)
	if err != nil {
		return attempt{err: err, generation: generation}
	}
	queuedFrom := d.clock.now()
	release, turn, err := d.limits.acquire(ctx)
	if err != nil {
		return attempt{err: err, generation: generation}
	}
	defer release()
	queued := d.clock.now().Sub(queuedFrom)
	defer func() { a.queued, a.turn = queued, turn }()

	var gotConn atomic.Bool
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})
	r := req.Clone(traced)
	if req.GetBody != nil {
		if r.Body, err = req.GetBody(); err != nil {
			return attempt{err: fmt.Errorf("replay request body: %w", err), generation: generation}
		}
	}
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	r.Header.Set("User-Agent", d.userAgent)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	if err := ctx.Err(); err != nil {
		// Given up while waiting for a token or a slot: nothing was sent.
		// (The HTTP client would report this too, but not provably before
		// sending.)
		return attempt{err: err, generation: generation}
	}
	resp, err := d.http.Do(r)
	if err != nil {
		return attempt{err: err, sent: !neverSent(err, gotConn.Load()), generation: generation, accessToken: tok.AccessToken}
	}
	// The body is read here, inside the in-flight slot, so the limit covers
	// the whole exchange and a failure while reading counts as a failure of
	// this attempt.
	body, err := readBody(resp, d.maxBody)
	_ = resp.Body.Close() // fully read, failed or refused; the connection is released either way
	if err != nil {
		return attempt{err: fmt.Errorf("read response body: %w", err), sent: true, generation: generation, accessToken: tok.AccessToken}
	}
	raw := body.Bytes()
	resp.Body = io.NopCloser(body)
	// The response handed to callers points at their own request, which
	// carries no token, rather than at the copy with the Authorization
	// header: a dumped response must not show the token.
	resp.Request = req
	return attempt{resp: resp, body: raw, sent: true, generation: generation, accessToken: tok.AccessToken}
}

// retryable reports whether a failed attempt may be repeated.
func (d *doer) retryable(a attempt, safe bool) bool {
	var te *tokenError
	switch {
	case a.hollow != nil:
		// A 2xx the caller cannot use is retried like a 5xx: the edge or
		// the application failed after answering success.
		return safe
	case a.resp != nil:
		// A 429 turns the request away before it is processed, so even a
		// create may be repeated; the 5xx statuses may come after the
		// application acted.
		if a.resp.StatusCode == http.StatusTooManyRequests {
			return true
		}
		return safe && retryableStatus(a.resp.StatusCode)
	case errors.As(a.err, &te):
		// The API request has not been sent, so this is safe for any request.
		return te.transient
	case !a.sent:
		// Could not connect at all: the server cannot have seen the request,
		// so even a state-changing one may be tried again. Local failures
		// (limits, a body that cannot be replayed) are not connection errors.
		return connectionError(a.err)
	default:
		return safe && connectionError(a.err)
	}
}

// failure describes a failed attempt as an error.
func (d *doer) failure(req *http.Request, a attempt) error {
	if a.hollow != nil {
		return fmt.Errorf("keepnet: %s %s: HTTP %d: %w", req.Method, req.URL.Path, a.resp.StatusCode, a.hollow)
	}
	if a.resp == nil {
		var te *tokenError
		if errors.As(a.err, &te) {
			return a.err
		}
		return fmt.Errorf("keepnet: %s %s: %w", req.Method, req.URL.Path, a.err)
	}
	body, _ := io.ReadAll(a.resp.Body) // an in-memory buffer: cannot fail
	scrub := d.scrub
	if len(a.accessToken) >= minSecretLength {
		// A server echoing the request's token back must not put it in an
		// error message, whatever the token looks like.
		scrub = func(s string) string { return d.scrub(strings.ReplaceAll(s, a.accessToken, redacted)) }
	}
	return decodeAPIError(req.Method, req.URL.Path, a.resp.StatusCode, a.resp.Header.Get("Content-Type"), body, scrub)
}

// final marks the failure of a state-changing request that may have reached
// the server as ErrOutcomeUnknown: a 5xx answer, or a transport failure or
// cancellation after the request may have been written.
func (d *doer) final(a attempt, safe bool, failure error) error {
	if safe || !a.sent {
		return failure
	}
	if a.resp != nil && a.resp.StatusCode < 500 && a.hollow == nil {
		return failure // the server answered clearly: 4xx means not done
	}
	return &outcomeUnknownError{cause: failure}
}

// reason names a failure for the retry log without any request details.
func reason(a attempt) string {
	if a.hollow != nil {
		return a.resp.Status + " without the expected content"
	}
	if a.resp != nil {
		return a.resp.Status
	}
	var te *tokenError
	if errors.As(a.err, &te) {
		return "token request failed"
	}
	var netErr net.Error
	if errors.As(a.err, &netErr) && netErr.Timeout() {
		return "timeout"
	}
	return "connection error"
}

// makeReplayable makes sure every attempt can get a fresh copy of the body:
// the generated client's bodies are bytes readers with GetBody already set;
// any other body is buffered once.
func makeReplayable(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody {
		req.Body, req.GetBody = nil, nil
		return nil
	}
	if req.GetBody != nil {
		// Each attempt uses GetBody, so the original is not needed.
		return req.Body.Close()
	}
	body, err := io.ReadAll(req.Body)
	closeErr := req.Body.Close()
	if err != nil {
		return err
	}
	if closeErr != nil {
		return closeErr
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
	return nil
}
