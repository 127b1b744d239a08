package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// ReadDB collects the period's records from a sync database (the schema
// of docs/schema.md, SQLite or PostgreSQL): the survey and training
// enrollments and the simulation jobs that started in the period and that
// the service still listed at the last sync, with their users and survey
// answers. Start dates are placed in the period from the service's text
// and the company's date format, as a pull places them, so the database
// gives the pack the service would. companies names companies by ID or
// name (any case); none means every company in the database. An
// enrollment or job whose users were never written whole, or whose last
// fetch was incomplete, is a problem of its company's.
func (c *Collector) ReadDB(ctx context.Context, db *sql.DB, p Period, companies []string) (Stats, error) {
	cos, err := dbCompanies(ctx, db, companies)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	for _, co := range cos {
		c.Company(co.Company, co.order)
		r := dbReader{c: c, db: db, co: co, p: p}
		for _, read := range []func(context.Context) error{r.readEnrollments, r.training, r.surveys, r.jobs} {
			if err := read(ctx); err != nil {
				return st, fmt.Errorf("read company %q from the database: %w", co.Name, err)
			}
		}
		st.add(r.stats)
	}
	return st, nil
}

type dbCompany struct {
	workflows.Company
	order keepnetdate.Order
}

// dbCompanies lists the companies the database holds, or those named, in
// the order named.
func dbCompanies(ctx context.Context, db *sql.DB, named []string) ([]dbCompany, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, name, date_format FROM companies WHERE gone_in_sync IS NULL ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("read the database's companies: %w", err)
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	var all []dbCompany
	for rows.Next() {
		var co dbCompany
		var format sql.NullString
		if err := rows.Scan(&co.ID, &co.Name, &format); err != nil {
			return nil, fmt.Errorf("read the database's companies: %w", err)
		}
		co.order = keepnetdate.OrderOfFormat(format.String)
		all = append(all, co)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the database's companies: %w", err)
	}
	if len(named) == 0 {
		return all, nil
	}
	var out []dbCompany
	for _, ref := range named {
		i := -1
		for j, co := range all {
			if co.ID == strings.TrimSpace(ref) {
				i = j
				break
			}
		}
		for j, co := range all {
			if i < 0 && strings.EqualFold(co.Name, strings.TrimSpace(ref)) {
				i = j
			}
		}
		if i < 0 {
			return nil, &workflows.InputError{Field: "company", Value: ref, Reason: fmt.Sprintf("is not in the database (it holds %d companies; sync it first)", len(all))}
		}
		out = append(out, all[i])
	}
	return out, nil
}

// dbReader reads one company's part of the database.
type dbReader struct {
	c     *Collector
	db    *sql.DB
	co    dbCompany
	p     Period
	stats Stats
	// inPeriod are the company's survey and training enrollments that
	// started in the period, by ID.
	inPeriod map[string]dbEnrollment
}

type dbEnrollment struct {
	kind, name, typ string
	start, due      keepnetdate.Time
}

