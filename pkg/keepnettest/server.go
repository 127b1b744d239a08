package keepnettest

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/memnet"
	"golang.org/x/time/rate"
)

// Server is a running fake Keepnet API. Its methods are safe for concurrent
// use, including while requests are being served.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234", without a
	// trailing slash; the token endpoint is URL + "/connect/token".
	URL string
	// ClientID and ClientSecret are the reseller credentials the token
	// endpoint accepts.
	ClientID     string
	ClientSecret string

	cfg config
	hs  *httptest.Server
	// memTransport dials the in-memory listener (WithInMemoryNetwork).
	memTransport *http.Transport
	mux          *http.ServeMux
	limiter      *rate.Limiter
	// served and limited count every request and those refused by the
	// rate limit, even without the request log.
	served, limited atomic.Int64

	mu          sync.Mutex
	world       world
	tokens      map[string]time.Time // access token -> expiry
	tokenSerial int
	requests    []Request
	violations  []string
	faults      Faults
	occurrences map[uint64]int // fault key -> times seen, so retries differ
	commitFail  map[string]int // route -> failures left (-1 = always)

	// shaping is set once drift or a hollow rule was ever on, so serve
	// skips looking for them (and the lock) on servers that have neither.
	shaping      atomic.Bool
	drift        *drift
	hollows      map[string]Hollow // route -> rule, Times = responses left (-1 = always)
	hollowServed map[string]int

	routeCounts map[string]int // route -> requests, as served counts them
	pager       *pager         // nil: stable paging
	hostile     *misbehaviour
	// changing is set while ListingChanges are pending, so serve skips
	// looking for them on servers that have none.
	changing atomic.Bool
	pending  []ListingChange
	applied  []AppliedChange
}

// maxBody bounds what the fake reads of a request body.
const maxBody = 10 << 20

// NewServer starts a fake with the default seeded world, changed by opts.
// Like httptest.NewServer it panics if it cannot listen; Start returns the
// error instead.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Start is NewServer returning an error when the listen address is taken,
// for callers (the CLI's sandbox) that choose the address.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		ClientID:     cfg.clientID,
		ClientSecret: cfg.clientSecret,
		cfg:          cfg,
		tokens:       map[string]time.Time{},
		faults:       cfg.faults,
		occurrences:  map[uint64]int{},
		commitFail:   map[string]int{},
		drift:        cfg.drift,
		hollows:      map[string]Hollow{},
		hollowServed: map[string]int{},
		routeCounts:  map[string]int{},
		pager:        newPager(cfg.paging),
		hostile:      newMisbehaviour(cfg.hostile),
		pending:      slices.Clone(cfg.paging.changes),
	}
	s.changing.Store(len(s.pending) > 0)
	for route, n := range cfg.commitFail {
		s.commitFail[route] = n
	}
	for route, h := range cfg.hollows {
		s.hollows[route] = h
	}
	s.shaping.Store(s.drift != nil || len(s.hollows) > 0)
	if cfg.rateLimit.PerSecond > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(cfg.rateLimit.PerSecond), cfg.rateLimit.Burst)
	}
	s.world.seed = cfg.seed
	seedWorld(&s.world, cfg.surveyUsers)
	seedCustomers(&s.world, cfg.customers)
	seedHostile(&s.world, cfg.hostile.ids, cfg.hostile.poisonedNames)
	seedResults(&s.world, cfg.results, cfg.customers)
	s.mux = s.routes()

	l, err := s.listen()
	if err != nil {
		return nil, err
	}
	s.hs = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(s.serve)}}
	s.hs.Start()
	s.URL = s.hs.URL
	return s, nil
}

// listen opens the server's listener: a TCP port, or with
// WithInMemoryNetwork a memnet listener, with the transport that dials it.
func (s *Server) listen() (net.Listener, error) {
	if !s.cfg.inMemory {
		l, err := net.Listen("tcp", s.cfg.addr)
		if err != nil {
			return nil, fmt.Errorf("keepnettest: listen on %s: %w", s.cfg.addr, err)
		}
		return l, nil
	}
	addr, err := net.ResolveTCPAddr("tcp", s.cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("keepnettest: in-memory address %s: %w", s.cfg.addr, err)
	}
	if addr.Port == 0 {
		addr.Port = 1
	}
	l := memnet.Listen(addr)
	s.memTransport = &http.Transport{DialContext: l.Dial, MaxIdleConnsPerHost: 64}
	return l, nil
}

// Counts is how many requests the server has answered after its latency and
// spec check, and how many of them its rate limit refused.
type Counts struct {
	Requests, RateLimited int
}

// Counts returns the request counts; unlike Requests, they are kept without
// the request log too.
func (s *Server) Counts() Counts {
	return Counts{Requests: int(s.served.Load()), RateLimited: int(s.limited.Load())}
}

