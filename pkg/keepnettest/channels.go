package keepnettest

import (
	"net/http"
	"slices"
	"strings"
)

// Routes of the simulation results flow, one set per channel. Smishing and
// quishing follow phishing's flow under their own paths; their per-user
// event searches differ (see the channel descriptions below).
const (
	RoutePhishingCampaignsSearch        = "POST /api/phishing-simulator/phishing-campaign/search"
	RoutePhishingCampaignGet            = "GET /api/phishing-simulator/phishing-campaign/{id}"
	RoutePhishingJobsSearch             = "POST /api/phishing-simulator/phishing-campaign-job-report/search"
	RoutePhishingJobSummary             = "GET /api/phishing-simulator/phishing-campaign-job-report/summary/{id}/{instanceGroup}"
	RoutePhishingJobUsers               = "POST /api/phishing-simulator/phishing-campaign-job-report/{searchType}/search/{id}/{instanceGroup}"
	RoutePhishingJobsExport             = "POST /api/phishing-simulator/phishing-campaign-job-report/search/export"
	RoutePhishingJobUsersExport         = "POST /api/phishing-simulator/phishing-campaign-job-report/{searchType}/search/export/{id}/{instanceGroup}"
	RoutePhishingJobExport              = "GET /api/phishing-simulator/phishing-campaign-job-report/export/{id}/{instanceGroup}"
	RoutePhishingEventsOpened           = "POST /api/phishing-simulator/phishing-campaign-job-report/search-email-opened/{id}"
	RoutePhishingEventsClicked          = "POST /api/phishing-simulator/phishing-campaign-job-report/search-email-clicked/{id}"
	RoutePhishingEventsSubmitted        = "POST /api/phishing-simulator/phishing-campaign-job-report/search-email-submitted/{id}"
	RoutePhishingEventsReported         = "POST /api/phishing-simulator/phishing-campaign-job-report/search-email-reported/{id}"
	RoutePhishingEventsReplied          = "POST /api/phishing-simulator/phishing-campaign-job-report/search-email-replied/{id}"
	RoutePhishingEventsAttachmentOpened = "POST /api/phishing-simulator/phishing-campaign-job-report/search-email-opened-attachment/{id}"
	RoutePhishingEventsMFASubmitted     = "POST /api/phishing-simulator/phishing-campaign-job-report/search-mfa-submitted/{id}"
	RoutePhishingActivityUsers          = "POST /api/phishing-simulator/phishing-campaign-job-report/activity-users/search"

	RouteSmishingCampaignsSearch    = "POST /api/smishing-simulator/smishing-campaign/search"
	RouteSmishingCampaignGet        = "GET /api/smishing-simulator/smishing-campaign/{id}"
	RouteSmishingJobsSearch         = "POST /api/smishing-simulator/smishing-campaign-job-report/search"
	RouteSmishingJobSummary         = "GET /api/smishing-simulator/smishing-campaign-job-report/summary/{id}/{instanceGroup}"
	RouteSmishingJobUsers           = "POST /api/smishing-simulator/smishing-campaign-job-report/{searchType}/search/{id}/{instanceGroup}"
	RouteSmishingJobsExport         = "POST /api/smishing-simulator/smishing-campaign-job-report/search/export"
	RouteSmishingJobUsersExport     = "POST /api/smishing-simulator/smishing-campaign-job-report/{searchType}/search/export/{id}/{instanceGroup}"
	RouteSmishingJobExport          = "GET /api/smishing-simulator/smishing-campaign-job-report/export/{id}/{instanceGroup}"
	RouteSmishingEventsAll          = "POST /api/smishing-simulator/smishing-campaign-job-report/search-sms-all/{id}"
	RouteSmishingEventsClicked      = "POST /api/smishing-simulator/smishing-campaign-job-report/search-sms-clicked/{id}"
	RouteSmishingEventsSubmitted    = "POST /api/smishing-simulator/smishing-campaign-job-report/search-sms-submitted/{id}"
	RouteSmishingEventsMFASubmitted = "POST /api/smishing-simulator/smishing-campaign-job-report/search-mfa-submitted/{id}"

	RouteQuishingCampaignsSearch    = "POST /api/quishing-simulator/quishing-campaign/search"
	RouteQuishingCampaignGet        = "GET /api/quishing-simulator/quishing-campaign/{id}"
	RouteQuishingJobsSearch         = "POST /api/quishing-simulator/quishing-campaign-job-report/search"
	RouteQuishingJobSummary         = "GET /api/quishing-simulator/quishing-campaign-job-report/summary/{id}/{instanceGroup}"
	RouteQuishingJobUsers           = "POST /api/quishing-simulator/quishing-campaign-job-report/{searchType}/search/{id}/{instanceGroup}"
	RouteQuishingJobsExport         = "POST /api/quishing-simulator/quishing-campaign-job-report/search/export"
	RouteQuishingJobUsersExport     = "POST /api/quishing-simulator/quishing-campaign-job-report/{searchType}/search/export/{id}/{instanceGroup}"
	RouteQuishingJobExport          = "GET /api/quishing-simulator/quishing-campaign-job-report/export/{id}/{instanceGroup}"
	RouteQuishingEventsAll          = "POST /api/quishing-simulator/quishing-campaign-job-report/search-all/{id}"
	RouteQuishingEventsOpened       = "POST /api/quishing-simulator/quishing-campaign-job-report/search-email-opened/{id}"
	RouteQuishingEventsClicked      = "POST /api/quishing-simulator/quishing-campaign-job-report/search-email-clicked/{id}"
	RouteQuishingEventsSubmitted    = "POST /api/quishing-simulator/quishing-campaign-job-report/search-email-submitted/{id}"
	RouteQuishingEventsReported     = "POST /api/quishing-simulator/quishing-campaign-job-report/search-email-reported/{id}"
	RouteQuishingEventsMFASubmitted = "POST /api/quishing-simulator/quishing-campaign-job-report/search-mfa-submitted/{id}"
)

