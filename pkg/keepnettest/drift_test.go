package keepnettest_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// flowCall is one request a flow or command makes, as raw HTTP.
type flowCall struct {
	route, method, path, body string
	scoped                    bool
}

// flowCalls are the requests of every route the flows use, in an order that
// works (create before send). userID is a survey user with sessions.
func flowCalls(userID string) []flowCall {
	const survey = "/api/training-reports/" + keepnettest.EnrollmentAcmeSurveyID
	return []flowCall{
		{keepnettest.RouteCompaniesSearch, "POST", "/api/companies/search", minimalSearch, false},
		{keepnettest.RouteEnrollmentsSearch, "POST", "/api/enrollments/search", minimalSearch, true},
		{keepnettest.RouteEnrollmentGet, "GET", "/api/enrollments/" + keepnettest.EnrollmentAcmeSurveyID, "", true},
		{keepnettest.RouteEnrollmentForm, "GET", "/api/enrollments/form-details", "", true},
		{keepnettest.RouteReportSummary, "GET", survey + "/summary?trainingType=0", "", true},
		{keepnettest.RouteReportUsersSearch, "POST", survey + "/users/search", searchBody(1, 20, ""), true},
		{keepnettest.RouteReportInteractions, "GET", survey + "/interactions/" + userID, "", true},
		{keepnettest.RouteReportExamSessions, "GET", survey + "/exam-result-sessions/" + userID, "", true},
		{keepnettest.RouteTrainingsSearch, "POST", "/api/trainings/search", minimalSearch, true},
		{keepnettest.RouteTargetGroupsSearch, "POST", "/api/target-groups/search/current-company", minimalSearch, true},
		{keepnettest.RouteTimeZones, "GET", "/api/timezone/timezones", "", true},
		{keepnettest.RouteEnrollmentCreate, "POST", "/api/enrollments",
			`{"trainingId":"` + keepnettest.TrainingPhishingID + `","name":"Drift check","targetGroupResourceIds":["` + keepnettest.GroupAcmeFinanceID + `"]}`, true},
	}
}

// flowBodies runs flowCalls, then sends the enrollment created, against a
// fake with opts and a fixed clock, and returns each route's body.
func flowBodies(t *testing.T, opts ...keepnettest.Option) map[string]string {
	t.Helper()
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	opts = append([]keepnettest.Option{keepnettest.WithUsers(20), keepnettest.WithClock(func() time.Time { return now })}, opts...)
	s := newServer(t, opts...)
	tok := token(t, s)
	userID := answeredUser(t, s)
	bodies := map[string]string{}
	for _, c := range flowCalls(userID) {
		var headers []string
		if c.scoped {
			headers = both(keepnettest.CompanyAcmeID)
		}
		contentType := ""
		if c.body != "" {
			contentType = "application/json"
		}
		r := raw(t, s, tok, c.method, c.path, contentType, c.body, headers...)
		if r.status/100 != 2 {
			t.Fatalf("%s: status %d, body %s", c.route, r.status, r.body)
		}
		bodies[c.route] = r.body
	}
	created := s.CreatedEnrollments()
	if len(created) != 1 {
		t.Fatalf("created %d enrollments, want 1", len(created))
	}
	r := raw(t, s, tok, "POST", "/api/enrollments/"+created[0].ID+"/send", "", "", both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 {
		t.Fatalf("send: status %d, body %s", r.status, r.body)
	}
	bodies[keepnettest.RouteEnrollmentSend] = r.body
	return bodies
}

// answeredUser is a survey user with at least one exam-result session.
func answeredUser(t *testing.T, s *keepnettest.Server) string {
	t.Helper()
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if len(s.Sessions(keepnettest.EnrollmentAcmeSurveyID, u.ID)) > 0 {
			return u.ID
		}
	}
	t.Fatal("no user of Acme's survey has a session")
	return ""
}

func decodeNumbers(t *testing.T, where, body string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v in %s", where, err, body)
	}
	return v
}

var (
	unknownMember = regexp.MustCompile(`^x-drift-[0-9]+$`)
	// canonicalDigits is the lossless rule: digits a float64 holds exactly,
	// written as a JSON number would be.
	canonicalDigits = regexp.MustCompile(`^(0|[1-9][0-9]{0,14})$`)
)

// driftCounts counts each kind of change seen, so a test can tell drift
// that did nothing from drift that is right.
type driftCounts struct {
	intToString, digitsToNumber, arrayToNull, arrayToObject, unknownMembers int
}

