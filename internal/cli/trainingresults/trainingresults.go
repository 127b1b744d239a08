// Package trainingresults is the training-results command: training
// enrollments' results, user by user, from one customer company or many,
// streamed to a file that appears only when complete.
package trainingresults

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/pullcmd"
	"github.com/keepnet-flow/keepnet-flow/internal/resultsout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the training-results command's.
type Options struct {
	Run         pullcmd.Spec[workflows.TrainingRecord]
	Enrollments []string
	Window      *cmdutil.WindowFlags
	Types       []string

	since, until time.Time
}

// NewCmdTrainingResults pulls training enrollments' results, user by user.
func NewCmdTrainingResults(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Run: pullcmd.Spec[workflows.TrainingRecord]{IO: f.IOStreams, Client: f.Client, HowFar: f.HowFar, OwnsProcess: f.OwnsProcess}}
	cmd := &cobra.Command{
		Use:   "training-results",
		Short: "Pull customers' training results, one record per user",
		Long: `training-results pulls training enrollments' results in one or more customer
companies: every target user's status, current step, exam score and status,
first completion and last interaction, each record naming its company and
enrollment. Name enrollments with --enrollment (repeatable, name or ID), or
take every one started in a window with --since and --until. Companies are
named as in survey-results; json carries each enrollment's summary, and a
summary the users disagree with is said on stderr and in json.

Formats: ndjson (default), json (by company and enrollment), csv (a row per
user; --bom for Excel on Windows), xlsx (csv's rows in a typed Excel sheet).
-o, --resume and the exit status are survey-results'; see
docs/training-results.md.`,
		Example: `  keepnet-flow training-results --company "Acme Manufacturing" --enrollment "Phishing Fundamentals 2026"
  keepnet-flow training-results --all-companies --since 2026-01-01 --until 2026-03-31 -f xlsx -o q1-training.xlsx
  keepnet-flow training-results --companies-file customers.txt --enrollment "Password Hygiene 2026" -o pw.ndjson --resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return trainingRun(cmd.Context(), opts)
		},
	}
	flags := cmd.Flags()
	opts.Run.Flags = pullcmd.AddFlags(f, cmd, "every company the credentials manage (those without the enrollments are skipped)", resultsout.Training.Formats())
	flags.StringArrayVar(&opts.Enrollments, "enrollment", nil, "training enrollment, by name or ID; repeat for several")
	opts.Window = cmdutil.AddWindowFlags(cmd, "training enrollments")
	flags.StringArrayVar(&opts.Types, "type", nil, "enrollment type: SCORM (default), Poster, Infographic, Screensaver or LearningPath; repeat for several")
	cmd.MarkFlagsMutuallyExclusive("enrollment", "since")
	cmd.MarkFlagsMutuallyExclusive("enrollment", "until")
	_ = cmd.RegisterFlagCompletionFunc("enrollment", cmdutil.Complete(f, cmdutil.CompleteTrainingEnrollments)) // the flag exists: cannot fail
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{"SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags that need no API call, so that bad input fails
// before anything is fetched or written.
func (o *Options) validate() error {
	if err := o.Run.Flags.Check(); err != nil {
		return err
	}
	if len(o.Enrollments) == 0 && !o.Window.Set() {
		return cmdutil.InvalidValue("enrollment", "", "is missing; pass --enrollment (repeatable), or --since and/or --until for every training enrollment started in that window")
	}
	for _, e := range o.Enrollments {
		if strings.TrimSpace(e) == "" {
			return cmdutil.InvalidValue("enrollment", "", "is empty; pass a name or ID")
		}
	}
	var err error
	o.since, o.until, err = o.Window.Parse()
	return err
}

func trainingRun(ctx context.Context, opts *Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	companies, err := opts.Run.Flags.Companies.Refs()
	if err != nil {
		return err
	}
	s := &opts.Run
	s.Journal = pullcmd.JournalSpec[workflows.TrainingRecord]{
		Command:    "training-results",
		VersionKey: "keepnetFlowTrainingJournal",
		Header: journalHeader{Version: 1, Enrollments: opts.Enrollments, Since: pullcmd.Stamp(opts.since), Until: pullcmd.Stamp(opts.until),
			Types: opts.Types, Companies: companies, All: s.Flags.Companies.All},
		Describe: describeJournal,
		Key: func(r workflows.TrainingRecord) string {
			return r.CompanyID + "/" + r.EnrollmentID + "/" + r.TargetUserResourceID
		},
		Complete: func(r workflows.TrainingRecord) bool { return r.Error == "" },
		Adopt: func(kept, partial workflows.TrainingRecord) workflows.TrainingRecord {
			kept.CompanyID, kept.CompanyName = partial.CompanyID, partial.CompanyName
			kept.EnrollmentID, kept.EnrollmentName, kept.EnrollmentType = partial.EnrollmentID, partial.EnrollmentName, partial.EnrollmentType
			kept.StartDate, kept.DueDate = partial.StartDate, partial.DueDate
			return kept
		},
	}
	s.Open = func(ctx context.Context, c *keepnet.Client, req pullcmd.Request[workflows.TrainingRecord]) (*workflows.Pull[workflows.TrainingRecord], error) {
		return workflows.OpenTrainingResults(ctx, c, workflows.TrainingRequest{
			Companies: req.Companies, Enrollments: opts.Enrollments, Since: opts.since, Until: opts.until, Types: opts.Types,
			Concurrency: req.Concurrency, SpoolDir: req.SpoolDir, Reuse: req.Reuse,
		})
	}
	s.NewSink = func(p *workflows.Pull[workflows.TrainingRecord], w io.Writer, spoolDir string, _ bool) (pullcmd.Sink[workflows.TrainingRecord], error) {
		return resultsout.New(resultsout.Training, s.Flags.Format, w, resultsout.Options{
			SpoolDir: spoolDir, CSVRaw: s.Flags.CSVRaw, BOM: s.Flags.BOM, Notices: pullcmd.CompanyNotices(p), Skipped: pullcmd.Skipped(p),
		})
	}
	s.SourceOf = func(r workflows.TrainingRecord) (string, string) { return r.CompanyID, r.EnrollmentID }
	s.Of = func(p *workflows.Pull[workflows.TrainingRecord]) string {
		return pullcmd.SourcesOf(p, "enrollment", "enrollments")
	}
	s.SourcesNoun = "enrollments"
	s.Skipped = func(w io.Writer, p *workflows.Pull[workflows.TrainingRecord]) { cmdutil.NoticeSkipped(w, p, "") }
	return pullcmd.Run(ctx, s)
}

// journalHeader is a training journal's first line: what run it belongs
// to.
type journalHeader struct {
	Version     int      `json:"keepnetFlowTrainingJournal"`
	Enrollments []string `json:"enrollments,omitempty"`
	Since       string   `json:"since,omitempty"`
	Until       string   `json:"until,omitempty"`
	Types       []string `json:"types,omitempty"`
	Companies   []string `json:"companies,omitempty"`
	All         bool     `json:"allCompanies,omitempty"`
}

func describeJournal(line []byte) string {
	var h journalHeader
	_ = json.Unmarshal(line, &h) // checked as JSON already; what is missing stays empty
	sel := pullcmd.DescribeSelection(h.Companies, h.All)
	if len(h.Enrollments) > 0 {
		return fmt.Sprintf("enrollments %q, %s", h.Enrollments, sel)
	}
	return fmt.Sprintf("started from %q until %q, %s", h.Since, h.Until, sel)
}
