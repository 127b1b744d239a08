package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

var acme = Company{ID: "co-acme", Name: "Acme Manufacturing", DateFormat: "dd/MM/yyyy"}

func trainingEnrollment(id string, completed int64) Enrollment {
	return Enrollment{Company: acme, ID: id, Name: "Phishing Fundamentals", Type: "SCORM", Status: "Finished", Finished: true,
		StartDate: date("22/04/2026 09:00"), DueDate: date("2026-05-31T00:00:00"), CreateTime: date("2026-04-20T08:00:00.1234567"),
		Counts:    EnrollmentCounts{Targeted: ptr[int64](3), Completed: ptr(completed)},
		Summary:   json.RawMessage(`{"completedCount":` + fmt.Sprint(completed) + `}`),
		DateOrder: keepnetdate.DayFirst}
}

func trainee(n int, status string) TrainingUser {
	return TrainingUser{TargetUserID: fmt.Sprintf("tu-%d", n), Email: fmt.Sprintf("user%d@acme.example", n),
		FirstName: "Test", LastName: fmt.Sprintf("User%d", n), Status: status, ExamScore: ptr(87.5),
		FirstCompletion: date("23/04/2026 10:15:00"), LastInteraction: date("01/05/2026 16:00")}
}

// TestUsersUpsertedAndGoneNeverDeleted: a re-sync updates users in place,
// keeps their first sync, marks a user the listing no longer has as gone
// in the sync that noticed (keeping the row), and clears the mark when
// the user comes back.
func TestUsersUpsertedAndGoneNeverDeleted(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		writeTraining(t, y, trainingEnrollment("enr-1", 1), trainee(1, "Completed"), trainee(2, "In Progress"), trainee(3, "Not Responded"))
		finish(t, y)

		y = beginSync(t, st, SyncOptions{})
		writeTraining(t, y, trainingEnrollment("enr-1", 2), trainee(1, "Completed"), trainee(2, "Completed"))
		finish(t, y)
		equal(t, "after the second sync", query(t, st,
			"SELECT target_user_id, status, first_sync, fetched_in_sync, gone_in_sync FROM training_users ORDER BY target_user_id"),
			[]string{"tu-1|Completed|1|2|NULL", "tu-2|Completed|1|2|NULL", "tu-3|Not Responded|1|1|2"})

		y = beginSync(t, st, SyncOptions{})
		writeTraining(t, y, trainingEnrollment("enr-1", 2), trainee(1, "Completed"), trainee(2, "Completed"), trainee(3, "Completed"))
		finish(t, y)
		equal(t, "after the user came back", query(t, st,
			"SELECT target_user_id, status, first_sync, gone_in_sync FROM training_users WHERE target_user_id = 'tu-3'"),
			[]string{"tu-3|Completed|1|NULL"})
		equal(t, "summary history", query(t, st,
			"SELECT sync_id, completed, targeted FROM enrollment_summaries ORDER BY sync_id"),
			[]string{"1|1|3", "2|2|3", "3|2|3"})
	})
}

// TestDatesKeepTheServiceTextBesideISO: every date is stored as the
// service sent it with its ISO 8601 reading beside it; a date the
// company's order cannot settle has no reading rather than a guess.
func TestDatesKeepTheServiceTextBesideISO(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		writeTraining(t, y, trainingEnrollment("enr-1", 1), trainee(1, "Completed"))
		unknown := trainingEnrollment("enr-2", 1)
		unknown.DateOrder = keepnetdate.Unknown
		unknown.StartDate = date("05/04/2026 09:00") // ambiguous, and nothing has settled the order yet
		u := trainee(2, "Completed")
		u.FirstCompletion = date("23/04/2026 10:15:00") // settles it: day first
		u.LastInteraction = date("05/04/2026 11:00")
		writeTraining(t, y, unknown, u)
		finish(t, y)
		equal(t, "enrollment dates", query(t, st, "SELECT id, start_text, start_at, due_at, created_at FROM enrollments ORDER BY id"),
			[]string{"enr-1|22/04/2026 09:00|2026-04-22T09:00:00|2026-05-31T00:00:00|2026-04-20T08:00:00.1234567",
				"enr-2|05/04/2026 09:00|NULL|2026-05-31T00:00:00|2026-04-20T08:00:00.1234567"})
		equal(t, "user dates", query(t, st, "SELECT target_user_id, first_completion_at, last_interaction_text, last_interaction_at FROM training_users ORDER BY 1"),
			[]string{"tu-1|2026-04-23T10:15:00|01/05/2026 16:00|2026-05-01T16:00:00", "tu-2|2026-04-23T10:15:00|05/04/2026 11:00|2026-04-05T11:00:00"})
	})
}

