package workflows

import (
	"context"
	"io"
	"net/http"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// channelShape is what differs between the channels' flows: their paths
// (each a generated call) and which events their users have. Everything
// else is one code path. The search bodies are one JSON shape for every
// channel, sent through the generated …WithBody calls: the spec gives each
// channel's searches bodies of their own Go types with the same members.
type channelShape struct {
	channel Channel
	// prefix names the channel's report paths in listings' names and
	// errors, e.g. "phishing-campaign-job-report".
	prefix string

	searchCampaigns func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error)
	getCampaign     func(ctx context.Context, api *gen.ClientWithResponses, id string) (*http.Response, error)
	searchJobs      func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error)
	jobSummary      func(ctx context.Context, api *gen.ClientWithResponses, id string, instanceGroup int32) (*http.Response, error)
	searchUsers     func(ctx context.Context, api *gen.ClientWithResponses, searchType, id string, instanceGroup int32, body io.Reader) (*http.Response, error)
	// events are the per-user event searches, in the order a record
	// lists their events.
	events []eventSearch
}

// eventSearch is one per-user event search of a channel.
type eventSearch struct {
	// kind names the events in records, e.g. "opened".
	kind string
	// has reports whether a user row counts events of this kind: only then
	// is the search sent.
	has func(*simUserRow) bool
	// search is the call; its path takes the user row's resourceId.
	search func(ctx context.Context, api *gen.ClientWithResponses, rowID string, body io.Reader) (*http.Response, error)
}

const jsonType = "application/json"

// The per-kind tests of a row: a count above zero, and for replies (which
// the service does not count) a reply type.
func counted(n func(*simUserRow) *int) func(*simUserRow) bool {
	return func(r *simUserRow) bool { c := n(r); return c != nil && *c > 0 }
}

var (
	hasOpened      = counted(func(r *simUserRow) *int { return r.OpenedCount })
	hasClicked     = counted(func(r *simUserRow) *int { return r.ClickedCount })
	hasSubmitted   = counted(func(r *simUserRow) *int { return r.SubmittedCount })
	hasAttachment  = counted(func(r *simUserRow) *int { return r.AttachmentOpenedCount })
	hasReported    = counted(func(r *simUserRow) *int { return r.ReportedCount })
	hasMFA         = counted(func(r *simUserRow) *int { return r.MFASubmittedCount })
	hasReplied     = func(r *simUserRow) bool { return r.ReplyType != "" || !r.ReplySent.IsZero() }
	phishingShapes = []*channelShape{phishingShape, smishingShape, quishingShape}
)

var phishingShape = &channelShape{
	channel: ChannelPhishing, prefix: "phishing-campaign-job-report",
	searchCampaigns: func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error) {
		return api.PostPhishingSimulatorPhishingCampaignSearchWithBody(ctx, jsonType, body)
	},
	getCampaign: func(ctx context.Context, api *gen.ClientWithResponses, id string) (*http.Response, error) {
		return api.GetPhishingSimulatorPhishingCampaignResourceId(ctx, id)
	},
	searchJobs: func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error) {
		return api.PostPhishingSimulatorPhishingCampaignJobReportSearchWithBody(ctx, jsonType, body)
	},
	jobSummary: func(ctx context.Context, api *gen.ClientWithResponses, id string, ig int32) (*http.Response, error) {
		return api.GetPhishingSimulatorPhishingCampaignJobReportSummaryInstanceGroup(ctx, id, ig)
	},
	searchUsers: func(ctx context.Context, api *gen.ClientWithResponses, searchType, id string, ig int32, body io.Reader) (*http.Response, error) {
		return api.PostPhishingSimulatorPhishingCampaignJobReportSearchInstanceGroupWithBody(ctx, searchType, id, ig, jsonType, body)
	},
	events: []eventSearch{
		{"opened", hasOpened, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimulatorCampaignJobReportSearchEmailOpenedResourceIdWithBody(ctx, id, jsonType, body)
		}},
		{"clicked", hasClicked, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimulatorCampaignJobReportSearchEmailClickedIdWithBody(ctx, id, jsonType, body)
		}},
		{"submitted", hasSubmitted, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimulatorCampaignJobReportSearchEmailSubmittedIdWithBody(ctx, id, jsonType, body)
		}},
		{"attachment-opened", hasAttachment, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimCampaignJobReportSearchEmailOpenedAttachIdWithBody(ctx, id, jsonType, body)
		}},
		{"reported", hasReported, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimulatorCampaignJobReportSearchEmailReportedIdWithBody(ctx, id, jsonType, body)
		}},
		{"replied", hasReplied, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimulatorCampaignJobReportSearchEmailRepliedIdWithBody(ctx, id, jsonType, body)
		}},
		{"mfa-submitted", hasMFA, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostPhishingSimulatorCampaignJobReportSearchMfaSubmittedIdWithBody(ctx, id, jsonType, body)
		}},
	},
}

