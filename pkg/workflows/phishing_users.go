package workflows

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/internal/paging"
	"github.com/keepnet-flow/keepnet-flow/internal/pull"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// jobSource is one simulation job as the pull reads it: its All users
// search, each row a record, and with Events each user's event searches.
type jobSource struct {
	flow  *phishingFlow
	scope *keepnet.ScopedClient
	src   *Source
	row   jobRow
	test  bool

	base PhishingRecord
	// sandbox is the largest totalSandBoxActivityCount a page gave.
	sandbox atomic.Int64
}

// simUserRow is a job users search row as the pull reads it, in every
// channel's view: members a channel's view lacks stay empty.
type simUserRow struct {
	ResourceID           string           `json:"resourceId"`
	FirstName            string           `json:"firstName"`
	LastName             string           `json:"lastName"`
	Email                string           `json:"email"`
	Department           string           `json:"department"`
	PhoneNumber          string           `json:"phoneNumber"`
	PhishingScenarioName string           `json:"phishingScenarioName"`
	SmishingScenarioName string           `json:"smishingScenarioName"`
	QuishingScenarioName string           `json:"quishingScenarioName"`
	TargetGroups         string           `json:"targetGroups"`
	Status               string           `json:"status"`
	EmailDelivery        string           `json:"emailDelivery"`
	SMSDelivery          string           `json:"smsDelivery"`
	LastSendingTime      keepnetdate.Time `json:"lastSendingTime"`

	OpenedCount              *int             `json:"openedCount"`
	LastOpenedTime           keepnetdate.Time `json:"lastOpenedTime"`
	ClickedCount             *int             `json:"clickedCount"`
	LastClickedTime          keepnetdate.Time `json:"lastClickedTime"`
	SubmittedCount           *int             `json:"submittedCount"`
	LastSubmittedTime        keepnetdate.Time `json:"lastSubmittedTime"`
	AttachmentOpenedCount    *int             `json:"attachmentOpenedCount"`
	LastAttachmentOpenedTime keepnetdate.Time `json:"lastAttachmentOpenedTime"`
	ReportedCount            *int             `json:"reportedCount"`
	LastReportedTime         keepnetdate.Time `json:"lastReportedTime"`
	MFASubmittedCount        *int             `json:"mfaSubmittedCount"`
	MFALastSubmittedTime     keepnetdate.Time `json:"mfaLastSubmittedTime"`
	ReplyType                string           `json:"replyType"`
	ReplySent                keepnetdate.Time `json:"replySent"`
	ActivityType             string           `json:"activityType"`
	SystemActivityType       string           `json:"systemActivityType"`

	problem string
}

// errNoRowID marks a job users row that cannot be followed up.
var errNoRowID = errors.New("the job's users search returned this row without a resourceId")

func (j *jobSource) run() pull.Source[PhishingRecord] {
	j.sandbox.Store(-1)
	j.base = PhishingRecord{
		CompanyID: j.src.Company.ID, CompanyName: j.src.Company.Name, Channel: j.flow.shape.channel,
		CampaignID: j.row.campaignID(), CampaignName: j.row.Name, InstanceGroup: j.row.InstanceGroup,
		JobStartDate: j.row.StartDate, Test: j.test,
	}
	return pull.Source[PhishingRecord]{Tasks: j.tasks, Size: phishingRecordSize, Total: j.src.Total}
}

func (j *jobSource) tasks(ctx context.Context, do pull.Do) iter.Seq2[pull.Task[PhishingRecord], error] {
	users := paging.Listing[simUserRow]{
		Name:     fmt.Sprintf("%s/All/search of job %s", j.flow.shape.prefix, j.src.ID),
		PageSize: usersPageSize,
		ID:       func(r simUserRow) string { return r.ResourceID },
		Fetch:    onPool(do, j.src, j.usersPage),
	}
	return listedTasks(ctx, users, j.task, j.sayScanners)
}

// jobUsersPage is a job users search page: a search page with the count of
// scanner activity beside its rows.
type jobUsersPage struct {
	Data *struct {
		TotalNumberOfRecords      *int64        `json:"totalNumberOfRecords"`
		Results                   *[]simUserRow `json:"results"`
		TotalSandBoxActivityCount *int64        `json:"totalSandBoxActivityCount"`
	} `json:"data"`
}

// search is the page as wire reads every search page.
func (p *jobUsersPage) search() *wire.SearchPage[simUserRow] {
	sp := &wire.SearchPage[simUserRow]{}
	if p.Data != nil {
		sp.Data = &struct {
			TotalNumberOfRecords *int64        `json:"totalNumberOfRecords"`
			Results              *[]simUserRow `json:"results"`
		}{p.Data.TotalNumberOfRecords, p.Data.Results}
	}
	return sp
}