// TestSurveyAnswersReplacedUnlessTheRecordFailed: a user's answers are
// those of the latest complete record; a record that carries an error
// keeps the answers stored before, leaves the source incomplete, and so
// makes the next sync fetch it again.
func TestSurveyAnswersReplacedUnlessTheRecordFailed(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		survey := Enrollment{Company: acme, ID: "enr-s", Kind: KindSurvey, Name: "Security Culture Survey", Type: "Survey", Status: "Finished",
			Finished: true, Counts: EnrollmentCounts{Targeted: ptr[int64](2)}}
		answer := func(q, a string) Answer {
			return Answer{QuestionID: q, QuestionIndex: ptr(1), Question: "Q " + q, Answer: a, AnswerCode: "4_" + a,
				LatencySeconds: ptr(3.5), Options: []string{"Agree", "Disagree"}}
		}
		write := func(users ...SurveyUser) {
			y := beginSync(t, st, SyncOptions{})
			w, err := y.Survey(ctx, survey)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				if err := w.Add(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Commit(ctx, nil); err != nil {
				t.Fatal(err)
			}
			finish(t, y)
		}
		write(SurveyUser{TargetUserID: "su-1", Email: "a@acme.example", Status: "Completed", Interactions: json.RawMessage(`[{"event":"Opened"}]`),
			Answers: []Answer{answer("q1", "Agree"), answer("q2", "Agree")}},
			SurveyUser{TargetUserID: "su-2", Status: "Completed", Answers: []Answer{answer("q1", "Disagree")}})
		write(SurveyUser{TargetUserID: "su-1", Status: "Completed", Answers: []Answer{answer("q1", "Disagree")}},
			SurveyUser{TargetUserID: "su-2", Status: "Completed", Error: "answers: 503 after retries"})

		equal(t, "answers", query(t, st, "SELECT target_user_id, question_id, answer, options_json, fetched_in_sync FROM survey_answers ORDER BY 1, 2"),
			[]string{`su-1|q1|Disagree|["Agree","Disagree"]|2`, `su-2|q1|Disagree|["Agree","Disagree"]|1`})
		equal(t, "users", query(t, st, "SELECT target_user_id, error FROM survey_users ORDER BY 1"),
			[]string{"su-1|NULL", "su-2|answers: 503 after retries"})
		equal(t, "the source", query(t, st, "SELECT complete_in_sync, last_error_sync, last_error FROM enrollments"),
			[]string{"1|2|1 of 2 records carry an error"})
		y := beginSync(t, st, SyncOptions{})
		defer finish(t, y)
		if ch, err := y.EnrollmentChanged(ctx, survey); err != nil || !ch.Fetch {
			t.Errorf("after an incomplete fetch: %+v, %v; want it fetched again", ch, err)
		}
	})
}

