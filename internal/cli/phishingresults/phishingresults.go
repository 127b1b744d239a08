// Package phishingresults is the phishing-results command: simulation
// jobs' results (phishing, smishing or quishing), user by user, from one
// customer company or many, streamed to a file that appears only when
// complete.
package phishingresults

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/pullcmd"
	"github.com/keepnet-flow/keepnet-flow/internal/resultsout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the phishing-results command's.
type Options struct {
	Run          pullcmd.Spec[workflows.PhishingRecord]
	Campaigns    []string
	Window       *cmdutil.WindowFlags
	Channel      string
	IncludeTests bool
	Events       bool

	since, until time.Time
}

// channels are --channel's values.
var channels = []string{string(workflows.ChannelPhishing), string(workflows.ChannelSmishing), string(workflows.ChannelQuishing)}

// NewCmdPhishingResults pulls simulation jobs' results, user by user.
func NewCmdPhishingResults(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Run: pullcmd.Spec[workflows.PhishingRecord]{IO: f.IOStreams, Client: f.Client, HowFar: f.HowFar, OwnsProcess: f.OwnsProcess}}
	cmd := &cobra.Command{
		Use:   "phishing-results",
		Short: "Pull customers' phishing, smishing or quishing simulation results, one record per user",
		Long: `phishing-results pulls simulation jobs' results in one or more customer
companies: each target user's delivery, opens, clicks, submissions,
attachments, reports, replies and MFA submissions (counts and last times)
with the service's activity-type fields, each record naming its company and
job (a campaign's run). Name campaigns with --campaign (repeatable: every run
of each), or take every job started in a window with --since and --until.
--channel picks phishing (default), smishing or quishing. Campaigns marked
as tests are left out unless --include-tests; --events adds each user's event
times, at a request per user per kind of event.

Counts include whatever the service counted, scanners' activity too; the
activity fields say whose. Formats: ndjson (default), json (by company and
job, with each job's totals), csv (a row per user), csv-wide (with --events:
each event's time a column), xlsx (csv's rows in a typed Excel sheet); --bom
marks csv for Excel on Windows. See docs/phishing-results.md.`,
		Example: `  keepnet-flow phishing-results --company "Acme Manufacturing" --campaign "Invoice Overdue Lure"
  keepnet-flow phishing-results --all-companies --since 2026-01-01 --until 2026-03-31 -f csv --bom -o q1-phishing.csv
  keepnet-flow phishing-results --all-companies --channel smishing --since 2026-01-01 --events -f csv-wide -o sms.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return phishingRun(cmd.Context(), opts)
		},
	}
	flags := cmd.Flags()
	opts.Run.Flags = pullcmd.AddFlags(f, cmd, "every company the credentials manage (those without the campaigns are skipped)", resultsout.Phishing.Formats())
	flags.StringArrayVar(&opts.Campaigns, "campaign", nil, "simulation campaign, by name or ID (every run of it); repeat for several")
	opts.Window = cmdutil.AddWindowFlags(cmd, "simulation jobs")
	flags.StringVar(&opts.Channel, "channel", string(workflows.ChannelPhishing), "simulation channel: "+strings.Join(channels, ", "))
	flags.BoolVar(&opts.IncludeTests, "include-tests", false, "also pull jobs of campaigns marked as tests (excludeFromReports), which reports leave out")
	flags.BoolVar(&opts.Events, "events", false, "add each user's events and their times (a request per user per kind of event)")
	cmd.MarkFlagsMutuallyExclusive("campaign", "since")
	cmd.MarkFlagsMutuallyExclusive("campaign", "until")
	_ = cmd.RegisterFlagCompletionFunc("channel", cobra.FixedCompletions(channels, cobra.ShellCompDirectiveNoFileComp)) // the flag exists: cannot fail
	return cmd
}

// validate checks the flags that need no API call, so that bad input fails
// before anything is fetched or written.
func (o *Options) validate() error {
	if err := o.Run.Flags.Check(); err != nil {
		return err
	}
	o.Channel = strings.ToLower(strings.TrimSpace(o.Channel))
	if !slices.Contains(channels, o.Channel) {
		return cmdutil.InvalidValue("channel", o.Channel, "is not one of "+strings.Join(channels, ", "))
	}
	if len(o.Campaigns) == 0 && !o.Window.Set() {
		return cmdutil.InvalidValue("campaign", "", "is missing; pass --campaign (repeatable), or --since and/or --until for every job started in that window")
	}
	for _, c := range o.Campaigns {
		if strings.TrimSpace(c) == "" {
			return cmdutil.InvalidValue("campaign", "", "is empty; pass a name or ID")
		}
	}
	if o.Run.Flags.Format == resultsout.CSVWide && !o.Events {
		return cmdutil.InvalidValue("format", resultsout.CSVWide, "needs --events: its extra columns are the events' times")
	}
	var err error
	o.since, o.until, err = o.Window.Parse()
	return err
}

func phishingRun(ctx context.Context, opts *Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	companies, err := opts.Run.Flags.Companies.Refs()
	if err != nil {
		return err
	}
	s := &opts.Run
	s.Journal = pullcmd.JournalSpec[workflows.PhishingRecord]{
		Command:    "phishing-results",
		VersionKey: "keepnetFlowPhishingJournal",
		Header: journalHeader{Version: 1, Channel: opts.Channel, Campaigns: opts.Campaigns, Since: pullcmd.Stamp(opts.since), Until: pullcmd.Stamp(opts.until),
			IncludeTests: opts.IncludeTests, Events: opts.Events, Companies: companies, All: s.Flags.Companies.All},
		Describe: describeJournal,
		Key: func(r workflows.PhishingRecord) string {
			return r.CompanyID + "/" + jobID(r) + "/" + r.ResourceID
		},
		Complete: func(r workflows.PhishingRecord) bool { return r.Error == "" },
		Adopt: func(kept, partial workflows.PhishingRecord) workflows.PhishingRecord {
			kept.CompanyID, kept.CompanyName, kept.Channel = partial.CompanyID, partial.CompanyName, partial.Channel
			kept.CampaignID, kept.CampaignName, kept.InstanceGroup = partial.CampaignID, partial.CampaignName, partial.InstanceGroup
			kept.JobStartDate, kept.Test = partial.JobStartDate, partial.Test
			return kept
		},
	}
	s.Open = func(ctx context.Context, c *keepnet.Client, req pullcmd.Request[workflows.PhishingRecord]) (*workflows.Pull[workflows.PhishingRecord], error) {
		return workflows.OpenPhishingResults(ctx, c, workflows.PhishingRequest{
			Companies: req.Companies, Channel: workflows.Channel(opts.Channel), Campaigns: opts.Campaigns, Since: opts.since, Until: opts.until,
			IncludeTests: opts.IncludeTests, Events: opts.Events, Concurrency: req.Concurrency, SpoolDir: req.SpoolDir, Reuse: req.Reuse,
		})
	}
	s.NewSink = func(p *workflows.Pull[workflows.PhishingRecord], w io.Writer, spoolDir string, _ bool) (pullcmd.Sink[workflows.PhishingRecord], error) {
		return resultsout.New(resultsout.Phishing, s.Flags.Format, w, resultsout.Options{
			SpoolDir: spoolDir, CSVRaw: s.Flags.CSVRaw, BOM: s.Flags.BOM, Notices: pullcmd.CompanyNotices(p), Skipped: pullcmd.Skipped(p),
		})
	}
	s.SourceOf = func(r workflows.PhishingRecord) (string, string) { return r.CompanyID, jobID(r) }
	s.Of = func(p *workflows.Pull[workflows.PhishingRecord]) string { return pullcmd.SourcesOf(p, "job", "jobs") }
	s.SourcesNoun = "jobs"
	s.Skipped = func(w io.Writer, p *workflows.Pull[workflows.PhishingRecord]) { cmdutil.NoticeSkipped(w, p, "") }
	return pullcmd.Run(ctx, s)
}

// jobID is the ID of a record's job, as its workflows.Source names it.
func jobID(r workflows.PhishingRecord) string {
	return r.CampaignID + "/" + strconv.Itoa(r.InstanceGroup)
}

// journalHeader is a phishing journal's first line: what run it belongs
// to.
type journalHeader struct {
	Version      int      `json:"keepnetFlowPhishingJournal"`
	Channel      string   `json:"channel"`
	Campaigns    []string `json:"campaigns,omitempty"`
	Since        string   `json:"since,omitempty"`
	Until        string   `json:"until,omitempty"`
	IncludeTests bool     `json:"includeTests,omitempty"`
	Events       bool     `json:"events,omitempty"`
	Companies    []string `json:"companies,omitempty"`
	All          bool     `json:"allCompanies,omitempty"`
}

func describeJournal(line []byte) string {
	var h journalHeader
	_ = json.Unmarshal(line, &h) // checked as JSON already; what is missing stays empty
	sel := pullcmd.DescribeSelection(h.Companies, h.All)
	what := fmt.Sprintf("started from %q until %q", h.Since, h.Until)
	if len(h.Campaigns) > 0 {
		what = fmt.Sprintf("campaigns %q", h.Campaigns)
	}
	return fmt.Sprintf("%s %s, %s, tests %v, events %v", h.Channel, what, sel, h.IncludeTests, h.Events)
}
