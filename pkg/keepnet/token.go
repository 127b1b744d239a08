package keepnet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/sync/singleflight"
)

// tokenEarlyExpiry renews a token this long before it expires, so that a
// request does not set out with a token that dies on the way. Short-lived
// tokens are renewed after four fifths of their life instead (see
// renewEarly): with a fixed minute, a token living under a minute would be
// fetched anew for every request.
const tokenEarlyExpiry = 60 * time.Second

// reuseExpiryDelta is what oauth2's reuse source subtracts from the expiry
// renewEarly already moved forward; zero would mean its default of 10 s.
const reuseExpiryDelta = time.Millisecond

// renewEarly moves a fresh token's expiry forward by the renewal margin.
func renewEarly(tok *oauth2.Token, now time.Time) {
	if tok.Expiry.IsZero() {
		return
	}
	life := tok.Expiry.Sub(now)
	tok.Expiry = tok.Expiry.Add(-min(tokenEarlyExpiry, life/5))
}

// tokens shares one access token between all goroutines of a client. The
// caching is oauth2.ReuseTokenSource's: concurrent callers wait for a single
// fetch. What the library lacks is dropping a token the server refused
// before it expired (after a 401), so the reuse source is replaced by a
// fresh one, once per refused generation.
type tokens struct {
	fetch oauth2.TokenSource

	calls singleflight.Group

	mu         sync.Mutex
	src        oauth2.TokenSource
	generation uint64
}

func newTokens(conf *clientcredentials.Config, hc *http.Client, scrub func(string) string) *tokens {
	// The token request goes through the same HTTP client as API calls, so
	// a custom transport, the trace and httptest servers apply to it too;
	// only its redirect policy differs, as the form body holds the secret.
	tokenHC := *hc
	tokenHC.CheckRedirect = refuseRedirects
	base := context.WithValue(context.Background(), oauth2.HTTPClient, &tokenHC)
	fetch := &tokenFetcher{conf: conf, base: base, tokenURL: conf.TokenURL, scrub: scrub}
	return &tokens{fetch: fetch, src: oauth2.ReuseTokenSourceWithExpiry(nil, fetch, reuseExpiryDelta)}
}

// token returns a valid token and its generation, waiting at most as long as
// ctx allows. The fetch itself is shared, so a caller that gives up leaves it
// running for the others; it is bounded by tokenFetchTimeout.
func (t *tokens) token(ctx context.Context) (*oauth2.Token, uint64, error) {
	t.mu.Lock()
	src, generation := t.src, t.generation
	t.mu.Unlock()

	// ReuseTokenSource shares a successful fetch but not a failed one: each
	// waiting caller would fetch again in turn. singleflight makes callers
	// that arrive while a fetch is under way share its outcome either way,
	// so a failing token endpoint sees one request per wave of callers.
	done := t.calls.DoChan(strconv.FormatUint(generation, 10), func() (any, error) {
		return src.Token()
	})
	select {
	case r := <-done:
		if r.Err != nil {
			return nil, generation, r.Err
		}
		return r.Val.(*oauth2.Token), generation, nil
	case <-ctx.Done():
		return nil, generation, ctx.Err()
	}
}

// invalidate drops the token of the given generation after the server
// refused it. Several requests refused with the same token cause a single
// new fetch.
func (t *tokens) invalidate(generation uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.generation == generation {
		t.src = oauth2.ReuseTokenSourceWithExpiry(nil, t.fetch, reuseExpiryDelta)
		t.generation++
	}
}

// tokenFetcher performs one token request per call.
type tokenFetcher struct {
	conf     *clientcredentials.Config
	base     context.Context
	tokenURL string
	scrub    func(string) string

	// rejected remembers that the token endpoint refused the credentials.
	// They cannot become valid during the client's life, and without this
	// every goroutine waiting on the shared source would ask again in turn.
	rejected atomic.Pointer[tokenError]
}

func (f *tokenFetcher) Token() (*oauth2.Token, error) {
	if te := f.rejected.Load(); te != nil {
		return nil, te
	}
	ctx, cancel := context.WithTimeout(f.base, tokenFetchTimeout)
	defer cancel()
	tok, err := f.conf.Token(ctx)
	if err != nil {
		te := f.describe(err)
		if errors.Is(te, ErrCredentialsRejected) {
			f.rejected.Store(te)
		}
		return nil, te
	}
	renewEarly(tok, time.Now())
	return tok, nil
}

// describe turns a token failure into an error that never carries the
// token endpoint's raw body, which oauth2.RetrieveError's message includes.
func (f *tokenFetcher) describe(err error) *tokenError {
	var redirect *redirectError
	if errors.As(err, &redirect) {
		// The bare refusal: net/http's wrapping would repeat the target
		// with its query.
		return &tokenError{tokenURL: f.tokenURL, cause: redirect}
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return &tokenError{tokenURL: f.tokenURL, cause: err, transient: connectionError(err)}
	}
	te := &tokenError{tokenURL: f.tokenURL, code: f.scrub(truncate(re.ErrorCode, 60))}
	if re.Response != nil {
		te.status = re.Response.StatusCode
	}
	switch {
	case re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client":
		te.cause = ErrCredentialsRejected
	case te.status == http.StatusUnauthorized && re.ErrorCode == "":
		te.cause = ErrCredentialsRejected
	default:
		te.transient = retryableStatus(te.status)
		if re.ErrorCode == "" {
			contentType := ""
			if re.Response != nil {
				contentType = re.Response.Header.Get("Content-Type")
			}
			te.detail = decodeAPIError(http.MethodPost, "/connect/token", te.status, contentType, re.Body, f.scrub).Message
		} else {
			te.detail = f.scrub(truncate(re.ErrorDescription, snippetLimit))
		}
	}
	return te
}

// tokenError is a failed token request. transient marks failures worth
// retrying (the token request changes nothing, and the API request it was
// for has not been sent yet).
type tokenError struct {
	tokenURL  string
	status    int
	code      string
	detail    string
	transient bool
	cause     error
}

func (e *tokenError) Error() string {
	msg := "keepnet: get access token from " + e.tokenURL
	if e.status != 0 {
		msg += fmt.Sprintf(": HTTP %d", e.status)
	}
	if e.code != "" {
		msg += " (" + e.code + ")"
	}
	if e.detail != "" {
		msg += ": " + e.detail
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

func (e *tokenError) Unwrap() error { return e.cause }
