package workflows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Channel is a simulation channel. Smishing and quishing results follow
// phishing's flow under their own paths, with a few differences of shape
// (docs/api-behaviour.md); one code path serves the three.
type Channel string

// The simulation channels; the zero Channel is phishing.
const (
	ChannelPhishing Channel = "phishing"
	ChannelSmishing Channel = "smishing"
	ChannelQuishing Channel = "quishing"
)

// PhishingRequest selects simulation jobs to pull, from one customer
// company or many: a campaign's runs, or every run started in a window. A
// job is a campaign's run, identified by the campaign's ID and its
// instance group.
type PhishingRequest struct {
	// Companies says which companies (see ResolveCompanies).
	Companies CompanySelection
	// Channel is the simulations' channel; empty means ChannelPhishing.
	Channel Channel
	// Campaigns are campaigns' names or IDs, resolved in every company as
	// enrollments are; every job of each is pulled. A company named must
	// have each of them; with All, a company with none of them is listed
	// in Pull.Skipped. Give Campaigns or a window, not both.
	Campaigns []string
	// Since and Until select every job whose start date falls in [Since,
	// Until) instead, read as TrainingRequest's are.
	Since, Until time.Time
	// IncludeTests pulls jobs of campaigns marked as tests
	// (excludeFromReports), which the vendor's reports leave out and so,
	// by default, does the pull: each company's CompanyOutcome.Notices says
	// what it left out. Without it, a test campaign named in a company
	// named is an *InputError.
	IncludeTests bool
	// Events adds each user's events (opened, clicked, …) with their
	// times, from the per-user event searches: a request per user for each
	// kind of event the user's row counts.
	Events bool
	// Concurrency bounds the requests in flight at once across all the
	// companies. Zero means DefaultConcurrency.
	Concurrency int
	// SpoolDir is where the records of jobs not yet being yielded wait,
	// in files that have no name; empty means os.TempDir().
	SpoolDir string
	// Reuse, when set, supplies the complete record of an earlier run of
	// the same request for the record a job's user row starts (its
	// company, job and user are set): a user it knows is not fetched
	// again, which saves the event requests.
	Reuse func(partial PhishingRecord) (PhishingRecord, bool)
}