// checkDrift asserts that got is free under the drift rules: integers as
// strings, canonical digit strings as numbers, other strings and values
// unchanged, arrays kept, null, or objects keyed by index, and exactly one
// unknown member added to every object.
func checkDrift(t *testing.T, where string, free, got any, n *driftCounts) {
	t.Helper()
	switch f := free.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: object became %#v", where, got)
			return
		}
		checkMembers(t, where, f, g, n)
	case []any:
		switch g := got.(type) {
		case nil:
			n.arrayToNull++
		case []any:
			if len(g) != len(f) {
				t.Errorf("%s: array of %d has %d elements", where, len(f), len(g))
				return
			}
			for i := range f {
				checkDrift(t, where+"["+strconv.Itoa(i)+"]", f[i], g[i], n)
			}
		case map[string]any:
			n.arrayToObject++
			keyed := map[string]any{}
			for i, e := range f {
				keyed[strconv.Itoa(i)] = e
			}
			checkMembers(t, where, keyed, g, n)
		default:
			t.Errorf("%s: array became %#v", where, got)
		}
	case json.Number:
		integer := !strings.ContainsAny(f.String(), ".eE")
		if s, ok := got.(string); integer && ok && s == f.String() {
			n.intToString++
		} else if integer || got != f {
			t.Errorf("%s: number %s became %#v", where, f, got)
		}
	case string:
		if canonicalDigits.MatchString(f) {
			if g, ok := got.(json.Number); !ok || g.String() != f {
				t.Errorf("%s: digit string %q became %#v, want the number %s", where, f, got, f)
			}
			n.digitsToNumber++
		} else if got != f {
			t.Errorf("%s: string %q became %#v", where, f, got)
		}
	default:
		if got != free {
			t.Errorf("%s: %#v became %#v", where, free, got)
		}
	}
}

func checkMembers(t *testing.T, where string, f, g map[string]any, n *driftCounts) {
	t.Helper()
	unknown := 0
	for k, gv := range g {
		if fv, ok := f[k]; ok {
			checkDrift(t, where+"."+k, fv, gv, n)
		} else if unknownMember.MatchString(k) {
			unknown++
		} else {
			t.Errorf("%s: member %q appeared", where, k)
		}
	}
	for k := range f {
		if _, ok := g[k]; !ok {
			t.Errorf("%s: member %q is gone", where, k)
		}
	}
	if unknown != 1 {
		t.Errorf("%s: %d unknown members, want 1", where, unknown)
	}
	n.unknownMembers += unknown
}

// lookup follows a path of member names and indexes ("data", "results",
// "0") through a decoded body; ok is false where it does not lead.
func lookup(v any, path ...string) (any, bool) {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func TestTypeDriftFollowsTheRulesOnEveryFlowRoute(t *testing.T) {
	free := flowBodies(t)
	for _, seed := range []uint64{1, 2, 3} {
		drifted := flowBodies(t, keepnettest.WithTypeDrift(seed))
		var n driftCounts
		for route, body := range free {
			checkDrift(t, route, decodeNumbers(t, route, body), decodeNumbers(t, route, drifted[route]), &n)
		}
		if n.intToString == 0 || n.digitsToNumber == 0 || n.arrayToNull == 0 || n.arrayToObject == 0 || n.unknownMembers == 0 {
			t.Errorf("seed %d: drift did not do everything it should: %+v", seed, n)
		}
	}
}

func TestTypeDriftKeepsTheArraysFlowsRead(t *testing.T) {
	needed := []struct {
		route string
		path  []string
	}{
		{keepnettest.RouteCompaniesSearch, []string{"data", "results"}},
		{keepnettest.RouteCompaniesSearch, []string{"data", "results", "0", "children"}},
		{keepnettest.RouteEnrollmentsSearch, []string{"data", "results"}},
		{keepnettest.RouteEnrollmentGet, []string{"data", "targetGroupResourceIds"}},
		{keepnettest.RouteEnrollmentForm, []string{"data", "enumNameValuePairs", "EmailPeriodTypeEnum"}},
		{keepnettest.RouteReportUsersSearch, []string{"data", "results"}},
		{keepnettest.RouteReportInteractions, []string{"data"}},
		{keepnettest.RouteReportExamSessions, []string{"data"}},
		{keepnettest.RouteReportExamSessions, []string{"data", "0", "interactionsHumanReadable"}},
		{keepnettest.RouteReportExamSessions, []string{"data", "0", "interactionsHumanReadable", "0", "answers"}},
		{keepnettest.RouteTrainingsSearch, []string{"data", "results"}},
		{keepnettest.RouteTrainingsSearch, []string{"data", "results", "0", "languages"}},
		{keepnettest.RouteTargetGroupsSearch, []string{"data", "results"}},
		{keepnettest.RouteTimeZones, []string{"data", "timeZoneList"}},
	}
	// Arrays no flow reads: under some seed each must stop being an array.
	unneeded := []struct {
		route string
		path  []string
	}{
		{keepnettest.RouteCompaniesSearch, []string{"data", "results", "0", "tags"}},
		{keepnettest.RouteTrainingsSearch, []string{"data", "results", "0", "tags"}},
		{keepnettest.RouteReportUsersSearch, []string{"data", "results", "0", "customFieldValues"}},
		{keepnettest.RouteReportExamSessions, []string{"data", "0", "interactionsHumanReadable", "0", "objectives"}},
	}
	reshaped := make([]bool, len(unneeded))
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6} {
		bodies := flowBodies(t, keepnettest.WithTypeDrift(seed))
		for _, c := range needed {
			v, ok := lookup(decodeNumbers(t, c.route, bodies[c.route]), c.path...)
			if _, isArray := v.([]any); !ok || !isArray {
				t.Errorf("seed %d, %s: %s is %#v, want an array", seed, c.route, strings.Join(c.path, "."), v)
			}
		}
		for i, c := range unneeded {
			v, ok := lookup(decodeNumbers(t, c.route, bodies[c.route]), c.path...)
			if _, isArray := v.([]any); ok && !isArray {
				reshaped[i] = true
			}
		}
	}
	for i, c := range unneeded {
		if !reshaped[i] {
			t.Errorf("%s: %s stayed an array under every seed", c.route, strings.Join(c.path, "."))
		}
	}
}