// TestIncompleteListingMarksNobodyGone: when a source's listing could
// not be read whole, the users it gave are written, nobody is marked
// gone, and the source is not marked complete.
func TestIncompleteListingMarksNobodyGone(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		writeTraining(t, y, trainingEnrollment("enr-1", 1), trainee(1, "In Progress"), trainee(2, "In Progress"))
		finish(t, y)

		y = beginSync(t, st, SyncOptions{})
		w, err := y.Training(ctx, trainingEnrollment("enr-1", 2))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Add(ctx, trainee(1, "Completed")); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(ctx, errors.New("users/search: 350 users reported, 280 read")); err != nil {
			t.Fatal(err)
		}
		if err := y.CompanyDone(ctx, CompanyOutcome{Company: acme}); err != nil {
			t.Fatal(err)
		}
		finish(t, y)
		equal(t, "users", query(t, st, "SELECT target_user_id, status, gone_in_sync FROM training_users ORDER BY 1"),
			[]string{"tu-1|Completed|NULL", "tu-2|In Progress|NULL"})
		equal(t, "source", query(t, st, "SELECT complete_in_sync, complete_fingerprint = fingerprint, last_error_sync, last_error FROM enrollments"),
			[]string{"1|0|2|users/search: 350 users reported, 280 read"})
		equal(t, "run", query(t, st, "SELECT status, sources_fetched, sources_incomplete, users_written, companies, companies_failed, error FROM sync_runs WHERE id = 2"),
			[]string{"incomplete|1|1|1|1|1|1 of 1 companies failed or incomplete"})
		equal(t, "company", query(t, st, "SELECT status, reason FROM sync_companies WHERE sync_id = 2"),
			[]string{"incomplete|1 sources incomplete, 0 records failed"})
	})
}

// TestRollbackLeavesNothing: a writer rolled back (its context ended, say)
// leaves no trace of the source, and the sync goes on.
func TestRollbackLeavesNothing(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		w, err := y.Training(ctx, trainingEnrollment("enr-1", 1))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 700 { // more than a batch: some rows are already sent
			if err := w.Add(ctx, trainee(i, "Completed")); err != nil {
				t.Fatal(err)
			}
		}
		if err := y.Companies(ctx, []Company{acme}, false); err == nil {
			t.Error("a second transaction started while a source was being written")
		}
		if err := w.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		writeTraining(t, y, trainingEnrollment("enr-2", 1), trainee(1, "Completed"))
		finish(t, y)
		equal(t, "rows", query(t, st, "SELECT enrollment_id, COUNT(*) FROM training_users GROUP BY enrollment_id"), []string{"enr-2|1"})
		equal(t, "enrollments", query(t, st, "SELECT id FROM enrollments"), []string{"enr-2"})
	})
}

// TestManyUsersAndDuplicates: sources larger than a batch are written
// whole, and a user the service lists twice (hostile paging) is one row,
// the later record winning: PostgreSQL refuses a statement that upserts
// a row twice, so the writer must keep them apart.
func TestManyUsersAndDuplicates(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		j := phishingJob(acme, "camp-1", 1, "2026-04-01T09:00:00", 1200, 0)
		w, err := y.Job(ctx, j)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 1200 {
			if err := w.Add(ctx, jobUser(i, i%3 == 0)); err != nil {
				t.Fatal(err)
			}
			if i == 5 {
				if err := w.Add(ctx, jobUser(4, true)); err != nil { // 4 again, in the same batch
					t.Fatal(err)
				}
			}
		}
		if err := w.Add(ctx, jobUser(7, true)); err != nil { // 7 again, batches later
			t.Fatal(err)
		}
		if err := w.Commit(ctx, nil); err != nil {
			t.Fatal(err)
		}
		finish(t, y)
		equal(t, "rows", query(t, st, "SELECT COUNT(*), SUM(CASE WHEN clicked_count > 0 THEN 1 ELSE 0 END) FROM phishing_job_users"), []string{"1200|402"})
		equal(t, "run", query(t, st, "SELECT users_written FROM sync_runs"), []string{"1202"})
	})
}

