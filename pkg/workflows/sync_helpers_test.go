package workflows_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

var allCompanies = workflows.CompanySelection{All: true}

// syncAll syncs every company into db, failing the test on an error that
// is not a company's.
func syncAll(t *testing.T, c *keepnet.Client, db *sql.DB, req workflows.SyncRequest) (workflows.SyncResult, error) {
	t.Helper()
	if len(req.Companies.Companies) == 0 {
		req.Companies = allCompanies
	}
	return workflows.Sync(context.Background(), c, db, req)
}

// rows are a query's rows, one string each, columns "|"-separated and
// NULL as "NULL": short to compare.
func rows(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rs, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rs.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			parts[i] = "NULL"
			if v.Valid {
				parts[i] = v.String
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameRows compares two sets of rows, order aside.
func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// requireFakeWorld checks that the database holds the fake's world as the
// service shows it now, for what is not marked gone (nor of a company
// marked gone, which leaves its rows as they were): every company the
// credentials manage; every survey and training enrollment with its
// summary's counts, its users and the surveys' answers; every job with its
// totals, its campaign's test flag and its users.
func requireFakeWorld(t *testing.T, srv *keepnettest.Server, db *sql.DB) {
	t.Helper()
	managed := map[string]bool{}
	var companies []string
	for _, co := range srv.Companies() {
		if co.Managed {
			managed[co.ID] = true
			companies = append(companies, co.ID+"|"+co.Name)
		}
	}
	sameRows(t, "companies", rows(t, db, "SELECT id, name FROM companies WHERE gone_in_sync IS NULL"), companies)

	var enrollments []string
	for _, e := range srv.Enrollments() {
		if !managed[e.CompanyID] || e.Status == keepnettest.StatusArchived {
			continue
		}
		kind, completed, users, answers := "training", 0, 0, 0
		if e.Type == "Survey" {
			kind = "survey"
		}
		for u := range srv.Users(e.ID) {
			users++
			if u.Status == keepnettest.UserCompleted {
				completed++
			}
			if kind == "survey" {
				answers += len(srv.Answers(e.ID, u.ID))
			}
		}
		enrollments = append(enrollments, fmt.Sprintf("%s|%s|%s|%s|%s|%d|%d|%d|%d|%s", e.CompanyID, e.ID, kind, e.Type, e.Status,
			users, completed, users, answers, e.StartDate.Format("2006-01-02T15:04")))
	}
	sameRows(t, "enrollments", rows(t, db, `SELECT e.company_id, e.id, e.kind, e.type, e.status, e.targeted, e.completed,
  (SELECT COUNT(*) FROM survey_users u WHERE u.company_id = e.company_id AND u.enrollment_id = e.id AND u.gone_in_sync IS NULL)
  + (SELECT COUNT(*) FROM training_users u WHERE u.company_id = e.company_id AND u.enrollment_id = e.id AND u.gone_in_sync IS NULL),
  (SELECT COUNT(*) FROM survey_answers a WHERE a.company_id = e.company_id AND a.enrollment_id = e.id),
  substr(e.start_at, 1, 16)
FROM enrollments e WHERE e.gone_in_sync IS NULL AND e.company_id IN (SELECT id FROM companies WHERE gone_in_sync IS NULL)`), enrollments)

	var jobs []string
	for _, j := range srv.Jobs("", "") {
		if !managed[j.CompanyID] {
			continue
		}
		tot, _ := srv.JobTotals(j.CampaignID, j.InstanceGroup)
		camp, _ := srv.Campaign(j.CampaignID)
		test := 0
		if camp.ExcludeFromReports {
			test = 1
		}
		jobs = append(jobs, fmt.Sprintf("%s|%s|%s|%d|%s|%d|%d|%d|%d|%d|%d|%d|%d", j.CompanyID, j.Channel, j.CampaignID, j.InstanceGroup, j.Status,
			tot.Targets, tot.Delivered, tot.Clicked, tot.Reported, tot.Sandbox, test, j.Users, tot.Clicked))
	}
	sameRows(t, "jobs", rows(t, db, `SELECT j.company_id, j.channel, j.campaign_id, j.instance_group, j.status,
  j.targeted, j.delivered, j.clicked, j.reported, j.scanner_activity,
  (SELECT CASE WHEN p.exclude_from_reports THEN 1 ELSE 0 END FROM phishing_campaigns p
    WHERE p.company_id = j.company_id AND p.channel = j.channel AND p.id = j.campaign_id),
  (SELECT COUNT(*) FROM phishing_job_users u WHERE u.company_id = j.company_id AND u.channel = j.channel
    AND u.campaign_id = j.campaign_id AND u.instance_group = j.instance_group AND u.gone_in_sync IS NULL),
  (SELECT COUNT(*) FROM phishing_job_users u WHERE u.company_id = j.company_id AND u.channel = j.channel
    AND u.campaign_id = j.campaign_id AND u.instance_group = j.instance_group AND u.clicked_count > 0)
FROM phishing_jobs j WHERE j.gone_in_sync IS NULL AND j.company_id IN (SELECT id FROM companies WHERE gone_in_sync IS NULL)`), jobs)
}

// requireTrainingUsers checks an enrollment's user rows, field by field,
// against the fake's users.
func requireTrainingUsers(t *testing.T, srv *keepnettest.Server, db *sql.DB, enrollmentID string) {
	t.Helper()
	var want []string
	for u := range srv.TrainingUsers(enrollmentID) {
		score := "NULL"
		if u.HasExamScore {
			score = strconv.FormatFloat(u.ExamScore, 'f', -1, 64)
		}
		exam := "NULL"
		if u.ExamStatus != "" {
			exam = u.ExamStatus
		}
		first := "NULL"
		if !u.FirstCompletion.IsZero() {
			first = u.FirstCompletion.Format("2006-01-02T15:04:05")
		}
		want = append(want, strings.Join([]string{u.ID, u.Email, u.Status, score, exam, first}, "|"))
	}
	got := rows(t, db, `SELECT target_user_id, email, status, exam_score, exam_status, first_completion_at
FROM training_users WHERE enrollment_id = $1 AND gone_in_sync IS NULL`, enrollmentID)
	for i, r := range got { // PostgreSQL writes a whole score as 87, SQLite as 87.0
		got[i] = strings.Replace(r, ".0|", "|", 1)
	}
	sameRows(t, "training users of "+enrollmentID, got, want)
}

// perUserRoutes are the requests that fetch users' data, which a re-sync
// of unchanged enrollments and jobs never sends.
var perUserRoutes = []string{
	keepnettest.RouteReportUsersSearch,
	"GET /api/training-reports/{id}/interactions/{user}",
	"GET /api/training-reports/{id}/exam-result-sessions/{user}",
	"GET /api/enrollments/{id}",
}

// countRoutes counts the requests in the fake's log, per route.
func countRoutes(srv *keepnettest.Server) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		out[r.Route]++
	}
	return out
}

var later = time.Date(2026, time.March, 2, 10, 30, 0, 0, time.UTC)