func TestTypeDriftIsDeterministicPerSeed(t *testing.T) {
	a, b := flowBodies(t, keepnettest.WithTypeDrift(7)), flowBodies(t, keepnettest.WithTypeDrift(7))
	other := flowBodies(t, keepnettest.WithTypeDrift(8))
	differs := false
	for route := range a {
		if a[route] != b[route] {
			t.Errorf("%s: same seed, different bodies:\n%s\n%s", route, a[route], b[route])
		}
		differs = differs || a[route] != other[route]
	}
	if !differs {
		t.Error("seeds 7 and 8 drifted every route the same way")
	}
}

func TestTypeDriftLeavesTheTokenResponseAlone(t *testing.T) {
	s := newServer(t, keepnettest.WithTypeDrift(1))
	r := raw(t, s, "", "POST", "/connect/token", "application/x-www-form-urlencoded",
		"grant_type=client_credentials&scope=api1&client_id="+s.ClientID+"&client_secret="+s.ClientSecret)
	var tok map[string]any
	decode(t, r, &tok)
	if _, ok := tok["expires_in"].(float64); !ok || strings.Contains(r.body, "x-drift") {
		t.Errorf("token response drifted: %s", r.body)
	}
}

func TestTypeDriftReachesErrorEnvelopes(t *testing.T) {
	badPage := `{"pageNumber":0,"pageSize":50,"orderBy":"CreateTime","ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""}}`
	var kept, nulled bool
	for seed := uint64(1); seed <= 8; seed++ {
		s := newServer(t, keepnettest.WithTypeDrift(seed))
		tok := token(t, s)
		notFound := raw(t, s, tok, "GET", "/api/enrollments/e7Nowhere000", "", "", both(keepnettest.CompanyAcmeID)...)
		invalid := raw(t, s, tok, "POST", "/api/enrollments/search", "application/json", badPage, both(keepnettest.CompanyAcmeID)...)
		for _, r := range []reply{notFound, invalid} {
			var env map[string]any
			decode(t, r, &env)
			if r.status/100 != 4 || env["status"] == nil || !unknownIn(env) {
				t.Errorf("seed %d: error %d %s, want the envelope with an unknown member", seed, r.status, r.body)
			}
		}
		var env map[string]any
		decode(t, invalid, &env)
		switch v := env["validationMessages"].(type) {
		case nil:
			nulled = true
		case []any:
			kept = len(v) > 0
		default:
			t.Errorf("seed %d: validationMessages became %#v; it may only be kept or null", seed, v)
		}
	}
	if !kept || !nulled {
		t.Errorf("over 8 seeds validationMessages kept: %v, null: %v; want both", kept, nulled)
	}
}

func unknownIn(obj map[string]any) bool {
	for k := range obj {
		if unknownMember.MatchString(k) {
			return true
		}
	}
	return false
}

// The point of drift: the generated strict decoding cannot read what the
// service may send.
func TestTypeDriftBreaksTheGeneratedStrictDecoder(t *testing.T) {
	search := func(s *keepnettest.Server) error {
		var body gen.PostCompaniesSearchJSONRequestBody
		body.PageNumber, body.PageSize, body.OrderBy, body.Ascending = 1, 50, "CreateTime", true
		body.Filter.Condition = ptr("AND")
		body.Filter.SearchInputTextValue = ptr("")
		_, err := api(t, s).PostCompaniesSearchWithResponse(context.Background(), body)
		return err
	}
	if err := search(newServer(t)); err != nil {
		t.Fatalf("without drift: %v", err)
	}
	if err := search(newServer(t, keepnettest.WithTypeDrift(1))); err == nil {
		t.Error("with drift, the generated ParsePostCompaniesSearchResponse still decoded companies/search")
	}
}

func TestSetTypeDriftTurnsItOnAndOff(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	zones := func() string {
		return raw(t, s, tok, "GET", "/api/timezone/timezones", "", "", both(keepnettest.CompanyAcmeID)...).body
	}
	before := zones()
	s.SetTypeDrift(5)
	during := zones()
	s.StopTypeDrift()
	after := zones()
	if strings.Contains(before, "x-drift") || !strings.Contains(during, "x-drift") || after != before {
		t.Errorf("before, during and after SetTypeDrift/StopTypeDrift:\n%s\n%s\n%s", before, during, after)
	}
}
