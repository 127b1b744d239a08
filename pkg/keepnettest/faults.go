package keepnettest

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
)

// Faults are failures injected before a request reaches its endpoint. Rates
// are fractions of requests (0.1 = one in ten); their sum should stay at or
// below 1. Which request fails is decided by a hash of the seed, the request
// (method, path, query, company headers, body) and how many times that same
// request was seen before, so a run is repeatable even with concurrent
// clients, and a retried request can succeed where the first attempt failed.
type Faults struct {
	// Seed varies the pattern; 0 uses the server's seed.
	Seed uint64
	// TooManyRequests answers 429 with a Retry-After header;
	// TooManyRequestsBare answers 429 without one.
	TooManyRequests     float64
	TooManyRequestsBare float64
	// RetryAfter is the Retry-After value sent (rounded up to seconds;
	// default 1s).
	RetryAfter time.Duration
	// InternalError, BadGateway and Unavailable answer 500, 502 and 503 with
	// an HTML page, as the service's edge does.
	InternalError float64
	BadGateway    float64
	Unavailable   float64
	// Drop closes the connection without an answer.
	Drop float64
	// Routes, when set, limits faults to these routes (Route* constants);
	// ExceptRoutes exempts routes. The real service can fail anything, the
	// token endpoint included, so by default every route is eligible.
	Routes       []string
	ExceptRoutes []string
}

// active reports whether any fault can fire.
func (f Faults) active() bool {
	return f.TooManyRequests > 0 || f.TooManyRequestsBare > 0 || f.InternalError > 0 ||
		f.BadGateway > 0 || f.Unavailable > 0 || f.Drop > 0
}

// SetFaults replaces the server's faults from now on.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetCommitThenFail changes WithCommitThenFail's budget for route at run
// time; times 0 turns it off, negative fails every call.
func (s *Server) SetCommitThenFail(route string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if times < 0 {
		times = -1
	}
	s.commitFail[route] = times
}

// requestKey identifies this request and its repetition: the hash differs
// for each repeat of the same request. Without faults or jitter it is not
// needed, and skipping it keeps the repeat counts of a 50,000-user pull out
// of memory.
func (s *Server) requestKey(r *http.Request, body []byte) uint64 {
	s.mu.Lock()
	needed := s.cfg.jitter > 0 || s.faults.active()
	s.mu.Unlock()
	if !needed {
		return 0
	}
	base := mix(s.cfg.seed, r.Method, r.URL.Path, r.URL.RawQuery,
		r.Header.Get(headerCompanyID), r.Header.Get(headerIRCompanyID), string(body))
	s.mu.Lock()
	n := s.occurrences[base]
	s.occurrences[base] = n + 1
	s.mu.Unlock()
	return mix(base, "occurrence", strconv.Itoa(n))
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// delay sleeps the configured latency and jitter; false if the client went
// away meanwhile.
func (s *Server) delay(r *http.Request, key uint64) bool {
	d := s.cfg.latency
	if s.cfg.jitter > 0 {
		d += time.Duration(unit(mix(key, "jitter")) * float64(s.cfg.jitter))
	}
	return ctxsleep.Sleep(r.Context(), d) == nil
}

// injectFault answers the request with a fault if the dice say so; true if
// it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, route string, key uint64) bool {
	s.mu.Lock()
	f := s.faults
	s.mu.Unlock()
	if !f.active() {
		return false
	}
	if len(f.Routes) > 0 && !slices.Contains(f.Routes, route) || slices.Contains(f.ExceptRoutes, route) {
		return false
	}
	if f.Seed != 0 {
		key = mix(key, "fault-seed", strconv.FormatUint(f.Seed, 10))
	}
	roll := unit(mix(key, "fault"))
	pick := func(rate float64) bool {
		if roll < rate {
			return true
		}
		roll -= rate
		return false
	}
	switch {
	case pick(f.TooManyRequests):
		secs := int((max(f.RetryAfter, time.Second) + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Too many requests.", nil)
	case pick(f.TooManyRequestsBare):
		writeError(w, http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Too many requests.", nil)
	case pick(f.InternalError):
		writeHTML(w, http.StatusInternalServerError)
	case pick(f.BadGateway):
		writeHTML(w, http.StatusBadGateway)
	case pick(f.Unavailable):
		writeHTML(w, http.StatusServiceUnavailable)
	case pick(f.Drop):
		dropConnection(w)
	default:
		return false
	}
	return true
}

// dropConnection closes the TCP connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a recorder: the nearest thing is aborting the handler.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // already on the way out; nothing to report to
}
