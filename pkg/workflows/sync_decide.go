package workflows

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// syncSource is one enrollment or job of a sync: looked up with its
// summary, then, if its users may have changed, its details and users.
type syncSource struct {
	company *companySync
	src     *Source
	// kind is an enrollment's (survey or training) and row its listing
	// row; a job has none, and its row and channel's flow instead.
	kind store.Kind
	row  Enrollment
	job  jobRow
	flow *phishingFlow
	// err is why it could not be read: it is not written.
	err error
	// js is the job's source once opened: its users search's scanner
	// count is the job's.
	js *jobSource
	// change is whether its users are fetched, once the store was asked.
	change *store.Change
}

// readSummary fetches the source's summary, what decides whether its users
// are fetched.
func (s *syncSource) readSummary(ctx context.Context) error {
	if s.flow == nil {
		return readEnrollmentSummary(ctx, s.company.scope, s.src)
	}
	raw, err := s.flow.shape.summaryOf(ctx, s.company.scope, s.job)
	s.src.Summary = raw
	return err
}

// decide records the company's unchanged sources from their summaries and
// its whole listings, and returns the sources whose users are fetched.
func (s *syncRun) decide(ctx context.Context, cs *companySync) ([]*syncSource, error) {
	if cs.err != nil {
		return nil, nil
	}
	var fetch []*syncSource
	for _, src := range cs.sources {
		if src.err != nil {
			cs.failed = append(cs.failed, src.err)
			continue
		}
		ch, err := src.changed(ctx, s.y)
		if err != nil {
			return nil, err
		}
		if ch.Fetch {
			fetch = append(fetch, src)
			continue
		}
		if src.flow == nil {
			err = s.y.EnrollmentUnchanged(ctx, src.enrollment())
		} else {
			err = s.y.JobUnchanged(ctx, src.storeJob())
		}
		if err != nil {
			return nil, err
		}
		cs.unchanged++
	}
	for _, kind := range []store.Kind{store.KindSurvey, store.KindTraining} {
		if ids, ok := cs.listedEnrollments[kind]; ok {
			if err := s.y.ListedEnrollments(ctx, cs.co.ID, kind, ids); err != nil {
				return nil, err
			}
		}
	}
	for _, ch := range s.kinds.channels {
		if keys, ok := cs.listedJobs[ch]; ok {
			if err := s.y.ListedJobs(ctx, cs.co.ID, string(ch), keys); err != nil {
				return nil, err
			}
		}
	}
	return fetch, nil
}

// changed asks the store whether the source's users are fetched, once.
func (s *syncSource) changed(ctx context.Context, y *store.Sync) (store.Change, error) {
	if s.change != nil {
		return *s.change, nil
	}
	var ch store.Change
	var err error
	if s.flow == nil {
		ch, err = y.EnrollmentChanged(ctx, s.enrollment())
	} else {
		ch, err = y.JobChanged(ctx, s.storeJob())
	}
	if err != nil {
		return store.Change{}, err
	}
	s.change = &ch
	return ch, nil
}

// enrollment is the source as the store records an enrollment. Its
// details, and the due date in them, are there once fetched; before, the
// store keeps those it has.
func (s *syncSource) enrollment() store.Enrollment {
	var sum enrollmentSummary
	_, _ = keepnet.Decode(s.src.Summary, &sum) // a JSON object (FetchData); what does not fit stays nil
	e := store.Enrollment{
		Company: s.company.storeCompany(), ID: s.src.ID, Name: s.row.Name, Kind: s.kind, Type: s.row.Type, Status: s.row.Status,
		MarkedAsTest: sum.IsTest, StartDate: keepnetdate.FromString(s.row.StartDate), CreateTime: keepnetdate.FromString(s.row.CreateTime),
		Counts: sum.counts(), Summary: s.src.Summary, Details: s.src.Details, Finished: enrollmentFinished(s.row.Status),
		DateOrder: s.company.dates.Order,
	}
	if e.Details != nil {
		e.DueDate, _ = dueDateOf(e.Details) // a due date that cannot be read is stored as none; the training source says so
	}
	return e
}

// enrollmentSummary is what a sync reads of a survey's or training's
// summary: the counts of users, and its test flag.
type enrollmentSummary struct {
	CompletedCount  *int64 `json:"completedCount"`
	InProgressCount *int64 `json:"inProgressCount"`
	IsTest          *bool  `json:"isTest"`
	ReportDetail    *struct {
		TotalTargetUserCount    *int64 `json:"totalTargetUserCount"`
		EmailDeliveredUserCount *int64 `json:"emailDeliveredUserCount"`
		TotalUserOpenedCount    *int64 `json:"totalUserOpenedCount"`
		NoResponseCount         *int64 `json:"noResponseCount"`
		FailedExamCount         *int64 `json:"failedExamCount"`
	} `json:"reportDetail"`
}

