package genroundtrip

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

type recorded struct {
	method, path, rawQuery, contentType, body string
	header                                    http.Header
}

// specServer validates every request against the vendor spec and replies
// with the canned body for its "METHOD path".
type specServer struct {
	t       *testing.T
	router  routers.Router
	replies map[string]reply

	mu   sync.Mutex
	seen []recorded
}

type reply struct {
	status int
	body   string
}

func loadRouter(t *testing.T) routers.Router {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "api", "keepnet-api-spec.json")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("vendor spec not installed (%v): run `make spec`", err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	// Requests go to the test server, not to the vendor's host.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return router
}

func (s *specServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.seen = append(s.seen, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), string(body), r.Header.Clone()})
	s.mu.Unlock()

	r.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := s.router.FindRoute(r)
	if err != nil {
		s.t.Errorf("%s %s: no such operation in the spec: %v", r.Method, r.URL, err)
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		s.t.Errorf("%s %s does not match the spec: %v", r.Method, r.URL, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rep, ok := s.replies[r.Method+" "+r.URL.Path]
	if !ok {
		s.t.Errorf("no reply for %s %s", r.Method, r.URL.Path)
		http.Error(w, "no reply", http.StatusNotImplemented)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (s *specServer) last() recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[len(s.seen)-1]
}

func ptr[T any](v T) *T { return &v }

func assertJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("request body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("request body\n got %s\nwant %s", gb, wb)
	}
}

const (
	enrollmentID = "enr-7f3a"
	userID       = "tu-0001"
)

func TestFlowOperationsRoundTrip(t *testing.T) {
	srv := &specServer{t: t, router: loadRouter(t), replies: map[string]reply{
		"POST /api/companies/search": {200, `{"data":{"pageNumber":1,"pageSize":10,"totalNumberOfPages":1,"totalNumberOfRecords":1,
			"results":[{"companyName":"Example Widgets","companyResourceId":"cmp-1","createTime":"22/01/2026 13:30:09"}]},"status":"SUCCESS"}`},
		"POST /api/enrollments/search": {200, `{"data":{"pageNumber":1,"pageSize":20,"totalNumberOfPages":1,"totalNumberOfRecords":1,
			"results":[{"enrollmentId":"enr-7f3a","name":"Culture Survey","status":"Sending","type":"Survey","startDate":"2026-01-22T13:30:09.1234567"}]}}`},
		"GET /api/enrollments/" + enrollmentID:                   {200, `{"data":{"trainingId":"trn-1","name":"Culture Survey","targetGroupResourceIds":["grp-1"]}}`},
		"GET /api/enrollments/form-details":                      {200, `{"data":{"enumNameValuePairs":{"CertificateConfigSendTypeEnum":[{"id":1,"name":"Immediately","displayName":"Immediately"}]}}}`},
		"POST /api/enrollments":                                  {201, `{"data":{"id":"enr-new","status":"Scheduled"},"status":"SUCCESS"}`},
		"POST /api/enrollments/enr-new/send":                     {200, `{"data":{"resourceId":"enr-new"}}`},
		"GET /api/training-reports/" + enrollmentID + "/summary": {200, `{"data":{"name":"Culture Survey","completedCount":3,"inProgressCount":1,"startDate":"22/01/2026 13:40"}}`},
		"POST /api/training-reports/" + enrollmentID + "/users/search": {200, `{"data":{"pageNumber":1,"pageSize":100,"totalNumberOfPages":1,"totalNumberOfRecords":1,
			"results":[{"targetUserResourceId":"tu-0001","firstName":"Zoë","lastName":"Ångström, Jr.","email":"zoe@example.test","status":"Completed","lastInteractionDate":"22/01/2026 13:30:09"}]}}`},
		"GET /api/training-reports/" + enrollmentID + "/interactions/" + userID: {200, `{"data":[{"interaction":"Opened Email","eventTime":"22/01/2026 13:30:09","trackingInfo":{"browserName":"Firefox"}}]}`},
		"GET /api/training-reports/" + enrollmentID + "/exam-result-sessions/" + userID: {200, `{"data":[{"enrollmentSessionCreatedAt":"22/01/2026 13:30:09",
			"interactionsHumanReadable":[{"source":"Qex","index":0,"scormId":"q-1","question":"I know how to report phishing.","type":"choice-single",
			"answers":[{"option":"Agree","isUserAnswer":true},{"option":"Disagree","isUserAnswer":false}],"studentOrLearnerResponse":"4_Strongly_Agree","latency":"PT0H1M15S"}]}]}`},
		"POST /api/trainings/search":                     {200, `{"data":{"pageNumber":1,"pageSize":20,"totalNumberOfPages":1,"totalNumberOfRecords":1,"results":[{"trainingId":"trn-1","trainingName":"Phishing Basics"}]}}`},
		"POST /api/target-groups/search/current-company": {200, `{"data":{"pageNumber":1,"pageSize":20,"totalNumberOfPages":1,"totalNumberOfRecords":1,"results":[{"resourceId":"grp-1","name":"Finance"}]}}`},
		"GET /api/timezone/timezones":                    {200, `{"data":{"timeZoneList":[{"id":"GMT Standard Time","displayName":"(UTC+00:00) Dublin, Edinburgh, Lisbon, London"}]}}`},
	}}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	scope := func(ctx context.Context, r *http.Request) error {
		r.Header.Set("X-KEEPNET-Company-Id", "cmp-1")
		r.Header.Set("x-ir-company-id", "cmp-1")
		return nil
	}
	c, err := gen.NewClientWithResponses(ts.URL, gen.WithRequestEditorFn(scope))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	filter := struct {
		Condition            *string `json:"Condition,omitempty"`
		SearchInputTextValue *string `json:"SearchInputTextValue,omitempty"`
	}{ptr("AND"), ptr("")}

	t.Run("companies/search", func(t *testing.T) {
		r, err := c.PostCompaniesSearchWithResponse(ctx, gen.PostCompaniesSearchJSONRequestBody{
			PageNumber: 1, PageSize: 10, OrderBy: "CreateTime", Ascending: false, Filter: filter,
		})
		if err != nil {
			t.Fatal(err)
		}
		got := srv.last()
		if got.method != http.MethodPost || got.path != "/api/companies/search" || got.contentType != "application/json" {
			t.Errorf("sent %s %s (%s)", got.method, got.path, got.contentType)
		}
		assertJSON(t, got.body, `{"pageNumber":1,"pageSize":10,"orderBy":"CreateTime","ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""}}`)
		if got.header.Get("X-KEEPNET-Company-Id") != "cmp-1" || got.header.Get("x-ir-company-id") != "cmp-1" {
			t.Errorf("request editors did not reach the wire: %v", got.header)
		}
		res := (*r.JSON200.Data.Results)[0]
		if *res.CompanyResourceId != "cmp-1" || res.CreateTime.String() != "22/01/2026 13:30:09" {
			t.Errorf("decoded %+v", res)
		}
	})

	t.Run("enrollments/search", func(t *testing.T) {
		r, err := c.PostEnrollmentsSearchWithResponse(ctx, gen.PostEnrollmentsSearchJSONRequestBody{
			PageNumber: 1, PageSize: 20, OrderBy: "CreateTime", Filter: filter, EnrollmentType: ptr("Survey"),
		})
		if err != nil {
			t.Fatal(err)
		}
		assertJSON(t, srv.last().body, `{"pageNumber":1,"pageSize":20,"orderBy":"CreateTime","ascending":false,"enrollmentType":"Survey","filter":{"Condition":"AND","SearchInputTextValue":""}}`)
		res := (*r.JSON200.Data.Results)[0]
		if *res.EnrollmentId != enrollmentID || res.StartDate.String() != "2026-01-22T13:30:09.1234567" {
			t.Errorf("decoded %+v", res)
		}
	})

	t.Run("enrollment details and form details", func(t *testing.T) {
		d, err := c.GetEnrollmentsResourceIdWithResponse(ctx, enrollmentID)
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.last(); got.method != http.MethodGet || got.path != "/api/enrollments/"+enrollmentID || got.body != "" {
			t.Errorf("sent %s %s %q", got.method, got.path, got.body)
		}
		if *d.JSON200.Data.TrainingId != "trn-1" {
			t.Errorf("decoded %+v", d.JSON200.Data)
		}
		f, err := c.GetEnrollmentsFormDetailsWithResponse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.JSON200 == nil || f.JSON200.Data.EnumNameValuePairs == nil {
			t.Errorf("form details not decoded: %s", f.Body)
		}
	})

	t.Run("create and send", func(t *testing.T) {
		body := gen.PostEnrollmentsJSONRequestBody{
			TrainingId: "trn-1", Name: "Phishing refresher", TargetGroupResourceIds: []string{"grp-1"},
			EnrollmentScheduler: &struct {
				DueDate             *keepnetdate.Time `json:"dueDate,omitempty"`
				ScheduledDate       *keepnetdate.Time `json:"scheduledDate,omitempty"`
				ScheduledTimeZoneId *string           `json:"scheduledTimeZoneId,omitempty"`
				UseOwnTimeZone      *bool             `json:"useOwnTimeZone,omitempty"`
			}{
				ScheduledDate:       ptr(keepnetdate.FromString("2026-03-01T09:00:00Z")),
				DueDate:             ptr(keepnetdate.FromString("2026-03-15T09:00:00Z")),
				ScheduledTimeZoneId: ptr("GMT Standard Time"),
				UseOwnTimeZone:      ptr(false),
			},
			AwardCertificate: ptr(true),
		}
		r, err := c.PostEnrollmentsWithResponse(ctx, body)
		if err != nil {
			t.Fatal(err)
		}
		got := srv.last()
		if got.contentType != "application/json" {
			t.Errorf("create sent as %q", got.contentType)
		}
		assertJSON(t, got.body, `{"trainingId":"trn-1","name":"Phishing refresher","targetGroupResourceIds":["grp-1"],"awardCertificate":true,
			"enrollmentScheduler":{"scheduledDate":"2026-03-01T09:00:00Z","dueDate":"2026-03-15T09:00:00Z","scheduledTimeZoneId":"GMT Standard Time","useOwnTimeZone":false}}`)
		if r.StatusCode() != http.StatusCreated || *r.JSON201.Data.Id != "enr-new" {
			t.Errorf("create: %d %s", r.StatusCode(), r.Body)
		}

		// Send now: no scheduler at all, since the spec does not allow null.
		if _, err := c.PostEnrollmentsWithResponse(ctx, gen.PostEnrollmentsJSONRequestBody{TrainingId: "trn-1", Name: "Now", TargetGroupResourceIds: []string{"grp-1"}}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(srv.last().body, "enrollmentScheduler") {
			t.Errorf("send-now body carries a scheduler: %s", srv.last().body)
		}

		s, err := c.PostEnrollmentsResourceIdSendWithResponse(ctx, "enr-new")
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.last(); got.path != "/api/enrollments/enr-new/send" || got.body != "" {
			t.Errorf("send: %s body %q", got.path, got.body)
		}
		if *s.JSON200.Data.ResourceId != "enr-new" {
			t.Errorf("send decoded %s", s.Body)
		}
	})

	t.Run("training report", func(t *testing.T) {
		sum, err := c.GetTrainingReportsEnrollmentIdSummaryWithResponse(ctx, enrollmentID, &gen.GetTrainingReportsEnrollmentIdSummaryParams{TrainingType: ptr("0")})
		if err != nil {
			t.Fatal(err)
		}
		if q := srv.last().rawQuery; q != "trainingType=0" {
			t.Errorf("summary query %q, want trainingType=0", q)
		}
		if sum.JSON200.Data.StartDate.String() != "22/01/2026 13:40" || *sum.JSON200.Data.CompletedCount != 3 {
			t.Errorf("summary decoded %s", sum.Body)
		}

		users, err := c.PostTrainingReportsEnrollmentIdUsersSearchWithResponse(ctx, enrollmentID, gen.PostTrainingReportsEnrollmentIdUsersSearchJSONRequestBody{
			PageNumber: 2, PageSize: 100, OrderBy: "Email", Ascending: true, Filter: filter, TrainingType: ptr(0),
		})
		if err != nil {
			t.Fatal(err)
		}
		assertJSON(t, srv.last().body, `{"pageNumber":2,"pageSize":100,"orderBy":"Email","ascending":true,"trainingType":0,"filter":{"Condition":"AND","SearchInputTextValue":""}}`)
		u := (*users.JSON200.Data.Results)[0]
		if *u.LastName != "Ångström, Jr." || u.LastInteractionDate.String() != "22/01/2026 13:30:09" {
			t.Errorf("user decoded %+v", u)
		}

		in, err := c.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdWithResponse(ctx, enrollmentID, userID, &gen.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdParams{TrainingType: ptr("0")})
		if err != nil {
			t.Fatal(err)
		}
		if ev := (*in.JSON200.Data)[0]; *ev.Interaction != "Opened Email" || ev.EventTime.String() != "22/01/2026 13:30:09" {
			t.Errorf("interaction decoded %s", in.Body)
		}

		ex, err := c.GetTrainingReportsExamResultSessionsTargetUserResourceIdWithResponse(ctx, enrollmentID, userID)
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.last().path; got != "/api/training-reports/"+enrollmentID+"/exam-result-sessions/"+userID {
			t.Errorf("answers fetched from %s", got)
		}
		q := (*(*ex.JSON200.Data)[0].InteractionsHumanReadable)[0]
		if *q.ScormId != "q-1" || *q.StudentOrLearnerResponse != "4_Strongly_Agree" || !*(*q.Answers)[0].IsUserAnswer {
			t.Errorf("answers decoded %s", ex.Body)
		}
	})

	t.Run("discovery", func(t *testing.T) {
		tr, err := c.PostTrainingsSearchWithResponse(ctx, gen.PostTrainingsSearchJSONRequestBody{PageNumber: 1, PageSize: 20, OrderBy: ptr("Name"), Ascending: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if *(*tr.JSON200.Data.Results)[0].TrainingId != "trn-1" {
			t.Errorf("training decoded %s", tr.Body)
		}
		g, err := c.PostTargetGroupsSearchCurrentCompanyWithResponse(ctx, gen.PostTargetGroupsSearchCurrentCompanyJSONRequestBody{PageNumber: 1, PageSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		if *(*g.JSON200.Data.Results)[0].ResourceId != "grp-1" {
			t.Errorf("group decoded %s", g.Body)
		}
		tz, err := c.GetTimezoneTimezonesWithResponse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if *(*tz.JSON200.Data.TimeZoneList)[0].Id != "GMT Standard Time" {
			t.Errorf("time zones decoded %s", tz.Body)
		}
	})
}
