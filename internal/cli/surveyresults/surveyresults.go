// Package surveyresults is the survey-results command: a survey's results,
// user by user, from one customer company or many, streamed to a file that
// appears only when complete.
package surveyresults

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/pullcmd"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the survey-results command's.
type Options struct {
	Run         pullcmd.Spec[workflows.SurveyRecord]
	Enrollment  string
	QuestionIDs bool
}

// NewCmdSurveyResults pulls a survey's results, user by user.
func NewCmdSurveyResults(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Run: pullcmd.Spec[workflows.SurveyRecord]{IO: f.IOStreams, Client: f.Client, HowFar: f.HowFar, OwnsProcess: f.OwnsProcess}}
	cmd := &cobra.Command{
		Use:   "survey-results",
		Short: "Pull customers' survey results, one record per user",
		Long: `survey-results pulls a survey enrollment's results in one or more customer
companies: every target user with their status, interactions and answers,
each record naming its company. Companies are named with --company
(repeatable), --companies-file or --all-companies; --enrollment names the
survey in each. Everything is resolved before the first record is written.

Records stream out in the service's order, company by company, so memory
stays flat; with -o FILE the file appears only when the pull has finished
(mode 0600 if new), and --resume keeps a journal so that a rerun fetches only
what is missing. Formats: ndjson (default), json, csv (a row per answer),
csv-wide (a row per user), xlsx (csv's rows in a typed Excel sheet). See
docs/survey-results.md for every detail.

Exit status: 0 all users complete; 3 some users, or a company, could not be
fetched completely (everything else is written); 2 bad input (nothing
written); 130, 143, 129 stopped by a signal (nothing written); 1 otherwise.`,
		Example: `  keepnet-flow survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey"
  keepnet-flow survey-results --company k3AcmeMfg001 --enrollment e7AcmeSrv001 --format csv-wide -o results.csv
  keepnet-flow survey-results --all-companies --enrollment "Security Culture Survey" -o all.ndjson --resume
  keepnet-flow survey-results --companies-file customers.txt --enrollment "Security Culture Survey" --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resultsRun(cmd.Context(), opts)
		},
	}
	flags := cmd.Flags()
	opts.Run.Flags = pullcmd.AddFlags(f, cmd, "every company the credentials manage (those without the survey are skipped)", surveyout.Formats())
	flags.StringVar(&opts.Enrollment, "enrollment", "", "survey enrollment, by name or ID")
	flags.BoolVar(&opts.QuestionIDs, "question-ids", false, `csv-wide: head each question column "text [question ID]"`)
	_ = cmd.MarkFlagRequired("enrollment") // the flag exists: cannot fail
	_ = cmd.RegisterFlagCompletionFunc("enrollment", cmdutil.Complete(f, cmdutil.CompleteSurveys))
	return cmd
}

// validate checks the flags that need no API call, so that bad input fails
// before anything is fetched or written.
func (o *Options) validate() error {
	if err := o.Run.Flags.Check(); err != nil {
		return err
	}
	if strings.TrimSpace(o.Enrollment) == "" {
		return cmdutil.InvalidValue("enrollment", "", "is empty; pass a name or ID")
	}
	if o.QuestionIDs && o.Run.Flags.Format != surveyout.CSVWide {
		return cmdutil.InvalidValue("question-ids", "", "applies to --format csv-wide only; the other formats carry questionId in every answer")
	}
	return nil
}

func resultsRun(ctx context.Context, opts *Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	companies, err := opts.Run.Flags.Companies.Refs()
	if err != nil {
		return err
	}
	s := &opts.Run
	s.Journal = pullcmd.JournalSpec[workflows.SurveyRecord]{
		Command:    "survey-results",
		VersionKey: "keepnetFlowSurveyJournal",
		Header:     journalHeader{Version: journalVersion, Enrollment: opts.Enrollment, Companies: companies, All: s.Flags.Companies.All},
		Describe:   describeJournal,
		Key:        func(r workflows.SurveyRecord) string { return r.CompanyID + "/" + r.TargetUserResourceID },
		Complete:   func(r workflows.SurveyRecord) bool { return r.Error == "" },
		Adopt: func(kept, partial workflows.SurveyRecord) workflows.SurveyRecord {
			kept.CompanyID, kept.CompanyName = partial.CompanyID, partial.CompanyName
			kept.EnrollmentID, kept.EnrollmentName = partial.EnrollmentID, partial.EnrollmentName
			return kept
		},
	}
	s.Open = func(ctx context.Context, c *keepnet.Client, req pullcmd.Request[workflows.SurveyRecord]) (*workflows.Pull[workflows.SurveyRecord], error) {
		return workflows.OpenSurveyResults(ctx, c, workflows.SurveyRequest{Companies: req.Companies, Enrollment: opts.Enrollment, Concurrency: req.Concurrency, SpoolDir: req.SpoolDir, Reuse: req.Reuse})
	}
	s.NewSink = func(p *workflows.Pull[workflows.SurveyRecord], w io.Writer, spoolDir string, across bool) (pullcmd.Sink[workflows.SurveyRecord], error) {
		// One company's output has the company's header up front, a
		// grouped one a header per group.
		var header surveyout.Header
		if !across {
			header = surveyout.HeaderOf(p.Sources[0])
		}
		sw, err := surveyout.New(s.Flags.Format, w, header, surveyout.Options{SpoolDir: spoolDir, CSVRaw: s.Flags.CSVRaw, QuestionIDs: opts.QuestionIDs, BOM: s.Flags.BOM, Grouped: across})
		return sink{sw}, err
	}
	s.SourceOf = func(r workflows.SurveyRecord) (string, string) { return r.CompanyID, r.EnrollmentID }
	s.Of = func(p *workflows.Pull[workflows.SurveyRecord]) string { return fmt.Sprintf("%q", p.Sources[0].Name) }
	s.In = func(p *workflows.Pull[workflows.SurveyRecord], co workflows.Company, _ *workflows.ListingError) string {
		for _, src := range p.Sources {
			if src.Company.ID == co.ID {
				return fmt.Sprintf("survey %q", src.Name)
			}
		}
		return fmt.Sprintf("survey %q", opts.Enrollment)
	}
	s.SourcesNoun = "companies"
	s.Skipped = func(w io.Writer, p *workflows.Pull[workflows.SurveyRecord]) {
		cmdutil.NoticeSkipped(w, p, fmt.Sprintf("survey %q", opts.Enrollment))
	}
	return pullcmd.Run(ctx, s)
}

// sink writes survey records through surveyout.
type sink struct{ surveyout.Writer }

func (s sink) BeginSource(src *workflows.Source) error {
	return s.Writer.BeginCompany(surveyout.HeaderOf(src))
}

func (s sink) BeginCompany(co workflows.Company) error {
	return s.Writer.BeginCompany(surveyout.Header{Company: co})
}

func (s sink) Write(rec workflows.SurveyRecord) error { return s.WriteUser(rec.UserResult) }

// journalVersion is the journal format's version, in its first line.
const journalVersion = 1

// journalHeader is a survey journal's first line: what run it belongs to.
type journalHeader struct {
	Version    int      `json:"keepnetFlowSurveyJournal"`
	Enrollment string   `json:"enrollment"`
	Companies  []string `json:"companies,omitempty"`
	All        bool     `json:"allCompanies,omitempty"`
}

func describeJournal(line []byte) string {
	var h journalHeader
	_ = json.Unmarshal(line, &h) // checked as JSON already; what is missing stays empty
	sel := pullcmd.DescribeSelection(h.Companies, h.All)
	return fmt.Sprintf("enrollment %q, %s", h.Enrollment, sel)
}