// Search types of the job users search. SearchSubmitted is what the vendor
// documents and the service answers 400: submitters are the All rows with
// submittedCount > 0.
const (
	SearchAll              = "All"
	SearchOpened           = "Opened"
	SearchClicked          = "Clicked"
	SearchNoResponse       = "NoResponse"
	SearchReported         = "Reported"
	SearchAttachmentOpened = "AttachmentOpened"
	SearchReplied          = "Replied"
	SearchSubmitted        = "Submitted"
)

// searchKinds maps the search types that select users by one kind of event.
var searchKinds = map[string]EventKind{
	SearchOpened: EventOpened, SearchClicked: EventClicked, SearchReported: EventReported,
	SearchAttachmentOpened: EventAttachmentOpened, SearchReplied: EventReplied,
}

// eventView is the shape of one per-user event search's rows.
type eventView int

const (
	viewOpened    eventView = iota // opened, attachment opened
	viewClicked                    // clicked
	viewSubmitted                  // submitted, MFA submitted
	viewReported
	viewReplied
	viewAll // every event, as smishing's search-sms-all and quishing's search-all
)

// eventRoute is one per-user event search of a channel.
type eventRoute struct {
	route string
	kinds []EventKind // nil: every kind (viewAll)
	view  eventView
}

// channelShape describes what differs between the channels' flows; every
// handler of the flow takes one, so the three channels share one code path.
type channelShape struct {
	channel Channel
	// title starts the channel's error messages, e.g. "Phishing".
	title string
	// campaignIDField names the campaign's ID in job rows and summaries'
	// own fields; scenarioField names the scenario in user rows.
	campaignIDField, scenarioField string
	// deliveredField and deliveryField name the job rows' delivered count
	// and delivery method; deliveryName is the method the fake reports.
	deliveredField, deliveryField, deliveryName string
	// kinds are the events the channel's users can have.
	kinds []EventKind
	// localTwins: user rows and events carry last…TimeToLocalUser twins
	// (quishing's do not); systemActivity: rows carry systemActivityType
	// (smishing's do not); phone: rows carry phoneNumber; rowCounts:
	// event views carry totalRowCount (quishing's); emailExtras: rows
	// carry targetGroups, reply tracking and the preferred language
	// (phishing's; the spec gives the others none of them).
	localTwins, systemActivity, phone, rowCounts, emailExtras bool
	// allDataType names the data-type member of the all-events view.
	allDataType string

	campaignsSearch, campaignGet, jobsSearch, jobSummary string
	jobUsers, jobsExport, jobUsersExport, jobExport      string
	events                                               []eventRoute
}

// has reports whether the channel's users can have events of kind.
func (sh *channelShape) has(kind EventKind) bool { return slices.Contains(sh.kinds, kind) }

// searchType resolves a job users search type as the .NET binder does
// (case-insensitively); ok is false for types the channel does not have.
func (sh *channelShape) searchType(v string) (string, bool) {
	for _, t := range []string{SearchAll, SearchNoResponse} {
		if strings.EqualFold(v, t) {
			return t, true
		}
	}
	for t, kind := range searchKinds {
		if strings.EqualFold(v, t) && sh.has(kind) {
			return t, true
		}
	}
	return "", false
}

