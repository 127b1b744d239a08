package keepnettest_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

var (
	displaySeconds = regexp.MustCompile(`^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$`)
	displayMinutes = regexp.MustCompile(`^\d\d/\d\d/\d{4} \d\d:\d\d$`)
	dotNetDate     = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$`)
	scormLatency   = regexp.MustCompile(`^PT\d+H\d+M\d+S$`)
)

// usersPage fetches a raw users/search page of Acme's survey.
func usersPage(t *testing.T, s *keepnettest.Server, page, size int) searchReply {
	t.Helper()
	var got searchReply
	decode(t, raw(t, s, token(t, s), "POST", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/users/search",
		"application/json", searchBody(page, size, ""), both(keepnettest.CompanyAcmeID)...), &got)
	return got
}

// userAt returns the seeded survey's user with this index.
func userAt(t *testing.T, s *keepnettest.Server, index int) keepnettest.User {
	t.Helper()
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if u.Index == index {
			return u
		}
	}
	t.Fatalf("no user %d", index)
	return keepnettest.User{}
}

func TestUsersSearchRowsLookLikeTheService(t *testing.T) {
	s := newServer(t)
	rows := usersPage(t, s, 1, 100).Data.Results
	if len(rows) != keepnettest.DefaultSurveyUsers {
		t.Fatalf("%d rows, want %d", len(rows), keepnettest.DefaultSurveyUsers)
	}
	byID := map[string]map[string]any{}
	for _, r := range rows {
		byID[r["targetUserResourceId"].(string)] = r
		if d, ok := r["lastInteractionDate"]; ok && !displaySeconds.MatchString(d.(string)) {
			t.Errorf("lastInteractionDate %q is not dd/MM/yyyy HH:mm:ss", d)
		}
		for k, v := range r {
			if v == nil {
				t.Errorf("row has %s: null; the service leaves null fields out", k)
			}
		}
	}
	zoe := byID[userAt(t, s, 0).ID]
	if zoe["firstName"] != "Zoë" || zoe["lastName"] != "Ångström-Ñúñez" || zoe["department"] != "Sales, EMEA" {
		t.Errorf("user 0 = %v, want the non-ASCII name and a department with a comma", zoe)
	}
	if quoted := byID[userAt(t, s, 1).ID]; !strings.Contains(quoted["firstName"].(string), `"`) || !strings.Contains(quoted["lastName"].(string), ",") {
		t.Errorf("user 1 = %v, want quotes and commas in the name", quoted)
	}
	silent := byID[userAt(t, s, 2).ID]
	if silent["status"] != keepnettest.UserNotResponded {
		t.Errorf("user 2 status %v, want Not Responded", silent["status"])
	}
	// Null fields are left out, not sent as null or "".
	for _, absent := range []string{"lastInteractionDate", "department", "examStatusName"} {
		if _, ok := silent[absent]; ok {
			t.Errorf("user 2 has no %s, but the row carries the key: %v", absent, silent)
		}
	}
}

func TestDatesComeInTheLiveServicesFormats(t *testing.T) {
	s := newServer(t)
	var got searchReply
	decode(t, raw(t, s, token(t, s), "POST", "/api/enrollments/search", "application/json", minimalSearch, both(keepnettest.CompanyAcmeID)...), &got)
	for _, e := range got.Data.Results {
		if !displayMinutes.MatchString(e["startDate"].(string)) || !dotNetDate.MatchString(e["createTime"].(string)) {
			t.Errorf("enrollment dates startDate %q createTime %q, want dd/MM/yyyy HH:mm and .NET without zone", e["startDate"], e["createTime"])
		}
	}
}

