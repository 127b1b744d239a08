package keepnet

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/internal/apiops"
	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
	"github.com/keepnet-flow/keepnet-flow/internal/pathseg"
)

// This file holds the whole retry and limit policy: which requests may be
// repeated, on which failures, after how long, and how many may run at once.
// (Which requests may be sent at all is the next concern: operation below.)

// RetryPolicy says how often and for how long a request that is safe to
// repeat is retried. Zero fields take the values of [DefaultRetryPolicy].
type RetryPolicy struct {
	// MaxAttempts is the number of attempts including the first; 1 means no
	// retries.
	MaxAttempts int
	// MaxElapsed bounds the time from the first attempt until a retry may
	// start; a retry whose wait would end later is not made. Time spent
	// waiting out 429s or queued for the client's pace does not count.
	MaxElapsed time.Duration
	// BaseDelay is the backoff before the first retry; it doubles for each
	// further retry, with jitter.
	BaseDelay time.Duration
	// MaxDelay caps the backoff between two attempts. A server's
	// Retry-After is honoured even when longer, within MaxElapsed.
	MaxDelay time.Duration

	// A 429 means the request was turned away unprocessed, so it is not a
	// failed attempt: MaxAttempts and MaxElapsed do not count it, and any
	// request, a create or send too, is retried after it. A request gives up
	// on 429s only when no request of the client has been accepted for
	// MaxThrottled.
	MaxThrottled time.Duration
	// MaxRetryAfter caps how long a request waits for a Retry-After after a
	// 429; a longer one is cut to it.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the policy used when [WithRetry] is not given:
// 4 attempts within 2 minutes, backoff from 500 ms up to 20 s; after 429s,
// retries until nothing has been accepted for 10 minutes, waiting at most 5
// minutes for a Retry-After.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, MaxElapsed: 2 * time.Minute, BaseDelay: 500 * time.Millisecond, MaxDelay: 20 * time.Second,
		MaxThrottled: 10 * time.Minute, MaxRetryAfter: 5 * time.Minute}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts == 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = d.MaxElapsed
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.MaxThrottled == 0 {
		p.MaxThrottled = d.MaxThrottled
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

// backoff is the wait before retry number `retry` (1 for the first retry):
// BaseDelay·2^(retry-1) capped at MaxDelay, then jittered into [d/2, d] so
// that many clients failing together do not retry in lockstep.
func (p RetryPolicy) backoff(retry int, jitter func(time.Duration) time.Duration) time.Duration {
	d := p.BaseDelay
	for i := 1; i < retry && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d/2 + jitter(d-d/2)
}

// clock is the passage of time as the retry loop sees it; tests replace it
// so that backoff and Retry-After are checked without real sleeps.
type clock interface {
	now() time.Time
	// sleep waits for d or until ctx is done, whichever comes first.
	sleep(ctx context.Context, d time.Duration) error
	// jitter returns a random duration in [0, d].
	jitter(d time.Duration) time.Duration
}

type realClock struct{}

func (realClock) now() time.Time { return time.Now() }

func (realClock) sleep(ctx context.Context, d time.Duration) error { return ctxsleep.Sleep(ctx, d) }

func (realClock) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// operation returns the operation of the spec req is a request of, if any;
// whether it is safe to repeat is decided by what the operation is (the table
// internal/apiops generates from the spec: GET, HEAD, OPTIONS and the POST
// searches), never by words in the concrete path, where an ID can be any
// word. A request of no known operation is not repeated. A path that an ID
// from the service has made malformed (an empty, "." or ".." segment, a
// control character) is refused before anything is sent.
func (d *doer) operation(req *http.Request) (op apiops.Operation, known bool, err error) {
	path := strings.TrimPrefix(req.URL.EscapedPath(), d.basePath)
	if err := pathseg.Path(path); err != nil {
		return apiops.Operation{}, false, err
	}
	op, known = d.ops.Match(req.Method, path)
	return op, known, nil
}

// retryableStatus reports the statuses worth another try for a request that
// is safe to repeat: rate limiting, and server or edge failures. A 500 is
// included because the service's edge answers passing failures with an HTML
// 500 page, and repeating a read costs nothing but time.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header given in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// neverSent reports whether a transport error proves that the request did
// not leave this machine: the connection could not be made at all (DNS
// failure, connection refused, dial timeout) and no connection was ever
// handed to the request. Only then may a state-changing request be retried
// after a transport error: the server cannot have seen a request that was
// never written to any connection. Any doubt counts as "maybe sent".
func neverSent(err error, gotConn bool) bool {
	if gotConn {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// connectionError reports transport failures worth retrying for a request
// that is safe to repeat: resets, refusals, timeouts and connections closed
// mid-exchange. Certificate and protocol errors are not: they will not fix
// themselves.
func connectionError(err error) bool {
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false // a host that does not exist will not appear by retrying
	}
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

// limits holds the client-wide pace and concurrency bound, shared by every
// scope of one client. A nil inFlight means unlimited.
type limits struct {
	pace     *pacer
	inFlight *semaphore.Weighted
}

func newLimits(pace *pacer, maxInFlight int) *limits {
	l := &limits{pace: pace}
	if maxInFlight > 0 {
		l.inFlight = semaphore.NewWeighted(int64(maxInFlight))
	}
	return l
}

// acquire waits for an in-flight slot, then for the pace; the returned
// release gives the slot back, and turn says at what pace the request goes
// (see pacer.wait). The slot is taken first so that few requests wait on
// the pace at once: a wait already granted keeps the rate it was granted at
// when the pace is cut.
func (l *limits) acquire(ctx context.Context) (release func(), turn paceTurn, err error) {
	release = func() {}
	if l.inFlight != nil {
		if err := l.inFlight.Acquire(ctx, 1); err != nil {
			return nil, paceTurn{}, err
		}
		release = func() { l.inFlight.Release(1) }
	}
	turn, err = l.pace.wait(ctx)
	if err != nil {
		release()
		return nil, paceTurn{}, err
	}
	return release, turn, nil
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
