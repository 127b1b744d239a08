package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Campaign is a phishing (smishing, quishing) campaign: a job's template.
type Campaign struct {
	ID, Name string
	// ExcludeFromReports is the campaign's test flag; nil when unknown,
	// which keeps the one stored before.
	ExcludeFromReports *bool
}

// Job is one run of a campaign, as the job listing and its summary give it.
type Job struct {
	Company Company
	// Channel is "phishing", "smishing" or "quishing".
	Channel       string
	Campaign      Campaign
	InstanceGroup int
	Name, Status  string
	// StartDate and CreatedDate are as the service sent them.
	StartDate, CreatedDate keepnetdate.Time
	Counts                 JobCounts
	// Summary is the job's summary and Details its campaign's details,
	// the envelopes' data as sent. Details nil keeps those stored before.
	Summary, Details json.RawMessage
	// Finished says the job is over (see EnrollmentChanged).
	Finished bool
	// DateOrder is how the company writes dates.
	DateOrder keepnetdate.Order
}

// Key is the job's key.
func (j Job) Key() JobKey {
	return JobKey{Channel: j.Channel, CampaignID: j.Campaign.ID, InstanceGroup: j.InstanceGroup}
}

// JobCounts are a job's totals, in users; nil where the service gave
// none. ScannerActivity is the users whose activity the service classed
// as a mail scanner's (totalSandBoxActivityCount): the job's users search
// gives it, not its summary, so it is known only when the users are
// fetched. It is no part of the job's fingerprint, and nil keeps the one
// stored before.
type JobCounts struct {
	Targeted, Delivered, NotDelivered, Opened, Clicked, Submitted, AttachmentOpened,
	Reported, MFASubmitted, NoResponse, ScannerActivity *int64
}

// summary are the counts the job's summary gives, which its fingerprint
// condenses.
func (c JobCounts) summary() []*int64 {
	return []*int64{c.Targeted, c.Delivered, c.NotDelivered, c.Opened, c.Clicked, c.Submitted, c.AttachmentOpened,
		c.Reported, c.MFASubmitted, c.NoResponse}
}

// JobUser is one target user's row in a job: counts, last times and the
// service's activity fields, kept as sent.
type JobUser struct {
	// UserRowID is the user's row in this job (resourceId), the key.
	UserRowID, TargetUserID                              string
	Email, FirstName, LastName, Department, PhoneNumber  string
	Status, Delivery, Scenario, TargetGroups             string
	ActivityType, SystemActivityType                     string
	Opened, Clicked, Submitted, AttachmentOpened         *int64
	Reported, MFASubmitted                               *int64
	LastOpened, LastClicked, LastSubmitted               keepnetdate.Time
	LastAttachmentOpened, LastReported, LastMFASubmitted keepnetdate.Time
	LastSending                                          keepnetdate.Time
	ReplyType                                            string
	ReplySent                                            keepnetdate.Time
	Error                                                string
}

var (
	campaignsTable = newTable("phishing_campaigns", []string{"company_id", "channel", "id"}, []string{"first_sync"},
		"company_id", "channel", "id", "name", "exclude_from_reports", "first_sync", "listed_in_sync", "gone_in_sync")
	jobsTable = newTable("phishing_jobs", []string{"company_id", "channel", "campaign_id", "instance_group"}, []string{"first_sync"},
		"company_id", "channel", "campaign_id", "instance_group", "name", "status", "finished", "start_text", "start_at", "created_text", "created_at",
		"targeted", "delivered", "not_delivered", "opened", "clicked", "submitted", "attachment_opened", "reported",
		"mfa_submitted", "no_response", "scanner_activity", "summary_json", "details_json", "fingerprint",
		"first_sync", "listed_in_sync", "gone_in_sync").
		stickyWhenNull(map[string]string{"details_json": "details_json", "scanner_activity": "scanner_activity"})
	jobSummaries = newTable("phishing_job_summaries", []string{"company_id", "channel", "campaign_id", "instance_group", "sync_id"}, nil,
		"company_id", "channel", "campaign_id", "instance_group", "sync_id", "recorded_at", "status",
		"targeted", "delivered", "not_delivered", "opened", "clicked", "submitted", "attachment_opened", "reported",
		"mfa_submitted", "no_response", "scanner_activity", "fingerprint")
	jobUsers = newTable("phishing_job_users", []string{"company_id", "channel", "campaign_id", "instance_group", "user_row_id"}, []string{"first_sync"},
		"company_id", "channel", "campaign_id", "instance_group", "user_row_id", "target_user_id", "email", "first_name", "last_name",
		"department", "phone_number", "status", "delivery", "scenario", "target_groups", "activity_type", "system_activity_type",
		"opened_count", "clicked_count", "submitted_count", "attachment_opened_count", "reported_count", "mfa_submitted_count",
		"last_opened_text", "last_opened_at", "last_clicked_text", "last_clicked_at", "last_submitted_text", "last_submitted_at",
		"last_attachment_opened_text", "last_attachment_opened_at", "last_reported_text", "last_reported_at",
		"last_mfa_submitted_text", "last_mfa_submitted_at", "last_sending_text", "last_sending_at",
		"reply_type", "reply_sent_text", "reply_sent_at", "error", "first_sync", "fetched_in_sync", "gone_in_sync")
)

