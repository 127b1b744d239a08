package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/pull"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// trainingSource is one training enrollment as the pull reads it: its
// users/search listing, each row a record, and the summary's counts checked
// against the rows once they are all listed.
type trainingSource struct {
	scope *keepnet.ScopedClient
	src   *Source
	reuse func(TrainingRecord) (TrainingRecord, bool)

	// base is what every record of the enrollment shares.
	base TrainingRecord
	// tally counts the listed rows by status; only the listing's
	// goroutine touches it.
	tally map[string]int64
	rows  int64
}

// traineeRow is a users/search row of a training enrollment as the pull
// reads it: a survey's row and the training's results.
type traineeRow struct {
	TargetUserResourceID string           `json:"targetUserResourceId"`
	Email                string           `json:"email"`
	FirstName            string           `json:"firstName"`
	LastName             string           `json:"lastName"`
	Department           string           `json:"department"`
	Status               string           `json:"status"`
	CurrentStep          string           `json:"currentStep"`
	ExamScore            *float64         `json:"examScore"`
	ExamStatusName       string           `json:"examStatusName"`
	FirstCompletionDate  keepnetdate.Time `json:"firstCompletionDate"`
	LastInteractionDate  keepnetdate.Time `json:"lastInteractionDate"`

	problem string
}

func (t *trainingSource) run() pull.Source[TrainingRecord] {
	t.base = TrainingRecord{
		CompanyID: t.src.Company.ID, CompanyName: t.src.Company.Name,
		EnrollmentID: t.src.ID, EnrollmentName: t.src.Name, EnrollmentType: t.src.Type,
		StartDate: t.src.StartDate, DueDate: t.dueDate(),
	}
	return pull.Source[TrainingRecord]{
		Tasks: t.tasks,
		Size:  trainingRecordSize,
		Total: t.src.Total,
	}
}

func (t *trainingSource) tasks(ctx context.Context, do pull.Do) iter.Seq2[pull.Task[TrainingRecord], error] {
	t.tally, t.rows = map[string]int64{}, 0
	users := enrollmentUsers(t.scope, t.src, do, func(r traineeRow) string { return r.TargetUserResourceID },
		func(r traineeRow, problem string) traineeRow {
			r.problem = problem
			return r
		})
	return listedTasks(ctx, users, t.task, t.checkSummary)
}

func (t *trainingSource) task(row traineeRow) pull.Task[TrainingRecord] {
	t.rows++
	t.tally[strings.ToLower(strings.TrimSpace(row.Status))]++
	rec := t.base
	rec.TargetUserResourceID = row.TargetUserResourceID
	rec.Email, rec.FirstName, rec.LastName, rec.Department = row.Email, row.FirstName, row.LastName, row.Department
	rec.Status, rec.CurrentStep, rec.ExamScore, rec.ExamStatusName = row.Status, row.CurrentStep, row.ExamScore, row.ExamStatusName
	rec.FirstCompletionDate, rec.LastInteractionDate = row.FirstCompletionDate, row.LastInteractionDate
	var errs []error
	if row.problem != "" {
		errs = append(errs, fmt.Errorf("users/search: %s", row.problem))
	}
	if row.TargetUserResourceID == "" {
		errs = append(errs, errNoUserID)
	} else if t.reuse != nil {
		if known, ok := t.reuse(rec); ok {
			return pull.Task[TrainingRecord]{Record: known}
		}
	}
	if err := errors.Join(errs...); err != nil {
		rec.Error = err.Error()
	}
	return pull.Task[TrainingRecord]{Record: rec}
}

// dueDate is the enrollment's due date (see dueDateOf). One that cannot
// be read is a notice, not every record's error.
func (t *trainingSource) dueDate() keepnetdate.Time {
	due, problem := dueDateOf(t.src.Details)
	if problem != "" {
		t.src.notice("%s", problem)
	}
	return due
}

// dueDateOf is enrollmentScheduler.dueDate of an enrollment's details: the
// search and the summary do not carry it. problem says why it could not
// be read, if it could not.
func dueDateOf(details json.RawMessage) (due keepnetdate.Time, problem string) {
	var d struct {
		EnrollmentScheduler *struct {
			DueDate keepnetdate.Time `json:"dueDate"`
		} `json:"enrollmentScheduler"`
	}
	report, err := keepnet.Decode(details, &d)
	switch {
	case err != nil:
		return due, fmt.Sprintf("its details could not be read for the due date: %v", err)
	case !report.OK():
		return due, "its due date could not be read: " + wire.ProblemText(report.Problems)
	case d.EnrollmentScheduler != nil:
		return d.EnrollmentScheduler.DueDate, ""
	}
	return due, ""
}

// trainingSummary is what the training summary says of its users.
type trainingSummary struct {
	CompletedCount  *int64 `json:"completedCount"`
	InProgressCount *int64 `json:"inProgressCount"`
	ReportDetail    *struct {
		TotalTargetUserCount *int64 `json:"totalTargetUserCount"`
		NoResponseCount      *int64 `json:"noResponseCount"`
	} `json:"reportDetail"`
}

// checkSummary compares the summary's counts with the users listed, once
// the listing is whole, and says where they disagree. The summary is read
// before the users, so users who progressed meanwhile make a difference
// too: it is a notice, and the records stand. Only the counts whose
// meaning is documented are compared (docs/api-behaviour.md); the exam
// counts are not.
func (t *trainingSource) checkSummary() {
	var s trainingSummary
	if _, err := keepnet.Decode(t.src.Summary, &s); err != nil {
		return // FetchData has made sure it is a JSON object
	}
	type count struct {
		what    string
		summary *int64
		listed  int64
	}
	counts := []count{
		{"completed", s.CompletedCount, t.tally["completed"]},
		{"in progress", s.InProgressCount, t.tally["in progress"]},
	}
	if d := s.ReportDetail; d != nil {
		counts = append(counts, count{"not responded", d.NoResponseCount, t.tally["not responded"]},
			count{"target users", d.TotalTargetUserCount, t.rows})
	}
	var said, listed []string
	for _, c := range counts {
		if c.summary != nil && *c.summary != c.listed {
			said = append(said, fmt.Sprintf("%d %s", *c.summary, c.what))
			listed = append(listed, fmt.Sprintf("%d %s", c.listed, c.what))
		}
	}
	if len(said) > 0 {
		t.src.notice("its summary counts %s, but the users listed show %s (the summary was read before the users; users who progressed meanwhile also make a difference)",
			strings.Join(said, ", "), strings.Join(listed, ", "))
	}
}

// trainingRecordSize estimates the bytes a record holds.
func trainingRecordSize(r *TrainingRecord) int64 {
	return int64(320 + len(r.CompanyName) + len(r.EnrollmentName) + len(r.Email) + len(r.FirstName) + len(r.LastName) + len(r.Department) + len(r.Error))
}
