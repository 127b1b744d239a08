// Package surveyreport is the survey-report command: a survey's answers
// counted question by question, as one offline HTML file or as JSON.
package surveyreport

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The survey-report formats, as -f/--format spells them.
const (
	formatHTML = "html"
	formatJSON = "json"
)

var formats = []string{formatHTML, formatJSON}

// Options are the survey-report command's.
type Options struct {
	IO     *iostreams.IOStreams
	Client func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	Now    func() time.Time

	Companies  *cmdutil.CompanyFlags
	Enrollment string
	From       []string
	Format     string
	Output     string
	Title      string
	Pace       *cmdutil.PaceFlags
}

// NewCmdSurveyReport reports a survey's answers.
func NewCmdSurveyReport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "survey-report",
		Short: "Report a survey's answers: per-question charts in one offline HTML file, or the counts as JSON",
		Long: `survey-report counts a survey's answers, question by question, and writes a
report people can read: one self-contained HTML file (the default) that opens
offline and prints cleanly, or the counts as JSON for dashboards.

The survey is pulled as survey-results pulls it (--company, --companies-file
or --all-companies, and --enrollment), or read from saved survey-results
output (--from FILE, ndjson or json, repeatable). With several companies,
each question shows every company and the overall side by side.

Counts come from each user's latest session; rating-scale questions are
drawn as diverging bars. See docs/survey-report.md for how records are
grouped and how scales are recognised. For a month's training, phishing
and surveys, one branded page per customer, see 'keepnet-flow report'.

Exit status: 0 report written; 3 written, but some users' data could not be
fetched completely; 2 bad input (nothing written); 1 other failures.`,
		Example: `  keepnet-flow survey-report --company "Acme Manufacturing" --enrollment "Security Culture Survey" -o report.html
  keepnet-flow survey-report --all-companies --enrollment "Security Culture Survey" -o culture.html
  keepnet-flow survey-results --company Acme --enrollment Culture -o acme.ndjson
  keepnet-flow survey-report --from acme.ndjson --from globex.ndjson -o culture.html
  keepnet-flow survey-report --from acme.ndjson -f json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return reportRun(cmd.Context(), opts)
		},
	}
	flags := cmd.Flags()
	opts.Companies = cmdutil.AddCompanyFlags(f, cmd, "every company these credentials manage that has the survey (the others are listed and skipped)")
	flags.StringVar(&opts.Enrollment, "enrollment", "", "survey enrollment, by name or ID")
	flags.StringArrayVar(&opts.From, "from", nil, "read saved survey-results output (ndjson or json) instead of pulling; repeatable")
	flags.StringVarP(&opts.Format, "format", "f", formatHTML, "output format: "+strings.Join(formats, ", "))
	flags.StringVarP(&opts.Output, "output", "o", "", "write to FILE (atomically) instead of stdout")
	flags.StringVar(&opts.Title, "title", "", "the HTML report's title (default: the survey's name)")
	opts.Pace = cmdutil.AddPaceFlags(cmd, cmdutil.RateHelp("(0: no limit)"))
	_ = cmd.MarkFlagFilename("from", "ndjson", "json") // the flag exists: cannot fail
	cmd.MarkFlagsMutuallyExclusive("from", "company")
	cmd.MarkFlagsMutuallyExclusive("from", "all-companies")
	cmd.MarkFlagsMutuallyExclusive("from", "companies-file")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "company")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "companies-file")
	cmd.MarkFlagsMutuallyExclusive("from", "enrollment")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("enrollment", cmdutil.Complete(f, cmdutil.CompleteSurveys))
	return cmd
}

// pulling reports whether the survey is to be pulled rather than read from
// --from files.
func (o *Options) pulling() bool { return o.Companies.Any() || o.Enrollment != "" }

// validate checks what needs no file and no API call.
func (o *Options) validate() error {
	if err := cmdutil.CheckOutputIsFile(o.Output); err != nil {
		return err
	}
	format, err := cmdutil.CanonicalFormat(o.Format, formats)
	if err != nil {
		return err
	}
	o.Format = format
	if err := o.Companies.CheckNotEmpty(); err != nil {
		return err
	}
	pulling := o.pulling()
	switch {
	case len(o.From) == 0 && !pulling:
		return cmdutil.InvalidValue("from", "", "is missing: name the survey with --company (or --all-companies, --companies-file) and --enrollment, or saved survey-results output with --from")
	case pulling && !o.Companies.Any():
		return cmdutil.InvalidValue("company", "", "is missing; pass --company (repeatable), --companies-file or --all-companies")
	case pulling && strings.TrimSpace(o.Enrollment) == "":
		return cmdutil.InvalidValue("enrollment", "", "is empty; pass a name or ID")
	}
	if err := o.Pace.Check(); err != nil {
		return err
	}
	for _, path := range o.From {
		if strings.TrimSpace(path) == "" {
			return cmdutil.InvalidValue("from", "", "is empty; pass a file name")
		}
	}
	return nil
}

func reportRun(ctx context.Context, opts *Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	// Opened before any work, as survey-results does, so an unwritable
	// path costs nothing; nothing is left behind on failure.
	dest, err := cmdutil.OpenOutput(opts.Output, opts.IO.Out)
	if err != nil {
		return err
	}
	defer dest.Abort() //nolint:errcheck // after Commit it does nothing; on failure the run's own error is the one to report
	b := surveyreport.NewBuilder()
	var st surveyreport.Stats
	if len(opts.From) > 0 {
		st, err = fromFiles(opts.From, b)
	} else {
		st, err = fromPull(ctx, opts, b)
	}
	if err != nil {
		return err
	}
	report := b.Report()
	if err := write(dest, opts, report); err != nil {
		return err
	}
	if err := dest.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Progress(), "keepnet-flow: report of %s in %s written to %s\n",
		cmdutil.Count(report.Overall.Users, "user", "users"), cmdutil.Count(len(report.Companies), "company", "companies"), dest.Name())
	if st.Incomplete > 0 {
		return fmt.Errorf("%d of %s could not be fetched completely; the report counts what was fetched: %w", st.Incomplete, cmdutil.Count(st.Users, "user", "users"), workflows.ErrIncomplete)
	}
	return nil
}

func fromFiles(paths []string, b *surveyreport.Builder) (surveyreport.Stats, error) {
	var total surveyreport.Stats
	for _, path := range paths {
		st, err := surveyreport.ReadFile(path, b)
		if err != nil {
			return total, err
		}
		total.Users += st.Users
		total.Incomplete += st.Incomplete
	}
	return total, nil
}

func fromPull(ctx context.Context, opts *Options, b *surveyreport.Builder) (surveyreport.Stats, error) {
	client, err := opts.Client(ctx, opts.Pace.ClientOptions()...)
	if err != nil {
		return surveyreport.Stats{}, err
	}
	sel, err := opts.Companies.Selection()
	if err != nil {
		return surveyreport.Stats{}, err
	}
	pull, err := workflows.OpenSurveyResults(ctx, client, workflows.SurveyRequest{Companies: sel, Enrollment: opts.Enrollment, Concurrency: opts.Pace.Concurrency})
	if err != nil {
		return surveyreport.Stats{}, err
	}
	cmdutil.NoticeSkipped(opts.IO.Progress(), pull, fmt.Sprintf("survey %q", opts.Enrollment))
	bar := cmdutil.NewUsersProgress(opts.IO, client.Pace)
	defer bar.Stop()
	return b.AddPull(ctx, pull, func(_ workflows.SurveyRecord, failed *workflows.CompanyError) {
		if failed != nil {
			// The other companies go on; the report says the run was
			// incomplete.
			fmt.Fprintf(opts.IO.ErrOut, "keepnet-flow: %s\n", cmdutil.OneLine(failed.Error()))
			return
		}
		bar.Step(-1)
	})
}

func write(w io.Writer, opts *Options, r surveyreport.Report) error {
	if opts.Format == formatJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write json report: %w", err)
		}
		return nil
	}
	return surveyreport.WriteHTML(w, r, surveyreport.HTMLOptions{Title: opts.Title, Generated: opts.Now()})
}
