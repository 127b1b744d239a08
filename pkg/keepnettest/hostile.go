package keepnettest

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// hostileConfig holds the options that make the fake a broken or hostile
// service.
type hostileConfig struct {
	ids, poisonedNames bool
	stalls             []Stall
	huge               []HugeBody
	bigAnswers         int64
}

// Stall makes a route slow or silent, as a stuck backend behind the
// service's edge is: a client that waits its full time-out on every call
// of a route that always stalls takes hours over a thousand users.
type Stall struct {
	// Route is a Route* constant.
	Route string
	// Delay is how long the request waits before it is answered as usual;
	// 0 never answers: the request is held until the client gives up (its
	// context ends) or the server closes, and then the connection is
	// dropped.
	Delay time.Duration
	// Rate, between 0 and 1, stalls that fraction of the route's requests,
	// chosen from the server's seed and the request's number on the route;
	// 0 stalls every request.
	Rate float64
	// PathContains, when set, stalls only requests whose path contains it
	// (one user's ID, say).
	PathContains string
	// Times is how many requests stall before the route recovers; 0: no
	// end.
	Times int
}

// WithStall makes st.Route stall (see Stall). Several stalls may cover one
// route; the first that applies to a request is used.
func WithStall(st Stall) Option {
	return func(c *config) { c.hostile.stalls = append(c.hostile.stalls, st) }
}

// HugeBody makes a route answer 200 with a body far larger than any answer
// of the service, streamed so that the fake never holds it: a client that
// reads a body whole before it applies a limit (to log it, say) runs out
// of memory on it. The body is JSON, {"status":"SUCCESS","data":"AAAA…"},
// padded to Size bytes.
type HugeBody struct {
	// Route is a Route* constant.
	Route string
	// Size is the body's size as the client decodes it (at least about
	// 30 bytes), up to many GiB.
	Size int64
	// Gzip sends the body compressed, with Content-Encoding: gzip whether
	// or not the client asked for it: a bomb of about Size/1000 bytes on
	// the wire (2 GiB arrive as about 2 MB).
	Gzip bool
	// NoLength leaves Content-Length out of an uncompressed body, so a
	// client cannot refuse it by its header; a gzipped one never has it.
	NoLength bool
	// Times is how many responses are huge; 0: every one.
	Times int
}

// WithHugeBody makes h.Route answer huge bodies (see HugeBody). One rule
// per route: a later one replaces it.
func WithHugeBody(h HugeBody) Option {
	return func(c *config) { c.hostile.huge = append(c.hostile.huge, h) }
}

// WithBigAnswers pads every exam-result-sessions answer (a user's survey
// answers) to size bytes with a member the flows do not read ("x-padding"),
// streamed rather than built: 30 MB per user at a concurrency of 32 is
// about 1 GB in flight for a client that buffers whole bodies. The answers
// themselves are unchanged. Type drift and hollow bodies do not apply to
// these answers.
func WithBigAnswers(size int64) Option { return func(c *config) { c.hostile.bigAnswers = size } }

// misbehaviour is a server's state for stalls and huge bodies.
type misbehaviour struct {
	active  bool // any stall or huge body: set once, read without the lock
	mu      sync.Mutex
	seen    map[string]int // route -> requests seen by the stall rules
	stalls  []Stall        // Times counts down; -1: no end
	huge    map[string]HugeBody
	closing chan struct{}
	once    sync.Once
	bomb    func() *bombParts
}

func newMisbehaviour(cfg hostileConfig) *misbehaviour {
	m := &misbehaviour{seen: map[string]int{}, huge: map[string]HugeBody{}, closing: make(chan struct{})}
	for _, st := range cfg.stalls {
		if st.Times <= 0 {
			st.Times = -1
		}
		m.stalls = append(m.stalls, st)
	}
	for _, h := range cfg.huge {
		if h.Times <= 0 {
			h.Times = -1
		}
		m.huge[h.Route] = h
	}
	m.bomb = sync.OnceValue(newBombParts)
	m.active = len(m.stalls) > 0 || len(m.huge) > 0
	return m
}

// close ends every stall that is waiting.
func (m *misbehaviour) close() { m.once.Do(func() { close(m.closing) }) }

// misbehave stalls the request, or answers it with a huge body, as the
// options say; true if the request has been dealt with.
func (s *Server) misbehave(w http.ResponseWriter, r *http.Request, route string) bool {
	m := s.hostile
	if !m.active {
		return false
	}
	if st, ok := m.stallFor(s.cfg.seed, r, route); ok && !m.wait(r, st.Delay) {
		dropConnection(w)
		return true
	}
	m.mu.Lock()
	h, ok := m.huge[route]
	if ok && h.Times != 0 {
		if h.Times > 0 {
			h.Times--
			m.huge[route] = h
		}
	} else {
		ok = false
	}
	m.mu.Unlock()
	if !ok {
		return false
	}
	w.Header().Set("Content-Type", jsonContentType)
	if h.Gzip {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		_ = writeGzipBomb(w, m.bomb(), h.Size) // the client hanging up ends it
		return true
	}
	if !h.NoLength {
		w.Header().Set("Content-Length", strconv.FormatInt(hugeLength(h.Size), 10))
	}
	w.WriteHeader(http.StatusOK)
	_ = writeHugeJSON(w, m.bomb().run, h.Size)
	return true
}

// stallFor returns the stall that applies to this request, spending its
// budget.
func (m *misbehaviour) stallFor(seed uint64, r *http.Request, route string) (Stall, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, st := range m.stalls {
		if st.Route != route || st.Times == 0 || st.PathContains != "" && !strings.Contains(r.URL.Path, st.PathContains) {
			continue
		}
		n := m.seen[route]
		m.seen[route] = n + 1
		if st.Rate > 0 && unit(mix(seed, "stall", route, strconv.Itoa(n))) >= st.Rate {
			continue
		}
		if st.Times > 0 {
			m.stalls[i].Times--
		}
		return st, true
	}
	return Stall{}, false
}

// wait holds a request for d (0: until it or the server ends); false if it
// ended first.
func (m *misbehaviour) wait(r *http.Request, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
	case <-m.closing:
	}
	return false
}
