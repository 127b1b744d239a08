package keepnettest

import (
	"testing"
	"time"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	clientID     string
	clientSecret string
	seed         uint64
	surveyUsers  int
	customers    int
	tokenTTL     time.Duration
	spec         RequestValidator
	t            testing.TB
	latency      time.Duration
	jitter       time.Duration
	faults       Faults
	rateLimit    RateLimit
	commitFail   map[string]int
	now          func() time.Time
	addr         string
	inMemory     bool
	pageSizeCap  int
	noRequestLog bool
	drift        *drift
	hollows      map[string]Hollow
	listingLag   int
	listingDelay time.Duration
	paging       pagingConfig
	hostile      hostileConfig
	results      resultSizes
}

func defaultConfig() config {
	return config{
		clientID:     "keepnettest-reseller",
		clientSecret: "keepnettest-secret",
		seed:         1,
		surveyUsers:  DefaultSurveyUsers,
		tokenTTL:     time.Hour,
		now:          time.Now,
		addr:         "127.0.0.1:0",
		pageSizeCap:  100,
		commitFail:   map[string]int{},
	}
}

// WithCredentials sets the client ID and secret the token endpoint accepts.
func WithCredentials(clientID, clientSecret string) Option {
	return func(c *config) { c.clientID, c.clientSecret = clientID, clientSecret }
}

// WithSeed changes the seed from which users, answers and faults derive.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithUsers sets the user count of Acme Manufacturing's "Security Culture
// Survey" (default DefaultSurveyUsers). Users are generated on demand, so
// 50,000 cost little memory and no startup time.
func WithUsers(n int) Option { return func(c *config) { c.surveyUsers = n } }

// WithCustomers adds n customer companies to the seeded world (see
// CustomerID and friends): each with its own users and answers in the
// same "Security Culture Survey", except every seventh, which has none,
// and every third without a "Finance" group. They make a reseller's
// many-tenant world for pulls across companies. Customers also get
// training enrollments and phishing, smishing and quishing jobs of varied
// sizes, some none (see WithCustomerTraining and WithPhishingJobs to fix
// them).
func WithCustomers(n int) Option { return func(c *config) { c.customers = n } }

// WithTokenTTL sets how long issued tokens live (the service: one hour).
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithSpec validates every request with v, usually the vendor's spec
// loaded by speccheck.Load: a request the spec does not allow gets 400 and
// is recorded (Server.SpecViolations).
func WithSpec(v RequestValidator) Option { return func(c *config) { c.spec = v } }

// WithT makes spec violations fail t (t.Errorf), so the test whose client
// sent the request fails even if it tolerates the 400.
func WithT(t testing.TB) Option { return func(c *config) { c.t = t } }

// WithLatency delays every response by d.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithJitter adds a further delay, uniform in [0, max), derived from the
// seed and the request.
func WithJitter(max time.Duration) Option { return func(c *config) { c.jitter = max } }

// WithFaults injects failures (see Faults).
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithRateLimit answers 429 (Retry-After: 1) beyond rps requests per second,
// with bursts of up to burst requests: WithRateLimits with a RetryAfter of
// one second.
func WithRateLimit(rps float64, burst int) Option {
	return WithRateLimits(RateLimit{PerSecond: rps, Burst: burst, RetryAfter: time.Second})
}

// RateLimit is a limit the fake enforces without publishing it, as the
// service does: a token bucket refilled at PerSecond and holding up to
// Burst requests. One limit is shared by every request of the credential:
// every company scope, unscoped calls and token requests alike. A refused
// request is answered 429 before it reaches its endpoint and does not use up
// the bucket.
type RateLimit struct {
	PerSecond float64
	Burst     int
	// RetryAfter is sent with every 429, rounded up to whole seconds; 0
	// sends no Retry-After at all (the service does not always).
	RetryAfter time.Duration
}

// WithRateLimits enforces l (see RateLimit); a PerSecond of 0 means no
// limit.
func WithRateLimits(l RateLimit) Option {
	return func(c *config) {
		l.Burst = max(l.Burst, 1)
		c.rateLimit = l
	}
}

// WithCommitThenFail makes route (RouteEnrollmentCreate or
// RouteEnrollmentSend) do its work and then answer 502 with an HTML page,
// for the first times calls (times <= 0: every call). The client cannot tell
// whether the enrollment was created or sent.
func WithCommitThenFail(route string, times int) Option {
	return func(c *config) {
		if times <= 0 {
			times = -1
		}
		c.commitFail[route] = times
	}
}

// WithClock replaces the clock used for token expiry and for created
// enrollments, so tests can expire tokens without sleeping.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithAddr sets the listen address (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithInMemoryNetwork serves over a network inside the process instead of
// a TCP port: only the http.Client of Server.Client reaches the server, and
// URL names an address nothing listens on (127.0.0.1, port 1 unless WithAddr
// gives one). Use it to run the server and a client in a testing/synctest
// bubble, whose fake clock moves only while every goroutine in it waits:
// a goroutine reading a TCP socket never counts as waiting, so over TCP
// rate limits, Retry-After, token expiry and latency take real time.
func WithInMemoryNetwork() Option { return func(c *config) { c.inMemory = true } }

// WithPageSizeCap changes the largest page size the search endpoints return
// (default 100, as the service).
func WithPageSizeCap(n int) Option { return func(c *config) { c.pageSizeCap = n } }

// WithoutRequestLog turns off the request log, for benchmarks that send
// hundreds of thousands of requests and servers that run until stopped
// (the log keeps every request for the server's lifetime).
func WithoutRequestLog() Option { return func(c *config) { c.noRequestLog = true } }

// WithListingLag makes a created enrollment invisible to the first n
// enrollments/search requests that would list it, as an eventually
// consistent listing would. Reading it by ID works at once.
func WithListingLag(n int) Option { return func(c *config) { c.listingLag = n } }

// WithListingDelay makes a created enrollment invisible to
// enrollments/search until d has passed on the server's clock (WithClock).
func WithListingDelay(d time.Duration) Option { return func(c *config) { c.listingDelay = d } }