// RouteCounts returns how many requests each route (a Route* constant; ""
// for paths no route matches) has had, counted as Counts counts them and
// kept without the request log too: what a client's verification of its
// listings costs is measured by these.
func (s *Server) RouteCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.routeCounts)
}

// Close shuts the server down, blocking until outstanding requests finish;
// requests held by a Stall are dropped.
func (s *Server) Close() {
	s.hostile.close()
	s.hs.Close()
	if s.memTransport != nil {
		s.memTransport.CloseIdleConnections()
	}
}

// Client returns an HTTP client suited to the server, as
// httptest.Server.Client does; with WithInMemoryNetwork, the only client
// that reaches it. Clients it returns share one transport, whose idle
// connections Close closes.
func (s *Server) Client() *http.Client {
	if s.memTransport != nil {
		return &http.Client{Transport: s.memTransport}
	}
	return s.hs.Client()
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc(RouteToken, s.handleToken)
	mux.HandleFunc(RouteCompaniesSearch, s.authed(s.handleCompaniesSearch))
	mux.HandleFunc(RouteEnrollmentsSearch, s.authed(s.handleEnrollmentsSearch))
	mux.HandleFunc(RouteEnrollmentGet, s.authed(s.handleEnrollmentGet))
	mux.HandleFunc(RouteEnrollmentForm, s.authed(s.handleFormDetails))
	mux.HandleFunc(RouteEnrollmentCreate, s.authed(s.handleEnrollmentCreate))
	mux.HandleFunc(RouteEnrollmentSend, s.authed(s.handleEnrollmentSend))
	mux.HandleFunc(RouteEnrollmentArchive, s.authed(s.handleEnrollmentArchive))
	mux.HandleFunc(RouteReportSummary, s.authed(s.handleSummary))
	mux.HandleFunc(RouteReportUsersSearch, s.authed(s.handleUsersSearch))
	mux.HandleFunc(RouteReportInteractions, s.authed(s.handleInteractions))
	mux.HandleFunc(RouteReportExamSessions, s.authed(s.handleExamSessions))
	mux.HandleFunc(RouteTrainingsSearch, s.authed(s.handleTrainingsSearch))
	mux.HandleFunc(RouteTargetGroupsSearch, s.authed(s.handleTargetGroupsSearch))
	mux.HandleFunc(RouteTimeZones, s.authed(s.handleTimeZones))
	mux.HandleFunc(RouteCompanyGet, s.authed(s.handleCompanyGet))
	s.resultRoutes(mux)
	return mux
}

// serve runs every request through the same stages, in the order a client
// would meet them at the real service's edge: latency, spec check (ours, so
// a client bug is reported even when a fault would have hidden it), rate
// limit, injected faults, stalls and huge bodies, then the endpoint itself,
// after which a listing may change.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "keepnettest: reading request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	_, route := s.mux.Handler(r)
	var held *heldResponse
	if s.changing.Load() {
		held = &heldResponse{ResponseWriter: w}
		w = held
	}
	rec := &statusRecorder{ResponseWriter: w, shape: s.shapeFor(route, body), pager: s.pager}
	defer s.logRequest(r, route, body, rec)
	if held != nil {
		defer held.release()
	}

	key := s.requestKey(r, body)
	if !s.delay(r, key) {
		return
	}
	if s.cfg.spec != nil {
		if err := s.cfg.spec.ValidateRequest(r, body); err != nil {
			s.reportViolation(rec, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.served.Add(1)
	s.mu.Lock()
	s.routeCounts[route]++
	s.mu.Unlock()
	if s.limiter != nil && !s.limiter.Allow() {
		s.limited.Add(1)
		if ra := s.cfg.rateLimit.RetryAfter; ra > 0 {
			rec.Header().Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
		}
		writeError(rec, http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Rate limit exceeded.", nil)
		return
	}
	if s.injectFault(rec, r, route, key) {
		return
	}
	if s.misbehave(rec, r, route) {
		return
	}
	s.mux.ServeHTTP(rec, r)
	s.changeListings(r, route, body, rec.status)
}

// statusRecorder remembers the status for the request log, and carries
// the response's shape to writeJSON. Unwrap lets http.ResponseController
// reach the connection to drop it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	shape  *responseShape // nil: JSON goes out as encoded
	pager  *pager         // for the searches (see searchRequest.window)
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequest(r *http.Request, route string, body []byte, rec *statusRecorder) {
	if s.cfg.noRequestLog {
		return
	}
	entry := Request{
		Method:      r.Method,
		Path:        r.URL.Path,
		Route:       route,
		RawQuery:    r.URL.RawQuery,
		CompanyID:   r.Header.Get(headerCompanyID),
		IRCompanyID: r.Header.Get(headerIRCompanyID),
		ContentType: r.Header.Get("Content-Type"),
		Status:      rec.status,
		Time:        s.cfg.now(),
	}
	// The token request's form holds the client secret: never keep it.
	if route != RouteToken && len(body) > 0 {
		entry.Body = bytes.Clone(body)
	}
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.mu.Unlock()
}