// PhishingRecord is one target user's row in a simulation job, with the
// company and job it belongs to. Dates are the server's text (see
// keepnetdate). Counts are null where the channel's rows have none
// (smishing has no opens or attachments).
//
// ActivityType and SystemActivityType are the service's classification of
// who acted: mail gateways and link scanners open messages and follow
// links before anyone reads them, and the service marks such activity,
// with values it does not document. A record's counts include whatever
// the service counted; read them with these fields, never as a person's
// behaviour without saying so.
type PhishingRecord struct {
	CompanyID    string  `json:"companyId"`
	CompanyName  string  `json:"companyName"`
	Channel      Channel `json:"channel"`
	CampaignID   string  `json:"campaignId"`
	CampaignName string  `json:"campaignName"`
	// InstanceGroup is the job's run of the campaign (1, 2, …).
	InstanceGroup int              `json:"instanceGroup"`
	JobStartDate  keepnetdate.Time `json:"jobStartDate"`
	// Test is set for a job of a campaign marked as a test, which only
	// PhishingRequest.IncludeTests pulls.
	Test bool `json:"test,omitempty"`
	// Scenario is the scenario the user was sent; TargetGroups their
	// groups, as the service joins them (phishing rows only).
	Scenario     string `json:"scenario"`
	TargetGroups string `json:"targetGroups,omitempty"`

	// ResourceID is the user's row in this job: the same person has
	// another in every job.
	ResourceID  string `json:"resourceId"`
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	Email       string `json:"email"`
	Department  string `json:"department"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Status      string `json:"status"`
	// Delivery is the row's emailDelivery (smsDelivery for smishing).
	Delivery        string           `json:"delivery"`
	LastSendingTime keepnetdate.Time `json:"lastSendingTime"`

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
	LastMFASubmittedTime     keepnetdate.Time `json:"lastMfaSubmittedTime"`
	// ReplyType and ReplySent say how and when the user replied; the
	// service counts no replies.
	ReplyType string           `json:"replyType,omitempty"`
	ReplySent keepnetdate.Time `json:"replySent"`

	ActivityType       string `json:"activityType,omitempty"`
	SystemActivityType string `json:"systemActivityType,omitempty"`

	// Events are the user's events with PhishingRequest.Events, kind by
	// kind ("opened", "clicked", "submitted", "attachment-opened",
	// "reported", "replied", "mfa-submitted"), each as its search lists
	// them, with the activity fields of the events that have them.
	Events []Interaction `json:"events,omitempty"`
	// Error is set when some of the user's data could not be read or
	// fetched; whatever was is still filled in.
	Error string `json:"error,omitempty"`
}

// OpenPhishingResults resolves the companies and, in each, the jobs the
// request selects, and fetches each job's summary and its campaign's
// details and each company's date format, before any user is fetched. Bad
// input is an *InputError: an unknown or ambiguous company, an ambiguous
// campaign in any company, for a company named one without a campaign
// named (or with a campaign of another channel, or a test one without
// IncludeTests), a bad window or channel.
//
// Each job is one Source, "campaignID/instanceGroup", in the order of the
// job search (by campaign name, then run), its Details the campaign's
// details and its Summary the job's totals as its report page shows them.
// Users come from the job's All search: the service refuses its
// Submitted search, so submitters are the rows that count submissions.
func OpenPhishingResults(ctx context.Context, c *keepnet.Client, req PhishingRequest) (*Pull[PhishingRecord], error) {
	f, err := newPhishingFlow(req)
	if err != nil {
		return nil, err
	}
	p, err := openPull(ctx, c, pullSpec[PhishingRecord]{
		companies:   req.Companies,
		concurrency: req.Concurrency,
		spoolDir:    req.SpoolDir,
		what:        f.what(),
		open: func(ctx context.Context, co Company) (companySources[PhishingRecord], error) {
			return f.open(ctx, c.ForCompany(co.ID), co)
		},
		skip:   noSuch,
		failed: func(r PhishingRecord) bool { return r.Error != "" },
	})
	if err != nil {
		return nil, err
	}
	if err := unmatched(&f.matched, "campaign", string(f.shape.channel)+" campaign", req.Campaigns, req.Companies, p); err != nil {
		return nil, err
	}
	return p, nil
}

// phishingFlow is a PhishingRequest checked, and what its companies'
// lookups share.
type phishingFlow struct {
	req    PhishingRequest
	shape  *channelShape
	window window

	matched matches // the Campaigns some company has
	lookups *semaphore.Weighted
}

func newPhishingFlow(req PhishingRequest) (*phishingFlow, error) {
	f := &phishingFlow{req: req, window: window{req.Since, req.Until}, lookups: lookupLimit(req.Concurrency)}
	f.shape = shapeOf(req.Channel)
	if f.shape == nil {
		return nil, &InputError{Field: "channel", Value: string(req.Channel), Reason: fmt.Sprintf("is not a simulation channel; the channels are %s, %s and %s", ChannelPhishing, ChannelSmishing, ChannelQuishing)}
	}
	switch {
	case len(req.Campaigns) > 0 && f.window.set():
		return nil, &InputError{Field: "campaign", Value: req.Campaigns[0], Reason: "cannot be combined with a window (since, until): name campaigns, or give a window"}
	case len(req.Campaigns) == 0 && !f.window.set():
		return nil, &InputError{Field: "campaign", Reason: "is missing: name campaigns, or give a window (since, until)"}
	}
	for _, q := range req.Campaigns {
		if strings.TrimSpace(q) == "" {
			return nil, &InputError{Field: "campaign", Reason: "is empty; pass a name or ID"}
		}
	}
	if err := f.window.check(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *phishingFlow) what() string {
	if len(f.req.Campaigns) > 0 {
		return fmt.Sprintf("%s campaigns %q", f.shape.channel, f.req.Campaigns)
	}
	return fmt.Sprintf("%s jobs started in the window", f.shape.channel)
}