func TestAnswersLiveOnlyInExamResultSessions(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	u := userAt(t, s, 0)

	timeline, err := c.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdWithResponse(ctx, keepnettest.EnrollmentAcmeSurveyID, u.ID,
		&gen.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdParams{TrainingType: ptr("0")})
	if err != nil || timeline.JSON200 == nil || timeline.JSON200.Data == nil || len(*timeline.JSON200.Data) == 0 {
		t.Fatalf("interactions: %v, status %d body %s", err, timeline.StatusCode(), timeline.Body)
	}
	for _, leak := range []string{"studentOrLearnerResponse", "isUserAnswer", "scormId"} {
		if strings.Contains(string(timeline.Body), leak) {
			t.Errorf("the interactions timeline carries %s; answers must only be in exam-result-sessions", leak)
		}
	}

	sessions, err := c.GetTrainingReportsExamResultSessionsTargetUserResourceIdWithResponse(ctx, keepnettest.EnrollmentAcmeSurveyID, u.ID)
	if err != nil || sessions.JSON200 == nil || sessions.JSON200.Data == nil || len(*sessions.JSON200.Data) == 0 {
		t.Fatalf("exam-result-sessions: %v, status %d body %s", err, sessions.StatusCode(), sessions.Body)
	}
	want := s.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID)
	got := *(*sessions.JSON200.Data)[0].InteractionsHumanReadable
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("%d interactions, want %d", len(got), len(want))
	}
	for i, q := range got {
		if *q.Source != "Qex" || *q.Type != "choice-single" || !scormLatency.MatchString(*q.Latency) {
			t.Errorf("question %d: source %q type %q latency %q", i, *q.Source, *q.Type, *q.Latency)
		}
		if *q.ScormId != want[i].ScormID || int(*q.Index) != want[i].Index || *q.StudentOrLearnerResponse != want[i].Response {
			t.Errorf("question %d = %s #%d %q, want %+v", i, *q.ScormId, *q.Index, *q.StudentOrLearnerResponse, want[i])
		}
		chosen := 0
		for _, a := range *q.Answers {
			if *a.IsUserAnswer {
				chosen++
				if *a.Option != want[i].Option {
					t.Errorf("question %s: chosen option %q, want %q", *q.ScormId, *a.Option, want[i].Option)
				}
			}
		}
		if chosen != 1 {
			t.Errorf("question %s: %d options marked as the user's answer, want 1", *q.ScormId, chosen)
		}
	}
}

