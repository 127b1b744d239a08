// Package surveyresults is the survey-results command: a survey's results,
// user by user, from one customer company or many, streamed to a file that
// appears only when complete.
package surveyresults

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the survey-results command's.
type Options struct {
	IO          *iostreams.IOStreams
	Client      func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	HowFar      *cmdutil.HowFar
	OwnsProcess bool

	Companies   *cmdutil.CompanyFlags
	Enrollment  string
	Resume      bool
	Format      string
	Output      string
	Pace        *cmdutil.PaceFlags
	CSVRaw      bool
	QuestionIDs bool
	BOM         bool
}

// NewCmdSurveyResults pulls a survey's results, user by user.
func NewCmdSurveyResults(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, HowFar: f.HowFar, OwnsProcess: f.OwnsProcess}
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
	opts.Companies = cmdutil.AddCompanyFlags(f, cmd, "every company the credentials manage (those without the survey are skipped)")
	flags.BoolVar(&opts.Resume, "resume", false, "keep a journal beside -o FILE so that a rerun fetches only what is missing")
	flags.StringVar(&opts.Enrollment, "enrollment", "", "survey enrollment, by name or ID")
	flags.StringVarP(&opts.Format, "format", "f", surveyout.NDJSON, "output format: "+strings.Join(surveyout.Formats(), ", "))
	flags.StringVarP(&opts.Output, "output", "o", "", "write to FILE (atomically, mode 0600 if new) instead of stdout; - is stdout (the format is --format's)")
	opts.Pace = cmdutil.AddPaceFlags(cmd, "at most this many requests per second (0: no bound; either way the pace adapts to the service's 429s)")
	flags.BoolVar(&opts.CSVRaw, "csv-raw", false, "csv, csv-wide: keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
	flags.BoolVar(&opts.QuestionIDs, "question-ids", false, `csv-wide: head each question column "text [question ID]"`)
	flags.BoolVar(&opts.BOM, "bom", false, "csv, csv-wide: start with a UTF-8 byte-order mark, so that Excel on Windows reads names like Zoë right")
	_ = cmd.MarkFlagRequired("enrollment") // the flag exists: cannot fail
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(surveyout.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("enrollment", cmdutil.Complete(f, cmdutil.CompleteSurveys))
	return cmd
}

// validate checks the flags that need no API call, so that bad input fails
// before anything is fetched or written.
func (o *Options) validate() error {
	if err := cmdutil.CheckOutputIsFile(o.Output); err != nil {
		return err
	}
	format, err := cmdutil.CanonicalFormat(o.Format, surveyout.Formats())
	if err != nil {
		return err
	}
	o.Format = format
	if err := o.Companies.CheckNotEmpty(); err != nil {
		return err
	}
	c := o.Companies
	switch {
	case c.All && (len(c.Companies) > 0 || c.File != ""):
		return cmdutil.InvalidValue("all-companies", "", "cannot be combined with --company or --companies-file; choose one")
	case !c.Any():
		return cmdutil.InvalidValue("company", "", "is missing; pass --company (repeatable), --companies-file or --all-companies")
	case o.Resume && (o.Output == "" || o.Output == "-"):
		return cmdutil.InvalidValue("resume", "", "needs -o FILE: the journal is kept beside the output")
	case strings.TrimSpace(o.Enrollment) == "":
		return cmdutil.InvalidValue("enrollment", "", "is empty; pass a name or ID")
	}
	if err := o.Pace.Check(); err != nil {
		return err
	}
	if o.BOM && o.Format != surveyout.CSV && o.Format != surveyout.CSVWide {
		return cmdutil.InvalidValue("bom", "", "applies to --format csv and csv-wide only")
	}
	if o.Format == surveyout.XLSX && (o.Output == "" || o.Output == "-") && o.IO.IsStdoutTTY() {
		return cmdutil.InvalidValue("format", o.Format, "is a binary file; write it with -o FILE.xlsx (or redirect stdout)")
	}
	if o.QuestionIDs && o.Format != surveyout.CSVWide {
		return cmdutil.InvalidValue("question-ids", "", "applies to --format csv-wide only; the other formats carry questionId in every answer")
	}
	return nil
}

func resultsRun(ctx context.Context, opts *Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	companies, err := opts.Companies.Refs()
	if err != nil {
		return err
	}
	if opts.OwnsProcess {
		tuneRuntimeForPull()
	}
	// The output is opened before any API call, so an unwritable path
	// costs nothing. A file is written as a nameless temporary file in the
	// target's directory until the pull has finished.
	out, err := cmdutil.OpenOutput(opts.Output, opts.IO.Out)
	if err != nil {
		return err
	}
	defer out.Abort() //nolint:errcheck // after Commit it does nothing; on failure the run's own error is the one to report
	var journal *surveyJournal
	if opts.Resume {
		if !out.Atomic() {
			return cmdutil.InvalidValue("resume", opts.Output, "needs -o to name a regular file, which is replaced only when complete")
		}
		journal, err = openJournal(opts.Output, journalHeader{Version: journalVersion, Enrollment: opts.Enrollment, Companies: companies, All: opts.Companies.All})
		if err != nil {
			return err
		}
		defer journal.close() //nolint:errcheck // what matters was written record by record; a second close after remove is harmless
	}
	w := &writing{opts: opts, out: out, journal: journal, grouped: opts.Companies.Across()}
	opts.HowFar.Set(w.howFar)
	return w.run(ctx, workflows.CompanySelection{Companies: companies, All: opts.Companies.All})
}