func (s enrollmentSummary) counts() store.EnrollmentCounts {
	c := store.EnrollmentCounts{Completed: s.CompletedCount, InProgress: s.InProgressCount}
	if d := s.ReportDetail; d != nil {
		c.Targeted, c.Delivered, c.Opened = d.TotalTargetUserCount, d.EmailDeliveredUserCount, d.TotalUserOpenedCount
		c.NotResponded, c.FailedExam = d.NoResponseCount, d.FailedExamCount
	}
	return c
}

// enrollmentFinished reports whether an enrollment's status says the
// service is done sending it (docs/api-behaviour.md lists the statuses).
// Its users may still progress: its summary's counts tell that.
func enrollmentFinished(status string) bool {
	return slices.Contains([]string{"finished", "stopped"}, strings.ToLower(strings.TrimSpace(status)))
}

// jobFinished reports whether a job's status says it is over. The
// service's values are not documented: the fake's "Completed" and the
// words a service would use for an end are read as over, anything else
// (running, scheduled, unknown) as not, which only costs a fetch.
func jobFinished(status string) bool {
	return slices.Contains([]string{"completed", "finished", "stopped", "canceled", "cancelled", "expired"}, strings.ToLower(strings.TrimSpace(status)))
}

// storeJob is the source as the store records a job. Its campaign's
// details are there once fetched, and its scanner count once its users
// search has answered; before, the store keeps those it has.
func (s *syncSource) storeJob() store.Job {
	var sum jobSummary
	_, _ = keepnet.Decode(s.src.Summary, &sum) // as in enrollment
	j := store.Job{
		Company: s.company.storeCompany(), Channel: string(s.flow.shape.channel),
		Campaign:      store.Campaign{ID: s.job.campaignID(), Name: s.job.Name, ExcludeFromReports: testFlag(s.src.Details, s.src.Summary)},
		InstanceGroup: s.job.InstanceGroup, Name: s.job.Name, Status: s.job.Status,
		StartDate: s.job.StartDate, CreatedDate: s.job.CreatedDate, Counts: sum.counts(),
		Summary: s.src.Summary, Details: s.src.Details, Finished: jobFinished(s.job.Status), DateOrder: s.company.dates.Order,
	}
	if s.js != nil {
		if n := s.js.sandbox.Load(); n >= 0 {
			j.Counts.ScannerActivity = &n
		}
	}
	return j
}

// jobSummary is what a sync reads of a job's summary: its totals, in
// users, as its report page shows them. Every channel's summary has the
// phishing one's shape.
type jobSummary struct {
	CampaignInfo *struct {
		TotalTargetUserCount       *int64 `json:"totalTargetUserCount"`
		EmailDeliveredUserCount    *int64 `json:"emailDeliveredUserCount"`
		EmailNotDeliveredUserCount *int64 `json:"emailNotDeliveredUserCount"`
	} `json:"campaignInfo"`
	ScenarioStats *struct {
		OpenedEmail           *int64 `json:"openedEmail"`
		ClickedEmail          *int64 `json:"clickedEmail"`
		SubmittedEmail        *int64 `json:"submittedEmail"`
		AttachmentOpenedEmail *int64 `json:"attachmentOpenedEmail"`
		ReportedEmail         *int64 `json:"reportedEmail"`
		NoResponseEmail       *int64 `json:"noResponseEmail"`
		NotDelivered          *int64 `json:"notDelivered"`
		MFA                   *int64 `json:"mfa"`
	} `json:"scenarioStats"`
}

func (s jobSummary) counts() store.JobCounts {
	var c store.JobCounts
	if i := s.CampaignInfo; i != nil {
		c.Targeted, c.Delivered, c.NotDelivered = i.TotalTargetUserCount, i.EmailDeliveredUserCount, i.EmailNotDeliveredUserCount
	}
	if st := s.ScenarioStats; st != nil {
		c.Opened, c.Clicked, c.Submitted, c.AttachmentOpened = st.OpenedEmail, st.ClickedEmail, st.SubmittedEmail, st.AttachmentOpenedEmail
		c.Reported, c.NoResponse, c.MFASubmitted = st.ReportedEmail, st.NoResponseEmail, st.MFA
		if c.NotDelivered == nil {
			c.NotDelivered = st.NotDelivered
		}
	}
	return c
}

// testFlag is a job's campaign's test flag (excludeFromReports) from its
// details or its summary's settings (see markedAsTest): set when either
// says so, false when one says it is not, nil when neither tells.
func testFlag(details, summary json.RawMessage) *bool {
	var d struct {
		ExcludeFromReports *bool `json:"excludeFromReports"`
	}
	var s struct {
		Settings *struct {
			ExcludeFromReports *bool `json:"excludeFromReports"`
		} `json:"settings"`
	}
	if details != nil {
		_, _ = keepnet.Decode(details, &d) // as in enrollment
	}
	_, _ = keepnet.Decode(summary, &s)
	known := d.ExcludeFromReports != nil || s.Settings != nil && s.Settings.ExcludeFromReports != nil
	if !known {
		return nil
	}
	test := markedAsTest(details, summary)
	return &test
}