func TestUsersWithoutAnswersHaveNoSessions(t *testing.T) {
	s := newServer(t)
	u := userAt(t, s, 2)
	r := raw(t, s, token(t, s), "GET", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/exam-result-sessions/"+u.ID, "", "",
		both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 || !strings.Contains(r.body, `"data":[]`) {
		t.Errorf("sessions of a user who never answered: status %d body %s, want data: []", r.status, r.body)
	}
}

func TestLatestSessionWinsByCreationTimeNotByPosition(t *testing.T) {
	s := newServer(t)
	u := userAt(t, s, 1)
	r := raw(t, s, token(t, s), "GET", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/exam-result-sessions/"+u.ID, "", "",
		both(keepnettest.CompanyAcmeID)...)
	var body struct {
		Data []struct {
			CreatedAt string `json:"enrollmentSessionCreatedAt"`
			Questions []struct {
				ScormID  string `json:"scormId"`
				Response string `json:"studentOrLearnerResponse"`
			} `json:"interactionsHumanReadable"`
		} `json:"data"`
	}
	decode(t, r, &body)
	if len(body.Data) != 2 {
		t.Fatalf("user 1 has %d sessions, want 2", len(body.Data))
	}
	parse := func(s string) time.Time {
		tm, err := time.Parse("02/01/2006 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	latest := 0
	if parse(body.Data[1].CreatedAt).After(parse(body.Data[0].CreatedAt)) {
		latest = 1
	}
	lexical := 0
	if body.Data[1].CreatedAt > body.Data[0].CreatedAt {
		lexical = 1
	}
	if lexical == latest {
		t.Errorf("sessions %q and %q: comparing the strings finds the latest, so the data does not catch that bug",
			body.Data[0].CreatedAt, body.Data[1].CreatedAt)
	}
	want := s.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID)
	for i, q := range body.Data[latest].Questions {
		if q.ScormID != want[i].ScormID || q.Response != want[i].Response {
			t.Errorf("Answers() disagrees with the latest session at %d: %+v vs %+v", i, q, want[i])
		}
	}
}

func TestQuestionIndexesDifferButScormIDsAreStable(t *testing.T) {
	s := newServer(t)
	indexOf := func(user int, scormID string) int {
		for _, a := range s.Answers(keepnettest.EnrollmentAcmeSurveyID, userAt(t, s, user).ID) {
			if a.ScormID == scormID {
				return a.Index
			}
		}
		return 0
	}
	full, short := len(s.Answers(keepnettest.EnrollmentAcmeSurveyID, userAt(t, s, 0).ID)), len(s.Answers(keepnettest.EnrollmentAcmeSurveyID, userAt(t, s, 3).ID))
	if full != 10 || short != 9 {
		t.Errorf("user 0 answered %d questions, user 3 %d; want 10 and 9", full, short)
	}
	if a, b := indexOf(0, "SCQ06"), indexOf(3, "SCQ06"); a != 6 || b != 5 {
		t.Errorf("SCQ06 has index %d for user 0 and %d for user 3, want 6 and 5", a, b)
	}
}

func TestSummaryCountsMatchTheUsers(t *testing.T) {
	s := newServer(t, keepnettest.WithUsers(300))
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	resp, err := c.GetTrainingReportsEnrollmentIdSummaryWithResponse(context.Background(), keepnettest.EnrollmentAcmeSurveyID,
		&gen.GetTrainingReportsEnrollmentIdSummaryParams{TrainingType: ptr("0")})
	if err != nil || resp.JSON200 == nil || resp.JSON200.Data == nil {
		t.Fatalf("summary: %v, status %d body %s", err, resp.StatusCode(), resp.Body)
	}
	completed := 0
	for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if u.Status == keepnettest.UserCompleted {
			completed++
		}
	}
	d := resp.JSON200.Data
	if int(*d.CompletedCount) != completed || int(*d.ReportDetail.TotalTargetUserCount) != 300 || *d.Name != keepnettest.SurveyName {
		t.Errorf("summary completed %d of %d (%q), want %d of 300", *d.CompletedCount, *d.ReportDetail.TotalTargetUserCount, *d.Name, completed)
	}
}

func TestFiftyThousandUsersArePagedLazily(t *testing.T) {
	s := newServer(t, keepnettest.WithUsers(50000))
	last := usersPage(t, s, 500, 100)
	if n := len(last.Data.Results); n != 100 || last.Data.TotalNumberOfRecords != 50000 || last.Data.TotalNumberOfPages != 500 {
		t.Fatalf("page 500: %d rows of %d records in %d pages", n, last.Data.TotalNumberOfRecords, last.Data.TotalNumberOfPages)
	}
	id := last.Data.Results[99]["targetUserResourceId"].(string)
	u, ok := s.User(keepnettest.EnrollmentAcmeSurveyID, id)
	if !ok || u.Index != 49999 {
		t.Fatalf("last row's user %q resolves to %+v, %v; want index 49999", id, u, ok)
	}
	r := raw(t, s, token(t, s), "GET", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/exam-result-sessions/"+id, "", "",
		both(keepnettest.CompanyAcmeID)...)
	if r.status != 200 {
		t.Errorf("sessions of user 49999: status %d", r.status)
	}
}

func TestTheWorldIsDeterministicPerSeed(t *testing.T) {
	answers := func(seed uint64) string {
		s := keepnettest.NewServer(keepnettest.WithSeed(seed), keepnettest.WithUsers(40))
		defer s.Close()
		var all []any
		for u := range s.Users(keepnettest.EnrollmentAcmeSurveyID) {
			all = append(all, u, s.Sessions(keepnettest.EnrollmentAcmeSurveyID, u.ID))
		}
		b, err := json.Marshal(all)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if answers(7) != answers(7) {
		t.Error("the same seed gave different users or answers")
	}
	if answers(7) == answers(8) {
		t.Error("different seeds gave the same users and answers")
	}
}

func TestUnknownUserIs404(t *testing.T) {
	s := newServer(t)
	globexUser := ""
	for u := range s.Users(keepnettest.EnrollmentGlobexSurveyID) {
		globexUser = u.ID
		break
	}
	r := raw(t, s, token(t, s), "GET", "/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/exam-result-sessions/"+globexUser, "", "",
		both(keepnettest.CompanyAcmeID)...)
	if r.status != 404 {
		t.Errorf("a Globex user under Acme's survey: status %d, want 404", r.status)
	}
}