// usersPage fetches a page of the job's All search: the service refuses
// Submitted, and every other type is a subset of All.
func (j *jobSource) usersPage(ctx context.Context, page, size int) (paging.Page[simUserRow], error) {
	body := simBody(page, size, "Email")
	answer, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return j.flow.shape.searchUsers(ctx, j.scope.API(), "All", j.row.campaignID(), int32(j.row.InstanceGroup), bytes.NewReader(body))
	}, func(p *jobUsersPage, r *keepnet.DecodeReport) error { return wire.CheckSearchPage(p.search(), r) })
	if err != nil {
		return paging.Page[simUserRow]{}, err
	}
	if n := answer.Data.TotalSandBoxActivityCount; n != nil && *n > j.sandbox.Load() {
		j.sandbox.Store(*n)
	}
	sp := answer.search()
	rows, problems := sp.Rows(report)
	for i := range rows {
		rows[i].problem = problems[i]
	}
	return paging.Page[simUserRow]{Rows: rows, Total: sp.Total()}, nil
}

// sayScanners tells, once the users are listed, how many the service
// counts as a scanner's activity: records of smishing, whose rows carry no
// systemActivityType, say it no other way.
func (j *jobSource) sayScanners() {
	if n := j.sandbox.Load(); n > 0 {
		j.src.notice("the service counts %d of its users' activity as a scanner's, not a person's (totalSandBoxActivityCount); records say whose in activityType and systemActivityType", n)
	}
}

func (j *jobSource) task(row simUserRow) pull.Task[PhishingRecord] {
	rec := j.base
	rec.ResourceID, rec.FirstName, rec.LastName, rec.Email = row.ResourceID, row.FirstName, row.LastName, row.Email
	rec.Department, rec.PhoneNumber, rec.Status = row.Department, row.PhoneNumber, row.Status
	rec.Scenario = cmp.Or(row.PhishingScenarioName, row.SmishingScenarioName, row.QuishingScenarioName)
	rec.TargetGroups, rec.Delivery, rec.LastSendingTime = row.TargetGroups, cmp.Or(row.EmailDelivery, row.SMSDelivery), row.LastSendingTime
	rec.OpenedCount, rec.LastOpenedTime = row.OpenedCount, row.LastOpenedTime
	rec.ClickedCount, rec.LastClickedTime = row.ClickedCount, row.LastClickedTime
	rec.SubmittedCount, rec.LastSubmittedTime = row.SubmittedCount, row.LastSubmittedTime
	rec.AttachmentOpenedCount, rec.LastAttachmentOpenedTime = row.AttachmentOpenedCount, row.LastAttachmentOpenedTime
	rec.ReportedCount, rec.LastReportedTime = row.ReportedCount, row.LastReportedTime
	rec.MFASubmittedCount, rec.LastMFASubmittedTime = row.MFASubmittedCount, row.MFALastSubmittedTime
	rec.ReplyType, rec.ReplySent = row.ReplyType, row.ReplySent
	rec.ActivityType, rec.SystemActivityType = row.ActivityType, row.SystemActivityType

	var rowErr error
	if row.problem != "" {
		rowErr = fmt.Errorf("users search: %s", row.problem)
	}
	id := row.ResourceID
	if id == "" {
		rec.Error = errors.Join(rowErr, errNoRowID).Error()
		return pull.Task[PhishingRecord]{Record: rec}
	}
	if reuse := j.flow.req.Reuse; reuse != nil {
		if known, ok := reuse(rec); ok {
			return pull.Task[PhishingRecord]{Record: known}
		}
	}
	var searches []eventSearch
	if j.flow.req.Events {
		for _, es := range j.flow.shape.events {
			if es.has(&row) {
				searches = append(searches, es)
			}
		}
	}
	if len(searches) == 0 {
		if rowErr != nil {
			rec.Error = rowErr.Error()
		}
		return pull.Task[PhishingRecord]{Record: rec}
	}
	// Steps run side by side and write fields of their own: each kind's
	// events land in its own part, joined in the channel's order at the end.
	parts := make([][]Interaction, len(searches))
	steps := make([]func(context.Context, *PhishingRecord) error, len(searches))
	for i, es := range searches {
		steps[i] = func(ctx context.Context, _ *PhishingRecord) (err error) {
			parts[i], err = j.events(ctx, es, id)
			return err
		}
	}
	return pull.Task[PhishingRecord]{
		Record: rec,
		Steps:  steps,
		Finish: func(r *PhishingRecord, errs []error) {
			r.Events = []Interaction{}
			for _, p := range parts {
				r.Events = append(r.Events, p...)
			}
			if err := errors.Join(append([]error{rowErr}, errs...)...); err != nil {
				r.Error = err.Error()
			}
		},
	}
}