// readEnrollments finds the company's enrollments that started in the
// period.
func (r *dbReader) readEnrollments(ctx context.Context) error {
	rows, err := r.db.QueryContext(ctx, `SELECT id, kind, name, type, start_text, due_text, complete_in_sync, last_error
FROM enrollments WHERE company_id = $1 AND gone_in_sync IS NULL`, r.co.ID)
	if err != nil {
		return err
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	r.inPeriod = map[string]dbEnrollment{}
	for rows.Next() {
		var id string
		var e dbEnrollment
		var start, due, lastErr sql.NullString
		var complete sql.NullInt64
		if err := rows.Scan(&id, &e.kind, &e.name, &e.typ, &start, &due, &complete, &lastErr); err != nil {
			return err
		}
		e.start, e.due = keepnetdate.FromString(start.String), keepnetdate.FromString(due.String)
		in, err := r.p.place(e.start, r.co.order)
		what := fmt.Sprintf("%s enrollment %q (%s)", e.kind, e.name, id)
		switch {
		case err != nil:
			r.c.Problem(r.co.Company, fmt.Sprintf("%s is left out: %v", what, err))
			continue
		case !in:
			continue
		}
		r.inPeriod[id] = e
		r.incomplete(what, complete, lastErr)
	}
	return rows.Err()
}

// incomplete records a source whose users the database does not hold
// whole.
func (r *dbReader) incomplete(what string, complete sql.NullInt64, lastErr sql.NullString) {
	switch {
	case lastErr.Valid:
		r.c.Problem(r.co.Company, fmt.Sprintf("%s: its users' last sync was incomplete: %s", what, lastErr.String))
	case !complete.Valid:
		r.c.Problem(r.co.Company, what+": its users were never synced whole")
	}
}

func (r *dbReader) training(ctx context.Context) error {
	rows, err := r.db.QueryContext(ctx, `SELECT enrollment_id, target_user_id, email, first_name, last_name, department, status,
  current_step, exam_score, exam_status, first_completion_text, last_interaction_text, error
FROM training_users WHERE company_id = $1 AND gone_in_sync IS NULL ORDER BY enrollment_id, target_user_id`, r.co.ID)
	if err != nil {
		return err
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	for rows.Next() {
		var rec workflows.TrainingRecord
		var email, first, last, dept, status, step, examStatus, firstDone, lastSeen, recErr sql.NullString
		var score sql.NullFloat64
		if err := rows.Scan(&rec.EnrollmentID, &rec.TargetUserResourceID, &email, &first, &last, &dept, &status,
			&step, &score, &examStatus, &firstDone, &lastSeen, &recErr); err != nil {
			return err
		}
		e, ok := r.inPeriod[rec.EnrollmentID]
		if !ok || e.kind != "training" {
			continue
		}
		rec.CompanyID, rec.CompanyName = r.co.ID, r.co.Name
		rec.EnrollmentName, rec.EnrollmentType, rec.StartDate, rec.DueDate = e.name, e.typ, e.start, e.due
		rec.Email, rec.FirstName, rec.LastName, rec.Department, rec.Status = email.String, first.String, last.String, dept.String, status.String
		rec.CurrentStep, rec.ExamStatusName, rec.Error = step.String, examStatus.String, recErr.String
		if score.Valid {
			rec.ExamScore = &score.Float64
		}
		rec.FirstCompletionDate, rec.LastInteractionDate = keepnetdate.FromString(firstDone.String), keepnetdate.FromString(lastSeen.String)
		r.count(rec.Error)
		r.c.AddTraining(rec, "the database")
	}
	return rows.Err()
}

func (r *dbReader) surveys(ctx context.Context) error {
	answers, err := r.answers(ctx)
	if err != nil {
		return err
	}
	rows, err := r.db.QueryContext(ctx, `SELECT enrollment_id, target_user_id, email, first_name, last_name, department, status,
  last_interaction_text, interactions_json, error
FROM survey_users WHERE company_id = $1 AND gone_in_sync IS NULL ORDER BY enrollment_id, target_user_id`, r.co.ID)
	if err != nil {
		return err
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	for rows.Next() {
		var rec workflows.SurveyRecord
		var email, first, last, dept, status, lastSeen, interactions, recErr sql.NullString
		if err := rows.Scan(&rec.EnrollmentID, &rec.TargetUserResourceID, &email, &first, &last, &dept, &status,
			&lastSeen, &interactions, &recErr); err != nil {
			return err
		}
		e, ok := r.inPeriod[rec.EnrollmentID]
		if !ok || e.kind != "survey" {
			continue
		}
		rec.CompanyID, rec.CompanyName, rec.EnrollmentName = r.co.ID, r.co.Name, e.name
		rec.Email, rec.FirstName, rec.LastName, rec.Department, rec.Status = email.String, first.String, last.String, dept.String, status.String
		rec.LastInteractionDate, rec.Error = keepnetdate.FromString(lastSeen.String), recErr.String
		if interactions.Valid {
			// The timeline is not counted; a bad one only loses itself.
			_ = json.Unmarshal([]byte(interactions.String), &rec.Interactions)
		}
		rec.Answers = answers[rec.EnrollmentID+"\x00"+rec.TargetUserResourceID]
		if rec.Answers == nil {
			rec.Answers = []workflows.Answer{}
		}
		r.count(rec.Error)
		r.c.AddSurvey(rec, "the database")
	}
	return rows.Err()
}

// answers reads the company's survey answers, by enrollment and user, in
// each user's question order.
func (r *dbReader) answers(ctx context.Context) (map[string][]workflows.Answer, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT enrollment_id, target_user_id, question_id, question_index, question, answer,
  answer_code, latency_seconds, options_json
FROM survey_answers WHERE company_id = $1 ORDER BY enrollment_id, target_user_id, question_index, question_id`, r.co.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	out := map[string][]workflows.Answer{}
	for rows.Next() {
		var enrollment, user string
		var a workflows.Answer
		var index sql.NullInt64
		var question, answer, code, options sql.NullString
		var latency sql.NullFloat64
		if err := rows.Scan(&enrollment, &user, &a.QuestionID, &index, &question, &answer, &code, &latency, &options); err != nil {
			return nil, err
		}
		if _, ok := r.inPeriod[enrollment]; !ok {
			continue
		}
		if index.Valid {
			i := int(index.Int64)
			a.QuestionIndex = &i
		}
		if latency.Valid {
			a.LatencySeconds = &latency.Float64
		}
		a.Question, a.Answer, a.AnswerCode = question.String, answer.String, code.String
		if options.Valid {
			if err := json.Unmarshal([]byte(options.String), &a.Options); err != nil {
				return nil, fmt.Errorf("survey answer %s of user %s: its options are not a JSON list: %w", a.QuestionID, user, err)
			}
		}
		k := enrollment + "\x00" + user
		out[k] = append(out[k], a)
	}
	return out, rows.Err()
}

type dbJob struct {
	name, campaign string
	start          keepnetdate.Time
	test           bool
}

func (r *dbReader) jobs(ctx context.Context) error {
	jobs, err := r.jobsInPeriod(ctx)
	if err != nil {
		return err
	}
	rows, err := r.db.QueryContext(ctx, `SELECT channel, campaign_id, instance_group, user_row_id, email, first_name, last_name,
  department, phone_number, status, delivery, scenario, target_groups, activity_type, system_activity_type,
  opened_count, clicked_count, submitted_count, attachment_opened_count, reported_count, mfa_submitted_count, error
FROM phishing_job_users WHERE company_id = $1 AND gone_in_sync IS NULL
ORDER BY channel, campaign_id, instance_group, user_row_id`, r.co.ID)
	if err != nil {
		return err
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	for rows.Next() {
		var rec workflows.PhishingRecord
		var channel string
		var email, first, last, dept, phone, status, delivery, scenario, groups, activity, system, recErr sql.NullString
		var opened, clicked, submitted, attachment, reported, mfa sql.NullInt64
		if err := rows.Scan(&channel, &rec.CampaignID, &rec.InstanceGroup, &rec.ResourceID, &email, &first, &last,
			&dept, &phone, &status, &delivery, &scenario, &groups, &activity, &system,
			&opened, &clicked, &submitted, &attachment, &reported, &mfa, &recErr); err != nil {
			return err
		}
		rec.Channel = workflows.Channel(channel)
		j, ok := jobs[channel+"\x00"+jobKey(rec)]
		if !ok {
			continue
		}
		rec.CompanyID, rec.CompanyName = r.co.ID, r.co.Name
		rec.CampaignName, rec.JobStartDate, rec.Test = j.campaign, j.start, j.test
		rec.Email, rec.FirstName, rec.LastName, rec.Department, rec.PhoneNumber = email.String, first.String, last.String, dept.String, phone.String
		rec.Status, rec.Delivery, rec.Scenario, rec.TargetGroups = status.String, delivery.String, scenario.String, groups.String
		rec.ActivityType, rec.SystemActivityType, rec.Error = activity.String, system.String, recErr.String
		rec.OpenedCount, rec.ClickedCount, rec.SubmittedCount = intOf(opened), intOf(clicked), intOf(submitted)
		rec.AttachmentOpenedCount, rec.ReportedCount, rec.MFASubmittedCount = intOf(attachment), intOf(reported), intOf(mfa)
		r.count(rec.Error)
		r.c.AddPhishing(rec, "the database")
	}
	return rows.Err()
}

// jobsInPeriod finds the company's jobs that started in the period, by
// channel and "campaignID/instanceGroup".
func (r *dbReader) jobsInPeriod(ctx context.Context) (map[string]dbJob, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT j.channel, j.campaign_id, j.instance_group, j.name, j.start_text,
  j.complete_in_sync, j.last_error, c.name, c.exclude_from_reports
FROM phishing_jobs j LEFT JOIN phishing_campaigns c ON c.company_id = j.company_id AND c.channel = j.channel AND c.id = j.campaign_id
WHERE j.company_id = $1 AND j.gone_in_sync IS NULL`, r.co.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close() //nolint:errcheck // rows.Err says what went wrong
	out := map[string]dbJob{}
	for rows.Next() {
		var channel, campaign string
		var run int
		var name, start, lastErr, campaignName sql.NullString
		var complete sql.NullInt64
		var test sql.NullBool
		if err := rows.Scan(&channel, &campaign, &run, &name, &start, &complete, &lastErr, &campaignName, &test); err != nil {
			return nil, err
		}
		j := dbJob{name: name.String, campaign: campaignName.String, start: keepnetdate.FromString(start.String), test: test.Bool}
		if j.campaign == "" {
			j.campaign = j.name
		}
		key := fmt.Sprintf("%s/%d", campaign, run)
		what := fmt.Sprintf("%s job %s of campaign %q", channel, key, j.campaign)
		in, err := r.p.place(j.start, r.co.order)
		switch {
		case err != nil:
			r.c.Problem(r.co.Company, fmt.Sprintf("%s is left out: %v", what, err))
			continue
		case !in:
			continue
		}
		out[channel+"\x00"+key] = j
		if !j.test {
			r.incomplete(what, complete, lastErr)
		}
	}
	return out, rows.Err()
}

func (r *dbReader) count(recErr string) {
	r.stats.Records++
	if recErr != "" {
		r.stats.Incomplete++
	}
}

func intOf(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}