// TestHostileTextStored: text with NUL bytes and bytes that are not
// UTF-8 (which PostgreSQL refuses) is stored, the same in both engines.
func TestHostileTextStored(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		u := trainee(1, "Completed")
		u.FirstName = "Te\x00st"
		u.LastName = "Us\xffer"
		en := trainingEnrollment("enr-\x00", 1)
		en.Name = "=HYPERLINK(\"x\")\x1b[31m"
		en.Details = json.RawMessage("{\"name\":\"a\xffb\"}")
		writeTraining(t, y, en, u)
		finish(t, y)
		equal(t, "user", query(t, st, "SELECT enrollment_id, first_name, last_name FROM training_users"), []string{"enr-\uFFFD|Te\uFFFDst|Us\uFFFDer"})
		equal(t, "enrollment", query(t, st, "SELECT name, details_json FROM enrollments"), []string{"=HYPERLINK(\"x\")\x1b[31m|{\"name\":\"a\uFFFDb\"}"})
	})
}

// TestRunsRecordEveryCompany: a failed company is recorded with its
// reason and the others go on; the run says how many failed.
func TestRunsRecordEveryCompany(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		newClock(st, "2026-05-15T02:00:00Z")
		globex := Company{ID: "co-globex", Name: "Globex"}
		initech := Company{ID: "co-initech", Name: "Initech"}
		y := beginSync(t, st, SyncOptions{Selection: "all companies", Version: "v1.2.3"})
		if err := y.Companies(ctx, []Company{acme, globex, initech}, true); err != nil {
			t.Fatal(err)
		}
		writeTraining(t, y, trainingEnrollment("enr-1", 1), trainee(1, "Completed"))
		for _, o := range []CompanyOutcome{{Company: acme}, {Company: globex, Err: errors.New("403 PRIVACY_ERROR after retries")}, {Company: initech, Skipped: "no training"}} {
			if err := y.CompanyDone(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		finish(t, y)
		equal(t, "companies", query(t, st, "SELECT company_id, company_name, status, reason, sources_fetched, users_written FROM sync_companies ORDER BY 1"),
			[]string{"co-acme|Acme Manufacturing|complete|NULL|1|1", "co-globex|Globex|failed|403 PRIVACY_ERROR after retries|0|0", "co-initech|Initech|skipped|no training|0|0"})
		equal(t, "run", query(t, st, "SELECT id, started_at, finished_at, status, selection, full_sync, tool_version, companies, companies_failed, error FROM sync_runs"),
			[]string{"1|2026-05-15T02:00:00Z|2026-05-15T02:00:00Z|incomplete|all companies|0|v1.2.3|3|1|1 of 3 companies failed or incomplete"})

		y = beginSync(t, st, SyncOptions{})
		if err := y.Companies(ctx, []Company{acme, initech}, true); err != nil {
			t.Fatal(err)
		}
		if err := y.Finish(ctx, context.Canceled); err != nil {
			t.Fatal(err)
		}
		equal(t, "companies gone", query(t, st, "SELECT id, gone_in_sync FROM companies ORDER BY 1"),
			[]string{"co-acme|NULL", "co-globex|2", "co-initech|NULL"})
		equal(t, "a run that stopped", query(t, st, "SELECT status, error FROM sync_runs WHERE id = 2"), []string{"failed|context canceled"})
	})
}