// campaignUpsert keeps a known name and test flag when a job brings none.
const campaignUpsert = `INSERT INTO phishing_campaigns (company_id, channel, id, name, exclude_from_reports, first_sync, listed_in_sync, gone_in_sync)
VALUES ($1, $2, $3, $4, $5, $6, $6, NULL)
ON CONFLICT (company_id, channel, id) DO UPDATE SET name = COALESCE(excluded.name, phishing_campaigns.name),
  exclude_from_reports = COALESCE(excluded.exclude_from_reports, phishing_campaigns.exclude_from_reports),
  listed_in_sync = excluded.listed_in_sync, gone_in_sync = NULL`

// jobSource describes j to the writers.
func jobSource(j Job, dates *dater) (source, error) {
	switch {
	case j.Company.ID == "" || j.Campaign.ID == "":
		return source{}, errors.New("store: a job needs its company's ID and its campaign's")
	case j.Channel == "":
		return source{}, fmt.Errorf("store: job %s/%d has no channel", j.Campaign.ID, j.InstanceGroup)
	}
	fp, counted := fingerprint(j.Status, j.Counts.summary()...)
	key := []any{clean(j.Company.ID), clean(j.Channel), clean(j.Campaign.ID), int64(j.InstanceGroup)}
	cols := []string{"company_id", "channel", "campaign_id", "instance_group"}
	src := source{
		company: j.Company, what: fmt.Sprintf("%s job %s/%d", j.Channel, j.Campaign.ID, j.InstanceGroup),
		table: jobsTable.name, users: jobUsers.name, keyCols: cols, userCols: cols, key: key,
		fingerprint: fp, counted: counted, finished: j.Finished, dates: [2]keepnetdate.Time{j.StartDate, j.CreatedDate},
	}
	src.upsert = func(ctx context.Context, q querier, y *Sync) error {
		if err := upsertCompany(ctx, q, y, j.Company); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, campaignUpsert, key[0], key[1], key[2], nullText(j.Campaign.Name), nullBool(j.Campaign.ExcludeFromReports), y.id); err != nil {
			return err
		}
		st, sa := dates.cols(j.StartDate)
		ct, ca := dates.cols(j.CreatedDate)
		c := j.Counts
		counts := []any{nullInt(c.Targeted), nullInt(c.Delivered), nullInt(c.NotDelivered), nullInt(c.Opened), nullInt(c.Clicked),
			nullInt(c.Submitted), nullInt(c.AttachmentOpened), nullInt(c.Reported), nullInt(c.MFASubmitted), nullInt(c.NoResponse),
			nullInt(c.ScannerActivity)}
		args := append(append(append([]any{}, key...), nullText(j.Name), nullText(j.Status), j.Finished, st, sa, ct, ca), counts...)
		args = append(args, nullJSON(j.Summary), nullJSON(j.Details), fp, y.id, y.id, nil)
		if _, err := q.ExecContext(ctx, jobsTable.one, args...); err != nil {
			return err
		}
		args = append(append(append([]any{}, key...), y.id, stamp(y.st.now()), nullText(j.Status)), counts...)
		_, err := q.ExecContext(ctx, jobSummaries.one, append(args, fp)...)
		return err
	}
	return src, nil
}

// Job starts writing a job's users (see Writer).
func (y *Sync) Job(ctx context.Context, j Job) (*Writer[JobUser], error) {
	dates := newDater(j.DateOrder)
	src, err := jobSource(j, dates)
	if err != nil {
		return nil, err
	}
	return begin(ctx, y, src, dates, addJobUser, jobUsers)
}

func addJobUser(ctx context.Context, w *Writer[JobUser], u JobUser) error {
	if u.UserRowID == "" {
		return errors.New("a job user without a row ID cannot be stored")
	}
	rid := clean(u.UserRowID)
	if err := w.room(ctx, 0, rid); err != nil {
		return err
	}
	d := w.dates
	vals := make([]any, 0, len(jobUsers.cols))
	vals = append(vals, w.src.key...)
	vals = append(vals, rid, nullText(u.TargetUserID), nullText(u.Email), nullText(u.FirstName), nullText(u.LastName),
		nullText(u.Department), nullText(u.PhoneNumber), nullText(u.Status), nullText(u.Delivery), nullText(u.Scenario),
		nullText(u.TargetGroups), nullText(u.ActivityType), nullText(u.SystemActivityType),
		nullInt(u.Opened), nullInt(u.Clicked), nullInt(u.Submitted), nullInt(u.AttachmentOpened), nullInt(u.Reported), nullInt(u.MFASubmitted))
	for _, t := range u.times() {
		text, at := d.cols(t)
		vals = append(vals, text, at)
	}
	rt, ra := d.cols(u.ReplySent)
	vals = append(vals, nullText(u.ReplyType), rt, ra, nullText(u.Error), w.y.id, w.y.id, nil)
	w.batches[0].add(rid, vals...)
	if u.Error != "" {
		w.failed++
	}
	return nil
}

// times are the user's last times in the order of their columns.
func (u JobUser) times() []keepnetdate.Time {
	return []keepnetdate.Time{u.LastOpened, u.LastClicked, u.LastSubmitted, u.LastAttachmentOpened, u.LastReported, u.LastMFASubmitted, u.LastSending}
}

// JobChanged says whether a re-sync fetches j's users, by the rules of
// EnrollmentChanged.
func (y *Sync) JobChanged(ctx context.Context, j Job) (Change, error) {
	src, err := jobSource(j, newDater(j.DateOrder))
	if err != nil {
		return Change{}, err
	}
	return y.changed(ctx, src)
}

// JobUnchanged records j from its listing and summary without its users
// (see EnrollmentUnchanged).
func (y *Sync) JobUnchanged(ctx context.Context, j Job) error {
	src, err := jobSource(j, newDater(j.DateOrder))
	if err != nil {
		return err
	}
	return y.unchanged(ctx, src)
}