var channelShapes = []*channelShape{
	{
		channel: ChannelPhishing, title: "Phishing",
		campaignIDField: "phishingCampaignResourceId", scenarioField: "phishingScenarioName",
		deliveredField: "emailDeliveredUserCount", deliveryField: "emailDelivery", deliveryName: "Keepnet Shared SMTP",
		kinds:      []EventKind{EventOpened, EventClicked, EventSubmitted, EventAttachmentOpened, EventReported, EventReplied, EventMFASubmitted},
		localTwins: true, systemActivity: true, emailExtras: true,
		campaignsSearch: RoutePhishingCampaignsSearch, campaignGet: RoutePhishingCampaignGet,
		jobsSearch: RoutePhishingJobsSearch, jobSummary: RoutePhishingJobSummary, jobUsers: RoutePhishingJobUsers,
		jobsExport: RoutePhishingJobsExport, jobUsersExport: RoutePhishingJobUsersExport, jobExport: RoutePhishingJobExport,
		events: []eventRoute{
			{RoutePhishingEventsOpened, []EventKind{EventOpened}, viewOpened},
			{RoutePhishingEventsClicked, []EventKind{EventClicked}, viewClicked},
			{RoutePhishingEventsSubmitted, []EventKind{EventSubmitted}, viewSubmitted},
			{RoutePhishingEventsReported, []EventKind{EventReported}, viewReported},
			{RoutePhishingEventsReplied, []EventKind{EventReplied}, viewReplied},
			{RoutePhishingEventsAttachmentOpened, []EventKind{EventAttachmentOpened}, viewOpened},
			{RoutePhishingEventsMFASubmitted, []EventKind{EventMFASubmitted}, viewSubmitted},
		},
	},
	{
		channel: ChannelSmishing, title: "Smishing",
		campaignIDField: "smishingCampaignResourceId", scenarioField: "smishingScenarioName",
		deliveredField: "smsDeliveredUserCount", deliveryField: "smsDelivery", deliveryName: "Keepnet SMS Gateway",
		kinds:      []EventKind{EventClicked, EventSubmitted, EventMFASubmitted},
		localTwins: true, phone: true, allDataType: "smishingDataType",
		campaignsSearch: RouteSmishingCampaignsSearch, campaignGet: RouteSmishingCampaignGet,
		jobsSearch: RouteSmishingJobsSearch, jobSummary: RouteSmishingJobSummary, jobUsers: RouteSmishingJobUsers,
		jobsExport: RouteSmishingJobsExport, jobUsersExport: RouteSmishingJobUsersExport, jobExport: RouteSmishingJobExport,
		events: []eventRoute{
			{RouteSmishingEventsAll, nil, viewAll},
			{RouteSmishingEventsClicked, []EventKind{EventClicked}, viewClicked},
			{RouteSmishingEventsSubmitted, []EventKind{EventSubmitted}, viewSubmitted},
			{RouteSmishingEventsMFASubmitted, []EventKind{EventMFASubmitted}, viewSubmitted},
		},
	},
	{
		channel: ChannelQuishing, title: "Quishing",
		campaignIDField: "quishingCampaignResourceId", scenarioField: "quishingScenarioName",
		deliveredField: "emailDeliveredUserCount", deliveryField: "emailDelivery", deliveryName: "Keepnet Shared SMTP",
		kinds:          []EventKind{EventOpened, EventClicked, EventSubmitted, EventReported, EventMFASubmitted},
		systemActivity: true, phone: true, rowCounts: true, allDataType: "quishingDataType",
		campaignsSearch: RouteQuishingCampaignsSearch, campaignGet: RouteQuishingCampaignGet,
		jobsSearch: RouteQuishingJobsSearch, jobSummary: RouteQuishingJobSummary, jobUsers: RouteQuishingJobUsers,
		jobsExport: RouteQuishingJobsExport, jobUsersExport: RouteQuishingJobUsersExport, jobExport: RouteQuishingJobExport,
		events: []eventRoute{
			{RouteQuishingEventsAll, nil, viewAll},
			{RouteQuishingEventsOpened, []EventKind{EventOpened}, viewOpened},
			{RouteQuishingEventsClicked, []EventKind{EventClicked}, viewClicked},
			{RouteQuishingEventsSubmitted, []EventKind{EventSubmitted}, viewSubmitted},
			{RouteQuishingEventsReported, []EventKind{EventReported}, viewReported},
			{RouteQuishingEventsMFASubmitted, []EventKind{EventMFASubmitted}, viewSubmitted},
		},
	},
}

// shapeOf is ch's description; an unknown channel is described as phishing.
func shapeOf(ch Channel) *channelShape {
	for _, sh := range channelShapes {
		if sh.channel == ch {
			return sh
		}
	}
	return channelShapes[0]
}

// resultRoutes adds the training and simulation results routes to mux.
func (s *Server) resultRoutes(mux *http.ServeMux) {
	for _, sh := range channelShapes {
		mux.HandleFunc(sh.campaignsSearch, s.authed(s.campaignsSearch(sh)))
		mux.HandleFunc(sh.campaignGet, s.authed(s.campaignGet(sh)))
		mux.HandleFunc(sh.jobsSearch, s.authed(s.jobsSearch(sh)))
		mux.HandleFunc(sh.jobSummary, s.authed(s.jobSummary(sh)))
		mux.HandleFunc(sh.jobUsers, s.authed(s.jobUsersSearch(sh)))
		mux.HandleFunc(sh.jobsExport, s.authed(s.jobsExport(sh)))
		mux.HandleFunc(sh.jobUsersExport, s.authed(s.jobUsersExport(sh)))
		mux.HandleFunc(sh.jobExport, s.authed(s.jobExport(sh)))
		for _, er := range sh.events {
			mux.HandleFunc(er.route, s.authed(s.eventsSearch(sh, er)))
		}
	}
	mux.HandleFunc(RoutePhishingActivityUsers, s.authed(s.handlePhishingActivityUsers))
	mux.HandleFunc(RouteTrainingActivityUsers, s.authed(s.handleTrainingActivityUsers))
}
