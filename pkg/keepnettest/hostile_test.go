package keepnettest_test

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// send sends one authorised request with client c and returns the
// response, body unread.
func send(t *testing.T, ctx context.Context, c *http.Client, s *keepnettest.Server, tok, method, path, body string, headers ...string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.Do(req)
}

// allocated is how many bytes the process has allocated so far.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// A 1 GiB body arrives whole, as valid JSON, without the fake (or anyone
// in this process) allocating anything like it.
func TestHugeBodyIsStreamedNotHeld(t *testing.T) {
	const size = 1 << 30
	s := newServer(t, keepnettest.WithHugeBody(keepnettest.HugeBody{Route: keepnettest.RouteCompaniesSearch, Size: size}))
	tok := token(t, s)
	before := allocated()
	resp, err := send(t, context.Background(), s.Client(), s, tok, "POST", "/api/companies/search", minimalSearch)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 28)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := int64(len(head)) + n; got != size || resp.ContentLength != size || string(head) != `{"status":"SUCCESS","data":"` {
		t.Errorf("read %d bytes starting %q, Content-Length %d; want %d bytes of JSON", got, head, resp.ContentLength, size)
	}
	if grew := allocated() - before; grew > 64<<20 {
		t.Errorf("serving and reading 1 GiB allocated %d MiB", grew>>20)
	}
}

// The gzip bomb: about a thousandth of its size on the wire, labelled
// Content-Encoding: gzip though nobody asked, and a valid gzip stream
// (CRC and length checked) of the huge JSON body.
func TestHugeBodyGzipIsABomb(t *testing.T) {
	s := newServer(t,
		keepnettest.WithHugeBody(keepnettest.HugeBody{Route: keepnettest.RouteCompaniesSearch, Size: 2 << 30, Gzip: true}),
		keepnettest.WithHugeBody(keepnettest.HugeBody{Route: keepnettest.RouteTrainingsSearch, Size: 64<<20 + 12345, Gzip: true, Times: 1}))
	tok := token(t, s)
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer raw.CloseIdleConnections()

	resp, err := send(t, context.Background(), raw, s, tok, "POST", "/api/companies/search", minimalSearch)
	if err != nil {
		t.Fatal(err)
	}
	wire, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || wire < 1<<20 || wire > 3<<20 {
		t.Errorf("2 GiB sent as %d bytes, Content-Encoding %q; want about 2 MB of gzip", wire, resp.Header.Get("Content-Encoding"))
	}

	scope := both(keepnettest.CompanyAcmeID)
	resp, err = send(t, context.Background(), raw, s, tok, "POST", "/api/trainings/search", minimalSearch, scope...)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 28)
	if _, err := io.ReadFull(zr, head); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr) // gzip.Reader checks CRC and size at the end
	if err != nil || int64(len(head))+n != 64<<20+12345 || string(head) != `{"status":"SUCCESS","data":"` {
		t.Errorf("inflated %d bytes starting %q, err %v", int64(len(head))+n, head, err)
	}
	// Times: 1 spent, the route answers as usual again.
	if r := rawRequest(t, s, tok, "/api/trainings/search", scope...); r.status != 200 || !strings.Contains(r.body, "trainingId") {
		t.Errorf("after its one huge body: %d %.100s", r.status, r.body)
	}
}

func rawRequest(t *testing.T, s *keepnettest.Server, tok, path string, headers ...string) reply {
	t.Helper()
	return raw(t, s, tok, "POST", path, "application/json", minimalSearch, headers...)
}