// smishingShape: no opens, attachments, reports or replies; its
// search-sms-all is not used, as the per-kind searches name their kind.
var smishingShape = &channelShape{
	channel: ChannelSmishing, prefix: "smishing-campaign-job-report",
	searchCampaigns: func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error) {
		return api.PostSmishingSimulatorSmishingCampaignSearchWithBody(ctx, jsonType, body)
	},
	getCampaign: func(ctx context.Context, api *gen.ClientWithResponses, id string) (*http.Response, error) {
		return api.GetSmishingSimulatorSmishingCampaignResourceId(ctx, id)
	},
	searchJobs: func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error) {
		return api.PostSmishingSimulatorSmishingCampaignJobReportSearchWithBody(ctx, jsonType, body)
	},
	jobSummary: func(ctx context.Context, api *gen.ClientWithResponses, id string, ig int32) (*http.Response, error) {
		return api.GetSmishingSimulatorSmishingCampaignJobReportSummaryInstanceGroup(ctx, id, ig)
	},
	searchUsers: func(ctx context.Context, api *gen.ClientWithResponses, searchType, id string, ig int32, body io.Reader) (*http.Response, error) {
		return api.PostSmishingSimulatorSmishingCampaignJobReportSearchInstanceGroupWithBody(ctx, searchType, id, ig, jsonType, body)
	},
	events: []eventSearch{
		{"clicked", hasClicked, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostSmishingSimulatorCampaignJobReportSearchSmsClickedResourceIdWithBody(ctx, id, jsonType, body)
		}},
		{"submitted", hasSubmitted, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostSmishingSimulatorCampaignJobReportSearchSmsSubmittedIdWithBody(ctx, id, jsonType, body)
		}},
		{"mfa-submitted", hasMFA, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostSmishingSimulatorCampaignJobReportSearchMfaSubmittedIdWithBody(ctx, id, jsonType, body)
		}},
	},
}

// quishingShape: no attachments or replies; its search-all is not used,
// as the per-kind searches name their kind.
var quishingShape = &channelShape{
	channel: ChannelQuishing, prefix: "quishing-campaign-job-report",
	searchCampaigns: func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error) {
		return api.PostQuishingSimulatorQuishingCampaignSearchWithBody(ctx, jsonType, body)
	},
	getCampaign: func(ctx context.Context, api *gen.ClientWithResponses, id string) (*http.Response, error) {
		return api.GetQuishingSimulatorQuishingCampaignResourceId(ctx, id)
	},
	searchJobs: func(ctx context.Context, api *gen.ClientWithResponses, body io.Reader) (*http.Response, error) {
		return api.PostQuishingSimulatorQuishingCampaignJobReportSearchWithBody(ctx, jsonType, body)
	},
	jobSummary: func(ctx context.Context, api *gen.ClientWithResponses, id string, ig int32) (*http.Response, error) {
		return api.GetQuishingSimulatorQuishingCampaignJobReportSummaryInstanceGroup(ctx, id, ig)
	},
	searchUsers: func(ctx context.Context, api *gen.ClientWithResponses, searchType, id string, ig int32, body io.Reader) (*http.Response, error) {
		return api.PostQuishingSimulatorQuishingCampaignJobReportSearchInstanceGroupWithBody(ctx, searchType, id, ig, jsonType, body)
	},
	events: []eventSearch{
		{"opened", hasOpened, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostQuishingSimulatorCampaignJobReportSearchEmailOpenedResourceIdWithBody(ctx, id, jsonType, body)
		}},
		{"clicked", hasClicked, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostQuishingSimulatorCampaignJobReportSearchEmailClickedIdWithBody(ctx, id, jsonType, body)
		}},
		{"submitted", hasSubmitted, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostQuishingSimulatorCampaignJobReportSearchEmailSubmittedIdWithBody(ctx, id, jsonType, body)
		}},
		{"reported", hasReported, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostQuishingSimulatorCampaignJobReportSearchEmailReportedIdWithBody(ctx, id, jsonType, body)
		}},
		{"mfa-submitted", hasMFA, func(ctx context.Context, api *gen.ClientWithResponses, id string, body io.Reader) (*http.Response, error) {
			return api.PostQuishingSimulatorCampaignJobReportSearchMfaSubmittedIdWithBody(ctx, id, jsonType, body)
		}},
	},
}

// shapeOf is ch's description (phishing's for the zero Channel), nil for
// a channel there is none of.
func shapeOf(ch Channel) *channelShape {
	if ch == "" {
		return phishingShape
	}
	for _, sh := range phishingShapes {
		if sh.channel == ch {
			return sh
		}
	}
	return nil
}
