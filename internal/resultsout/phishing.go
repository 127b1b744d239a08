package resultsout

import (
	"strconv"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Phishing writes workflows.PhishingRecord, of any channel; csv-wide puts
// the times of its events (PhishingRequest.Events) in columns.
var Phishing = &Kind[workflows.PhishingRecord]{
	Company: func(r *workflows.PhishingRecord) string { return r.CompanyID },
	Dates: func(r *workflows.PhishingRecord) []keepnetdate.Time {
		d := phishingDates(r)
		for _, e := range r.Events {
			d = append(d, e.Time)
		}
		return d
	},
	JSON: func(r *workflows.PhishingRecord, iso ISO) any {
		j := phishingJSON{PhishingRecord: r}
		fields := j.isoFields()
		for i, t := range phishingDates(r) {
			*fields[i] = iso(t)
		}
		if r.Events != nil {
			j.Events = make([]eventJSON, len(r.Events))
			for i, e := range r.Events {
				j.Events[i] = eventJSON{Interaction: e, TimeISO: iso(e.Time)}
			}
		}
		return j
	},
	Columns: []string{
		"companyId", "companyName", "channel", "campaignId", "campaignName", "instanceGroup", "jobStartDate", "test",
		"scenario", "targetGroups", "resourceId", "email", "firstName", "lastName", "department", "phoneNumber",
		"status", "delivery", "lastSendingTime",
		"openedCount", "lastOpenedTime", "clickedCount", "lastClickedTime", "submittedCount", "lastSubmittedTime",
		"attachmentOpenedCount", "lastAttachmentOpenedTime", "reportedCount", "lastReportedTime",
		"mfaSubmittedCount", "lastMfaSubmittedTime", "replyType", "replySent",
		"activityType", "systemActivityType", "error",
		"jobStartDateIso", "lastSendingTimeIso", "lastOpenedTimeIso", "lastClickedTimeIso", "lastSubmittedTimeIso",
		"lastAttachmentOpenedTimeIso", "lastReportedTimeIso", "lastMfaSubmittedTimeIso", "replySentIso",
	},
	Row: func(r *workflows.PhishingRecord, iso ISO) []string {
		row := []string{
			r.CompanyID, r.CompanyName, string(r.Channel), r.CampaignID, r.CampaignName, strconv.Itoa(r.InstanceGroup), r.JobStartDate.String(), strconv.FormatBool(r.Test),
			r.Scenario, r.TargetGroups, r.ResourceID, r.Email, r.FirstName, r.LastName, r.Department, r.PhoneNumber,
			r.Status, r.Delivery, r.LastSendingTime.String(),
			count(r.OpenedCount), r.LastOpenedTime.String(), count(r.ClickedCount), r.LastClickedTime.String(), count(r.SubmittedCount), r.LastSubmittedTime.String(),
			count(r.AttachmentOpenedCount), r.LastAttachmentOpenedTime.String(), count(r.ReportedCount), r.LastReportedTime.String(),
			count(r.MFASubmittedCount), r.LastMFASubmittedTime.String(), r.ReplyType, r.ReplySent.String(),
			r.ActivityType, r.SystemActivityType, r.Error,
		}
		for _, t := range phishingDates(r) {
			row = append(row, iso(t))
		}
		return row
	},
	Events: func(r *workflows.PhishingRecord) []workflows.Interaction { return r.Events },
	// The channel's order, as the records list them.
	EventOrder: []string{"opened", "clicked", "submitted", "attachment-opened", "reported", "replied", "mfa-submitted"},
	// The sheet is csv's: the events' times are csv-wide's alone.
	XLSX: &Sheet{Name: "Phishing results", Numbers: []string{"instanceGroup", "openedCount", "clickedCount", "submittedCount",
		"attachmentOpenedCount", "reportedCount", "mfaSubmittedCount"}},
}

// phishingDates are a record's own dates, in the order of their ISO
// columns and of phishingJSON's ISO fields.
func phishingDates(r *workflows.PhishingRecord) []keepnetdate.Time {
	return []keepnetdate.Time{r.JobStartDate, r.LastSendingTime, r.LastOpenedTime, r.LastClickedTime, r.LastSubmittedTime,
		r.LastAttachmentOpenedTime, r.LastReportedTime, r.LastMFASubmittedTime, r.ReplySent}
}

// phishingJSON is a phishing record with its dates' ISO 8601 companions.
type phishingJSON struct {
	*workflows.PhishingRecord
	JobStartDateISO             string      `json:"jobStartDateIso,omitempty"`
	LastSendingTimeISO          string      `json:"lastSendingTimeIso,omitempty"`
	LastOpenedTimeISO           string      `json:"lastOpenedTimeIso,omitempty"`
	LastClickedTimeISO          string      `json:"lastClickedTimeIso,omitempty"`
	LastSubmittedTimeISO        string      `json:"lastSubmittedTimeIso,omitempty"`
	LastAttachmentOpenedTimeISO string      `json:"lastAttachmentOpenedTimeIso,omitempty"`
	LastReportedTimeISO         string      `json:"lastReportedTimeIso,omitempty"`
	LastMFASubmittedTimeISO     string      `json:"lastMfaSubmittedTimeIso,omitempty"`
	ReplySentISO                string      `json:"replySentIso,omitempty"`
	Events                      []eventJSON `json:"events,omitempty"`
}

// isoFields are the ISO fields of phishingDates' dates, in their order.
func (j *phishingJSON) isoFields() []*string {
	return []*string{&j.JobStartDateISO, &j.LastSendingTimeISO, &j.LastOpenedTimeISO, &j.LastClickedTimeISO, &j.LastSubmittedTimeISO,
		&j.LastAttachmentOpenedTimeISO, &j.LastReportedTimeISO, &j.LastMFASubmittedTimeISO, &j.ReplySentISO}
}

type eventJSON struct {
	workflows.Interaction
	TimeISO string `json:"timeIso,omitempty"`
}

// count writes a count, empty where the channel's rows have none.
func count(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}