// A stall holds one user's requests until the client gives up, while the
// other users answer; a delayed stall answers late; the server closes
// with a request still held.
func TestStallsHoldChosenRequests(t *testing.T) {
	stalled := userIDAt(t, 5)
	s := newServer(t,
		keepnettest.WithStall(keepnettest.Stall{Route: keepnettest.RouteReportExamSessions, PathContains: stalled}),
		keepnettest.WithStall(keepnettest.Stall{Route: keepnettest.RouteReportInteractions, Delay: time.Millisecond, Times: 2}))
	tok := token(t, s)
	base := "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID
	scope := both(keepnettest.CompanyAcmeID)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if resp, err := send(t, ctx, s.Client(), s, tok, "GET", base+"/exam-result-sessions/"+stalled, "", scope...); err == nil {
		resp.Body.Close()
		t.Fatalf("the stalled user answered %d", resp.StatusCode)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the stalled user: %v, want the client's deadline", err)
	}
	if r := raw(t, s, tok, "GET", base+"/exam-result-sessions/"+userIDAt(t, 6), "", "", scope...); r.status != 200 {
		t.Errorf("another user: %d", r.status)
	}
	for range 3 {
		if r := raw(t, s, tok, "GET", base+"/interactions/"+stalled, "", "", scope...); r.status != 200 {
			t.Errorf("a delayed request: %d", r.status)
		}
	}
	if n := s.RouteCounts()[keepnettest.RouteReportInteractions]; n != 3 {
		t.Errorf("RouteCounts has %d interactions requests, want 3", n)
	}

	held := make(chan error, 1)
	go func() {
		resp, err := send(t, context.Background(), s.Client(), s, tok, "GET", base+"/exam-result-sessions/"+stalled, "", scope...)
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	for s.RouteCounts()[keepnettest.RouteReportExamSessions] < 3 {
		runtime.Gosched()
	}
	s.Close()
	if err := <-held; err == nil {
		t.Error("a request held by a stall got an answer when the server closed")
	}
}

// userIDAt is the ID of user i of Acme's survey in the default world.
func userIDAt(t *testing.T, i int) string {
	t.Helper()
	s := keepnettest.NewServer()
	defer s.Close()
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if u.Index == i {
			return u.ID
		}
	}
	t.Fatalf("no user %d", i)
	return ""
}

// Rate stalls a repeatable share of a route's requests.
func TestStallRateStallsSomeRequests(t *testing.T) {
	// In a bubble, on the in-memory network: a request that is not
	// stalled answers before its 20 ms are up however loaded the machine.
	synctest.Test(t, stallRateStallsSomeRequests)
}

func stallRateStallsSomeRequests(t *testing.T) {
	count := func() []int {
		s := newServer(t, keepnettest.WithInMemoryNetwork(), keepnettest.WithStall(keepnettest.Stall{Route: keepnettest.RouteTrainingsSearch, Rate: 0.3, Delay: time.Hour}))
		tok := token(t, s)
		var stalled []int
		for i := range 20 {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			resp, err := send(t, ctx, s.Client(), s, tok, "POST", "/api/trainings/search", minimalSearch, both(keepnettest.CompanyAcmeID)...)
			cancel()
			if err != nil {
				stalled = append(stalled, i)
				continue
			}
			resp.Body.Close()
		}
		return stalled
	}
	a, b := count(), count()
	if len(a) == 0 || len(a) == 20 || !slices.Equal(a, b) {
		t.Errorf("stalled requests %v, then %v: want some, not all, the same both times", a, b)
	}
}

// Every user's answers come padded to the size asked, streamed, with the
// sessions intact.
func TestBigAnswersArePaddedAndStreamed(t *testing.T) {
	const size = 30 << 20
	s := newServer(t, keepnettest.WithBigAnswers(size))
	tok := token(t, s)
	var users []keepnettest.User
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		users = append(users, u)
	}
	path := func(u keepnettest.User) string {
		return "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID + "/exam-result-sessions/" + u.ID
	}
	scope := both(keepnettest.CompanyAcmeID)
	before := allocated()
	for _, u := range users[:4] {
		resp, err := send(t, context.Background(), s.Client(), s, tok, "GET", path(u), "", scope...)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size || resp.ContentLength != size {
			t.Errorf("user %d: %d bytes (Content-Length %d), err %v; want %d", u.Index, n, resp.ContentLength, err, size)
		}
	}
	if grew := allocated() - before; grew > 16<<20 {
		t.Errorf("four 30 MB answers allocated %d MiB", grew>>20)
	}

	r := raw(t, s, tok, "GET", path(users[1]), "", "", scope...)
	var got struct {
		Data []struct {
			EnrollmentSessionID string `json:"enrollmentSessionId"`
		} `json:"data"`
		Padding string `json:"x-padding"`
	}
	decode(t, r, &got)
	sessions := s.Sessions(keepnettest.EnrollmentAcmeSurveyID, users[1].ID)
	if len(got.Data) != len(sessions) || len(sessions) == 0 || got.Data[0].EnrollmentSessionID != sessions[0].ID || len(r.body) != size || got.Padding == "" {
		t.Errorf("sessions %+v in %d bytes, want the %d sessions of the world in %d", got.Data, len(r.body), len(sessions), size)
	}
}