// phishingRecordSize estimates the bytes a record holds.
func phishingRecordSize(r *PhishingRecord) int64 {
	n := 640 + len(r.CompanyName) + len(r.CampaignName) + len(r.Scenario) + len(r.TargetGroups) + len(r.Email) +
		len(r.FirstName) + len(r.LastName) + len(r.Department) + len(r.Error)
	return int64(n + 96*len(r.Events))
}

// simEventRow is a per-user event search row, in every kind's view: the
// view's one time is in the member named for its kind.
type simEventRow struct {
	ResourceID         string           `json:"resourceId"`
	OpenedTime         keepnetdate.Time `json:"openedTime"`
	ClickedTime        keepnetdate.Time `json:"clickedTime"`
	SubmittedTime      keepnetdate.Time `json:"submittedTime"`
	ReportedTime       keepnetdate.Time `json:"reportedTime"`
	ReplySent          keepnetdate.Time `json:"replySent"`
	ActivityType       string           `json:"activityType"`
	SystemActivityType string           `json:"systemActivityType"`

	problem string
}

func (e simEventRow) time() keepnetdate.Time {
	for _, t := range []keepnetdate.Time{e.OpenedTime, e.ClickedTime, e.SubmittedTime, e.ReportedTime, e.ReplySent} {
		if !t.IsZero() {
			return t
		}
	}
	return keepnetdate.Time{}
}

// eventsAnswer is a per-user event search's answer. The fake, and what a
// search body and a user with several opens call for, is a search page;
// the spec describes one event object as data. Both are read.
type eventsAnswer struct {
	Data *struct {
		TotalNumberOfRecords *int64         `json:"totalNumberOfRecords"`
		Results              *[]simEventRow `json:"results"`
		simEventRow
	} `json:"data"`
}

// events lists one kind of a user's events, whole, by the user's row
// resourceId (the campaign's ID there is answered 404).
func (j *jobSource) events(ctx context.Context, es eventSearch, rowID string) ([]Interaction, error) {
	listing := paging.Listing[simEventRow]{
		Name:     fmt.Sprintf("%s events of user row %q", es.kind, rowID),
		PageSize: usersPageSize,
		ID:       func(e simEventRow) string { return e.ResourceID },
		Fetch: func(ctx context.Context, page, size int) (paging.Page[simEventRow], error) {
			body := simBody(page, size, "Email")
			answer, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
				return es.search(ctx, j.scope.API(), rowID, bytes.NewReader(body))
			}, checkEvents)
			if err != nil {
				return paging.Page[simEventRow]{}, err
			}
			if answer.Data.Results == nil && page > 1 {
				// One event, not a page: there is no page 2 of it.
				return paging.Page[simEventRow]{Rows: []simEventRow{}, Total: 1}, nil
			}
			return eventsPage(answer, report), nil
		},
	}
	rows, err := listAll(ctx, listing)
	if err != nil {
		return []Interaction{}, fmt.Errorf("%s events of user row %q: %w", es.kind, rowID, err)
	}
	out := make([]Interaction, 0, len(rows))
	var problems []error
	for _, r := range rows {
		if r.problem != "" {
			problems = append(problems, fmt.Errorf("%s events of user row %q: %s", es.kind, rowID, r.problem))
		}
		out = append(out, Interaction{Event: es.kind, Time: r.time(), ActivityType: r.ActivityType, SystemActivityType: r.SystemActivityType})
	}
	return out, errors.Join(problems...)
}

// checkEvents refuses an answer with neither a page of events nor an
// event: a hollow answer, retried.
func checkEvents(a *eventsAnswer, r *keepnet.DecodeReport) error {
	for _, path := range []string{"data", "data.results"} {
		if prob, bad := r.Problem(path); bad {
			return fmt.Errorf("unusable event search answer: %s", prob)
		}
	}
	switch {
	case a.Data == nil:
		return reqctx.Hollow("the event search answer has no data")
	case a.Data.Results == nil && a.Data.time().IsZero():
		return reqctx.Hollow("the event search answer has neither data.results nor an event")
	}
	return nil
}

// eventsPage is the answer's rows: its page, or its one event.
func eventsPage(a *eventsAnswer, r *keepnet.DecodeReport) paging.Page[simEventRow] {
	if a.Data.Results == nil {
		one := a.Data.simEventRow
		one.problem = wire.ProblemText(r.Within("data"))
		return paging.Page[simEventRow]{Rows: []simEventRow{one}, Total: 1}
	}
	rows := *a.Data.Results
	for i := range rows {
		rows[i].problem = wire.ProblemText(r.Within(fmt.Sprintf("data.results[%d]", i)))
	}
	total := int64(-1)
	if t := a.Data.TotalNumberOfRecords; t != nil && *t >= 0 {
		total = *t
	}
	return paging.Page[simEventRow]{Rows: rows, Total: total}
}
