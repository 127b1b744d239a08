package keepnettest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// enrollmentSearch is an enrollments/search body of one type.
func enrollmentSearch(enrollmentType string) gen.PostEnrollmentsSearchJSONRequestBody {
	b := gen.PostEnrollmentsSearchJSONRequestBody{PageNumber: 1, PageSize: 50, OrderBy: "CreateTime", EnrollmentType: ptr(enrollmentType)}
	b.Filter.Condition, b.Filter.SearchInputTextValue = ptr("AND"), ptr("")
	return b
}

func TestEnrollmentSearchListsTrainingByType(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	for company, want := range map[string][]string{
		keepnettest.CompanyAcmeID:       {keepnettest.EnrollmentAcmeTrainingID},
		keepnettest.CompanyGlobexID:     {keepnettest.EnrollmentGlobexTrainingID},
		keepnettest.CompanyAcmeEuropeID: {keepnettest.EnrollmentAcmeEuropeTrainingID},
	} {
		r, err := scoped(t, s, company).PostEnrollmentsSearchWithResponse(ctx, enrollmentSearch("SCORM"))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, row := range decodePage(t, r.StatusCode(), r.Body).Data.Results {
			ids = append(ids, str(row, "enrollmentId"))
			if str(row, "type") != "SCORM" || row["hasQuiz"] != true || !displayMinutes.MatchString(str(row, "startDate")) {
				t.Errorf("%s: row %v", company, row)
			}
			if _, ok := row["dueDate"]; ok {
				t.Errorf("%s: search row has a due date; the service has it only in GET /api/enrollments/{id}", company)
			}
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%s: SCORM enrollments %v, want %v", company, ids, want)
		}
	}
	var types []string
	for _, e := range s.TrainingEnrollments("") {
		types = append(types, e.Type)
	}
	for _, want := range []string{"SCORM", "Infographic", "LearningPath"} {
		if !slices.Contains(types, want) {
			t.Errorf("the seeded training enrollments have types %v, none %s", types, want)
		}
	}
}