// Hostile IDs are issued by every listing that the flows follow, and the
// fake answers what reaches it under them.
func TestHostileIDsAreIssued(t *testing.T) {
	s := newServer(t, keepnettest.WithHostileIDs())
	tok := token(t, s)
	hostile := keepnettest.HostileIDs()
	for _, l := range []listing{companiesListing, enrollmentsListing, usersListing(keepnettest.EnrollmentAcmeSurveyID, keepnettest.CompanyAcmeID)} {
		ids := l.pass(t, s, tok, 100)
		for _, id := range hostile {
			if !slices.Contains(ids, id) {
				t.Errorf("%s does not list %q", l.path, id)
			}
		}
	}
	var users []string
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		users = append(users, u.ID)
	}
	if got := users[keepnettest.HostileUserFirstIndex : keepnettest.HostileUserFirstIndex+len(hostile)]; !slices.Equal(got, hostile) {
		t.Errorf("users from index %d: %q, want %q", keepnettest.HostileUserFirstIndex, got, hostile)
	}

	// The enrollment called "search" is scheduled and can be sent; the
	// user called "search" can be read.
	scope := both(keepnettest.CompanyAcmeID)
	if r := raw(t, s, tok, "POST", "/api/enrollments/search/send", "", "", scope...); r.status != 200 {
		t.Errorf("send of enrollment \"search\": %d %s", r.status, r.body)
	}
	if e, _ := s.Enrollment("search"); e.SendCount != 1 {
		t.Errorf("enrollment \"search\" sent %d times", e.SendCount)
	}
	path := "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID + "/exam-result-sessions/search"
	if r := raw(t, s, tok, "GET", path, "", "", scope...); r.status != 200 {
		t.Errorf("GET %s: %d", path, r.status)
	}
}

// Poisoned names reach the JSON byte for byte: companies, and users' names
// and departments.
func TestPoisonedNamesAreServedAsTheyAre(t *testing.T) {
	s := newServer(t, keepnettest.WithCustomers(2), keepnettest.WithPoisonedNames())
	tok := token(t, s)
	poisoned := keepnettest.PoisonedNames()
	var companies searchReply
	decode(t, rawRequest(t, s, tok, "/api/companies/search"), &companies)
	var names []string
	for _, row := range companies.Data.Results {
		names = append(names, row["companyName"].(string))
	}
	for _, name := range poisoned {
		if !slices.Contains(names, name) {
			t.Errorf("no customer named %q", name)
		}
	}
	scope := both(keepnettest.CompanyAcmeID)
	var users searchReply
	decode(t, raw(t, s, tok, "POST", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/users/search",
		"application/json", minimalSearch, scope...), &users)
	n := len(poisoned)
	for j := range n {
		row := users.Data.Results[keepnettest.HostileUserFirstIndex+j]
		want := []string{poisoned[j], poisoned[(j+1)%n], poisoned[(j+2)%n]}
		got := []string{row["firstName"].(string), row["lastName"].(string), row["department"].(string)}
		if !slices.Equal(got, want) {
			t.Errorf("user %d: %q, want %q", keepnettest.HostileUserFirstIndex+j, got, want)
		}
	}
	if !strings.Contains(rawRequest(t, s, tok, "/api/companies/search").body, `\u001b]52;c;`) {
		t.Error("the OSC 52 sequence is not in the JSON")
	}
}

// RouteCounts counts every route, without the request log.
func TestRouteCountsWithoutTheRequestLog(t *testing.T) {
	// No spec check: the spec has no path for the unknown request.
	s := keepnettest.NewServer(keepnettest.WithoutRequestLog())
	defer s.Close()
	tok := token(t, s)
	for range 3 {
		rawRequest(t, s, tok, "/api/companies/search")
	}
	raw(t, s, tok, "GET", "/api/no-such-thing", "", "")
	counts := s.RouteCounts()
	want := map[string]int{keepnettest.RouteToken: 1, keepnettest.RouteCompaniesSearch: 3, "": 1}
	if len(counts) != len(want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
	for route, n := range want {
		if counts[route] != n {
			t.Errorf("%q: %d requests, want %d", route, counts[route], n)
		}
	}
	if len(s.Requests()) != 0 || s.Counts().Requests != 5 {
		t.Errorf("log %d, Counts %+v", len(s.Requests()), s.Counts())
	}
}