// TestSourcesNoLongerListedAreGone: enrollments, jobs and campaigns the
// service stops listing are marked gone by the sync that noticed, their
// rows and users kept; listed again, they are back.
func TestSourcesNoLongerListedAreGone(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		writeTraining(t, y, trainingEnrollment("enr-1", 1), trainee(1, "Completed"))
		writeTraining(t, y, trainingEnrollment("enr-2", 1), trainee(1, "Completed"))
		j1, j2, j3 := phishingJob(acme, "camp-1", 1, "2026-04-01T09:00:00", 1, 0), phishingJob(acme, "camp-1", 2, "2026-04-08T09:00:00", 1, 0), phishingJob(acme, "camp-2", 1, "2026-04-09T09:00:00", 1, 0)
		for _, j := range []Job{j1, j2, j3} {
			writeJob(t, y, j, jobUser(1, false))
		}
		finish(t, y)

		y = beginSync(t, st, SyncOptions{})
		if err := y.ListedEnrollments(ctx, acme.ID, KindTraining, []string{"enr-2"}); err != nil {
			t.Fatal(err)
		}
		if err := y.ListedJobs(ctx, acme.ID, "phishing", []JobKey{j2.Key()}); err != nil {
			t.Fatal(err)
		}
		if err := y.ListedEnrollments(ctx, acme.ID, KindSurvey, nil); err != nil { // no survey: touches no training
			t.Fatal(err)
		}
		finish(t, y)
		equal(t, "enrollments", query(t, st, "SELECT id, gone_in_sync FROM enrollments ORDER BY 1"), []string{"enr-1|2", "enr-2|NULL"})
		equal(t, "jobs", query(t, st, "SELECT campaign_id, instance_group, gone_in_sync FROM phishing_jobs ORDER BY 1, 2"),
			[]string{"camp-1|1|2", "camp-1|2|NULL", "camp-2|1|2"})
		equal(t, "campaigns", query(t, st, "SELECT id, gone_in_sync FROM phishing_campaigns ORDER BY 1"), []string{"camp-1|NULL", "camp-2|2"})
		equal(t, "users kept", query(t, st, "SELECT COUNT(*) FROM training_users"), []string{"2"})

		y = beginSync(t, st, SyncOptions{})
		if err := y.ListedJobs(ctx, acme.ID, "phishing", []JobKey{j1.Key(), j2.Key(), j3.Key()}); err != nil {
			t.Fatal(err)
		}
		finish(t, y)
		equal(t, "jobs back", query(t, st, "SELECT campaign_id, instance_group, gone_in_sync, listed_in_sync FROM phishing_jobs ORDER BY 1, 2"),
			[]string{"camp-1|1|NULL|3", "camp-1|2|NULL|3", "camp-2|1|NULL|3"})
	})
}

// TestWriterRefusesRowsWithoutKeys: a record that cannot be keyed is an
// error of the writer, which then leaves nothing of the source.
func TestWriterRefusesRowsWithoutKeys(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		defer finish(t, y)
		w, err := y.Training(ctx, trainingEnrollment("enr-1", 1))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Add(ctx, TrainingUser{Email: "nobody@acme.example"}); err == nil || !strings.Contains(err.Error(), "without an ID") {
			t.Errorf("a user without an ID: %v", err)
		}
		if err := w.Commit(ctx, nil); err == nil {
			t.Error("the writer committed after failing")
		}
		equal(t, "enrollments", query(t, st, "SELECT COUNT(*) FROM enrollments"), []string{"0"})
		if _, err := y.Job(ctx, Job{Company: acme, Channel: "phishing"}); err == nil {
			t.Error("a job without a campaign was accepted")
		}
	})
}

// TestManyAnswersPerUser: a user with more answers than a statement
// writes at once keeps them all, and a re-fetch replaces them all.
func TestManyAnswersPerUser(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		survey := Enrollment{Company: acme, ID: "enr-s", Kind: KindSurvey, Name: "Long Survey", Type: "Survey", Status: "Finished"}
		for pass, n := range []int{300, 150} {
			y := beginSync(t, st, SyncOptions{})
			w, err := y.Survey(ctx, survey)
			if err != nil {
				t.Fatal(err)
			}
			for u := range 3 {
				var answers []Answer
				for q := range n {
					answers = append(answers, Answer{QuestionID: fmt.Sprintf("q%03d", q), Answer: fmt.Sprint("pass ", pass)})
				}
				if err := w.Add(ctx, SurveyUser{TargetUserID: fmt.Sprint("su-", u), Answers: answers}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Commit(ctx, nil); err != nil {
				t.Fatal(err)
			}
			finish(t, y)
		}
		equal(t, "answers", query(t, st, "SELECT target_user_id, COUNT(*), MIN(answer), MAX(answer) FROM survey_answers GROUP BY target_user_id ORDER BY 1"),
			[]string{"su-0|150|pass 1|pass 1", "su-1|150|pass 1|pass 1", "su-2|150|pass 1|pass 1"})
	})
}