func TestDueDatesAreOnlyInTheEnrollmentAndSomeHavePassed(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := newServer(t, keepnettest.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	overdue := map[bool]int{}
	for _, e := range s.TrainingEnrollments("") {
		r, err := scoped(t, s, e.CompanyID).GetEnrollmentsResourceIdWithResponse(ctx, e.ID)
		if err != nil || r.JSON200 == nil || r.JSON200.Data == nil {
			t.Fatalf("%s: %v, status %d", e.ID, err, r.StatusCode())
		}
		sched := r.JSON200.Data.EnrollmentScheduler
		if e.DueDate.IsZero() {
			if sched != nil && sched.DueDate != nil {
				t.Errorf("%s has no due date but the enrollment says %v", e.ID, sched.DueDate)
			}
			continue
		}
		if sched == nil || sched.DueDate == nil || sched.DueDate.String() != e.DueDate.Format("2006-01-02T15:04:05")+".1234567" {
			t.Errorf("%s: scheduler %+v, want due %s", e.ID, sched, e.DueDate)
			continue
		}
		overdue[e.DueDate.Before(now)]++
	}
	if overdue[true] == 0 || overdue[false] == 0 {
		t.Errorf("overdue against the clock: %v; want some of each", overdue)
	}
}

func TestTrainingUsersCarryExamResultsThatAgreeWithTheSummary(t *testing.T) {
	s := newServer(t, keepnettest.WithTrainingUsers(60))
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	var rows []map[string]any
	for n := 1; ; n++ {
		r, err := c.PostTrainingReportsEnrollmentIdUsersSearchWithBodyWithResponse(ctx, keepnettest.EnrollmentAcmeTrainingID,
			"application/json", strings.NewReader(searchBody(n, 25, "")))
		if err != nil {
			t.Fatal(err)
		}
		p := decodePage(t, r.StatusCode(), r.Body)
		rows = append(rows, p.Data.Results...)
		if len(p.Data.Results) < 25 {
			break
		}
	}
	seen := map[string]int{}
	i := 0
	for u := range s.TrainingUsers(keepnettest.EnrollmentAcmeTrainingID) {
		row := rows[i]
		i++
		seen[u.Status+"/"+u.ExamStatus]++
		if str(row, "targetUserResourceId") != u.ID || str(row, "status") != u.Status || str(row, "examStatusName") != u.ExamStatus ||
			str(row, "currentStep") != u.CurrentStep {
			t.Errorf("row %v, want %+v", row, u)
		}
		score, has := row["examScore"].(float64)
		if has != u.HasExamScore || score != u.ExamScore {
			t.Errorf("%s: examScore %v, want %v (%v)", u.ID, row["examScore"], u.ExamScore, u.HasExamScore)
		}
		if got := str(row, "firstCompletionDate"); u.FirstCompletion.IsZero() != (got == "") || got != "" && !displaySeconds.MatchString(got) {
			t.Errorf("%s: firstCompletionDate %q, want %s in the display format", u.ID, got, u.FirstCompletion)
		}
		if len(u.CustomFields) > 0 {
			fields, _ := row["customFieldValues"].([]any)
			if len(fields) != len(u.CustomFields) || fields[0].(map[string]any)["value"] != u.CustomFields[0].Value {
				t.Errorf("%s: customFieldValues %v, want %v", u.ID, row["customFieldValues"], u.CustomFields)
			}
		}
	}
	if i != 60 || len(rows) != 60 {
		t.Fatalf("%d users, %d rows; want 60", i, len(rows))
	}
	for _, kind := range []string{"Not Responded/", "In Progress/Not Completed", "Completed/Passed", "Completed/Failed"} {
		if seen[kind] == 0 {
			t.Errorf("no user is %s: %v", kind, seen)
		}
	}

	r, err := c.GetTrainingReportsEnrollmentIdSummaryWithResponse(ctx, keepnettest.EnrollmentAcmeTrainingID,
		&gen.GetTrainingReportsEnrollmentIdSummaryParams{TrainingType: ptr("0")})
	if err != nil || r.JSON200 == nil || r.JSON200.Data == nil {
		t.Fatalf("summary: %v, status %d", err, r.StatusCode())
	}
	d := r.JSON200.Data
	completed := seen["Completed/Passed"] + seen["Completed/Failed"]
	started := seen["In Progress/Not Completed"] + seen["Opened Email/Not Completed"]
	if int(*d.CompletedCount) != completed || int(*d.InProgressCount) != seen["In Progress/Not Completed"] ||
		int(*d.ReportDetail.FailedExamCount) != seen["Completed/Failed"] || int(*d.ReportDetail.DidNotCompleteExamCount) != started ||
		int(*d.ReportDetail.TotalTargetUserCount) != 60 {
		t.Errorf("summary completed %d in progress %d failed %d no exam %d, users say %v",
			*d.CompletedCount, *d.InProgressCount, *d.ReportDetail.FailedExamCount, *d.ReportDetail.DidNotCompleteExamCount, seen)
	}
}

func TestTwentyThousandTrainingUsersArePagedLazily(t *testing.T) {
	s := newServer(t, keepnettest.WithTrainingUsers(20000), keepnettest.WithJobUsers(20000))
	tok := token(t, s)
	r := raw(t, s, tok, "POST", "/api/training-reports/"+keepnettest.EnrollmentAcmeTrainingID+"/users/search", "application/json",
		searchBody(200, 100, ""), both(keepnettest.CompanyAcmeID)...)
	p := decodePage(t, r.status, []byte(r.body))
	if p.Data.TotalNumberOfRecords != 20000 || len(p.Data.Results) != 100 || str(p.Data.Results[99], "targetUserResourceId") == "" {
		t.Errorf("last page: %d records, %d rows", p.Data.TotalNumberOfRecords, len(p.Data.Results))
	}
	r = raw(t, s, tok, "POST", "/api/phishing-simulator/phishing-campaign-job-report/All/search/"+acmeInvoice+"/1", "application/json",
		nameSearchJSON(200, 100), both(keepnettest.CompanyAcmeID)...)
	p = decodePage(t, r.status, []byte(r.body))
	if p.Data.TotalNumberOfRecords != 20000 || len(p.Data.Results) != 100 || str(p.Data.Results[99], "resourceId") == "" {
		t.Errorf("last job page: %d records, %d rows", p.Data.TotalNumberOfRecords, len(p.Data.Results))
	}
	last, ok := s.JobUser(str(p.Data.Results[99], "resourceId"))
	if !ok || last.Index != 19999 {
		t.Errorf("the last row resolves to %+v, %v", last, ok)
	}
}

func TestActivityUsersSearchesCoverAWindow(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	c := scoped(t, s, keepnettest.CompanyGlobexID)
	window := func(start, end time.Time, group bool) gen.SearchTrainingUsersByDateRangeRequest {
		return gen.SearchTrainingUsersByDateRangeRequest{StartDate: ptr(keepnetdate.FromTime(start)), EndDate: ptr(keepnetdate.FromTime(end)), GroupByUser: ptr(group),
			PageNumber: ptr(int32(1)), PageSize: ptr(int32(100)), OrderBy: ptr("Email"), Ascending: ptr(true),
			Filter: gen.CoreModelsFilter{Condition: ptr("AND"), SearchInputTextValue: ptr("")}}
	}
	e, _ := s.Enrollment(keepnettest.EnrollmentGlobexTrainingID)
	r, err := c.PostTrainingReportsActivityUsersSearchWithResponse(ctx, window(e.StartDate.Add(-time.Hour), e.StartDate.Add(time.Hour), false))
	if err != nil {
		t.Fatal(err)
	}
	rows := decodePage(t, r.StatusCode(), r.Body).Data.Results
	if len(rows) != e.Users {
		t.Fatalf("%d rows in the window around %s's start, want its %d users", len(rows), e.Name, e.Users)
	}
	for _, row := range rows {
		if str(row, "enrollmentName") != e.Name || row["enrollmentId"] != nil || row["targetUserResourceId"] != nil {
			t.Errorf("row %v: want the enrollment's name and no IDs", row)
		}
	}
	r, _ = c.PostTrainingReportsActivityUsersSearchWithResponse(ctx, window(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true))
	grouped := decodePage(t, r.StatusCode(), r.Body).Data.Results
	emails := map[string]bool{}
	for _, row := range grouped {
		if emails[str(row, "email")] {
			t.Errorf("%s twice with groupByUser", row["email"])
		}
		emails[str(row, "email")] = true
	}
	if len(grouped) == 0 {
		t.Error("no activity in a window over every enrollment")
	}

	j, _ := s.Job(keepnettest.PhishingGlobexGiftID, 1)
	pr := raw(t, s, token(t, s), "POST", "/api/phishing-simulator/phishing-campaign-job-report/activity-users/search", "application/json",
		`{"startDate":"`+j.StartDate.Add(-time.Hour).Format(time.RFC3339)+`","endDate":"`+j.StartDate.Add(time.Hour).Format(time.RFC3339)+
			`","groupByUser":false,"pageNumber":1,"pageSize":100,"orderBy":"Email","ascending":true,"filter":{"condition":"AND","searchInputTextValue":""}}`,
		both(keepnettest.CompanyGlobexID)...)
	if rows := decodePage(t, pr.status, []byte(pr.body)).Data.Results; len(rows) != j.Users || str(rows[0], "campaignName") != j.Name {
		t.Errorf("phishing activity in the job's window: %d rows, want %d of %s", len(rows), j.Users, j.Name)
	}
	// The spec forbids the date too, so this asks a fake without the check.
	plain := keepnettest.NewServer()
	defer plain.Close()
	bad := raw(t, plain, token(t, plain), "POST", "/api/training-reports/activity-users/search", "application/json",
		`{"startDate":"yesterday","pageNumber":1,"pageSize":10,"orderBy":"Email","ascending":true,"filter":{"condition":"AND"}}`,
		both(keepnettest.CompanyGlobexID)...)
	if bad.status != 400 {
		t.Errorf("a malformed startDate: status %d, want 400", bad.status)
	}
}
