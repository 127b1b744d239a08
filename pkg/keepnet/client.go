package keepnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/apiops"
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
		budget:    newBodyBudget(cfg.maxBufferedBytes),
		ops:       apiops.NewIndex(apiops.Operations()),
		stalls:    newStalls(cfg.clock),
		basePath:  strings.TrimSuffix(base.EscapedPath(), "/"),
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
	budget    *bodyBudget
	// ops finds a request's operation from its path below basePath (the
	// base URL's escaped path, without its trailing slash).
	ops      *apiops.Index
	basePath string
	stalls   *stalls
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
	// held is what the body holds of the client's buffer budget, released
	// once the body has been checked (and decoded by the check).
	held int64
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
	op, known, err := d.operation(req)
	if err != nil {
		return nil, err
	}
	safe := known && op.Repeatable
	var last error // the last failure, once there is one
	start := d.clock.now()
	refreshedToken := false
	// 429s are counted apart from attempts: see RetryPolicy.MaxThrottled.
	// Neither their waits nor the time spent queued for the pace count
	// against MaxElapsed, which is the request's own retry budget: under a
	// slow pace, a 5xx must still get its retries.
	throttled, throttledWait, queuedWait := 0, time.Duration(0), time.Duration(0)
	for n := 1; ; {
		if known {
			if err := d.stalls.allow(op); err != nil {
				if last != nil {
					return nil, fmt.Errorf("%w (last failure: %w)", err, last)
				}
				return nil, err
			}
		}
		a := d.once(ctx, req)
		if known {
			d.stalls.observe(ctx, op, a)
		}
		queuedWait += a.queued
		if a.resp != nil {
			if a.resp.StatusCode == http.StatusTooManyRequests {
				d.limits.pace.refused(a.turn)
			} else {
				d.limits.pace.succeeded(a.turn)
			}
		} else {
			d.limits.pace.failed(a.turn)
		}
		if a.err == nil && a.resp.StatusCode >= 200 && a.resp.StatusCode < 300 {
			err := checkBody(ctx, a.resp.Header.Get("Content-Type"), a.body)
			if err == nil {
				d.budget.release(a.held)
				return a.resp, nil
			}
			if !errors.Is(err, ErrHollowResponse) {
				d.budget.release(a.held)
				return nil, fmt.Errorf("keepnet: %s %s: %w", req.Method, req.URL.Path, err)
			}
			a.hollow = err
		}
		failure := d.failure(req, a)
		d.budget.release(a.held)
		last = failure
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
	body, held, err := d.budget.read(ctx, resp, d.maxBody)
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
	return attempt{resp: resp, body: raw, held: held, sent: true, generation: generation, accessToken: tok.AccessToken}
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
