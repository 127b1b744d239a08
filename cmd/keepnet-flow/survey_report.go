package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/output"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The survey-report formats, as -f/--format spells them.
const (
	reportHTML = "html"
	reportJSON = "json"
)

var reportFormats = []string{reportHTML, reportJSON}

// surveyReportFlags are the survey-report command's flags.
type surveyReportFlags struct {
	companies     []string
	allCompanies  bool
	companiesFile string
	enrollment    string
	from          []string
	format        string
	output        string
	title         string
	concurrency   int
	rate          float64
}

// pulling reports whether the survey is to be pulled rather than read
// from --from files.
func (f surveyReportFlags) pulling() bool {
	return len(f.companies) > 0 || f.allCompanies || f.companiesFile != "" || f.enrollment != ""
}

// selection is the companies to pull: --company values, then those of
// --companies-file, or all of them.
func (f surveyReportFlags) selection() (workflows.CompanySelection, error) {
	sel := workflows.CompanySelection{Companies: slices.Clone(f.companies), All: f.allCompanies}
	if f.companiesFile != "" {
		names, err := readCompaniesFile(f.companiesFile)
		if err != nil {
			return workflows.CompanySelection{}, err
		}
		sel.Companies = append(sel.Companies, names...)
	}
	return sel, nil
}

func newSurveyReportCmd(a *app) *cobra.Command {
	var f surveyReportFlags
	cmd := &cobra.Command{
		Use:   "survey-report",
		Short: "Report a survey's answers: per-question charts in one offline HTML file, or the counts as JSON",
		Long: `survey-report counts a survey's answers, question by question, and writes a
report people can read: one self-contained HTML file (the default) that opens
offline and prints cleanly, or the counts as JSON for dashboards.

The survey is pulled as survey-results pulls it (--company, repeatable,
--companies-file or --all-companies, and --enrollment), all companies side
by side, or read from saved survey-results output: --from FILE, ndjson or
json, repeatable. With several companies, each question shows every company
and the overall side by side.
Records that name their company (companyId, companyName) are grouped by it;
others belong to the json file's company, or to a company named after the
file (acme.ndjson: "acme").

Counts come from each user's latest session. Options are listed in the order
the survey lists them, including options nobody chose. Rating-scale
(Likert) questions are drawn as diverging bars, negative answers left of
zero; a question is a rating scale when all its options are points of one
known scale (agree/disagree, satisfied/dissatisfied, likely/unlikely,
never..always, 1..5), read from the option text or its SCORM code.

Formats (-f):
  html  the report (default)
  json  {"companies": [{companyId, companyName, enrollmentId, enrollmentName,
        users, statuses, questions: [{questionId, question, answered,
        options: [{option, count}]}]}], "overall": {users, statuses, questions}}

Exit status: 0 report written; 3 written, but some users' data could not be
fetched completely; 2 bad input (nothing written); 1 other failures.`,
		Example: `  keepnet-flow survey-report --company "Acme Manufacturing" --enrollment "Security Culture Survey" -o report.html
  keepnet-flow survey-report --all-companies --enrollment "Security Culture Survey" -o culture.html
  keepnet-flow survey-results --company Acme --enrollment Culture -o acme.ndjson
  keepnet-flow survey-report --from acme.ndjson --from globex.ndjson -o culture.html
  keepnet-flow survey-report --from acme.ndjson -f json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSurveyReport(cmd, a, f)
		},
	}
	flags := cmd.Flags()
	flags.StringArrayVar(&f.companies, "company", nil, "customer company, by name or ID; repeat for several")
	flags.BoolVar(&f.allCompanies, "all-companies", false, "every company these credentials manage that has the survey (the others are listed and skipped)")
	flags.StringVar(&f.companiesFile, "companies-file", "", "read companies from `FILE`: one name or ID a line; blank lines and lines starting with # are ignored")
	_ = cmd.RegisterFlagCompletionFunc("company", a.complete(a.completeCompanies))
	flags.StringVar(&f.enrollment, "enrollment", "", "survey enrollment, by name or ID")
	flags.StringArrayVar(&f.from, "from", nil, "read saved survey-results output (ndjson or json) instead of pulling; repeatable")
	flags.StringVarP(&f.format, "format", "f", reportHTML, "output format: "+strings.Join(reportFormats, ", "))
	flags.StringVarP(&f.output, "output", "o", "", "write to FILE (atomically) instead of stdout")
	flags.StringVar(&f.title, "title", "", "the HTML report's title (default: the survey's name)")
	flags.IntVar(&f.concurrency, "concurrency", workflows.DefaultConcurrency, fmt.Sprintf("requests in flight at once (1 to %d)", maxConcurrency))
	flags.Float64Var(&f.rate, "rate", 0, fmt.Sprintf("at most this many requests per second, %g to %d (0: no limit)", minRate, maxRate))
	_ = cmd.MarkFlagFilename("from", "ndjson", "json") // the flag exists: cannot fail
	cmd.MarkFlagsMutuallyExclusive("from", "company")
	cmd.MarkFlagsMutuallyExclusive("from", "all-companies")
	cmd.MarkFlagsMutuallyExclusive("from", "companies-file")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "company")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "companies-file")
	cmd.MarkFlagsMutuallyExclusive("from", "enrollment")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(reportFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks what needs no file and no API call.
func (f *surveyReportFlags) validate() error {
	if err := checkOutputIsFile(f.output); err != nil {
		return err
	}
	format, err := canonicalFormat(f.format, reportFormats)
	if err != nil {
		return err
	}
	f.format = format
	pulling := f.pulling()
	for _, co := range f.companies {
		if strings.TrimSpace(co) == "" {
			return &workflows.InputError{Field: "company", Reason: "is empty; pass a name or ID"}
		}
	}
	switch {
	case len(f.from) == 0 && !pulling:
		return &workflows.InputError{Field: "from", Reason: "is missing: name the survey with --company (or --all-companies, --companies-file) and --enrollment, or saved survey-results output with --from"}
	case pulling && len(f.companies) == 0 && !f.allCompanies && f.companiesFile == "":
		return &workflows.InputError{Field: "company", Reason: "is missing; pass --company (repeatable), --companies-file or --all-companies"}
	case pulling && strings.TrimSpace(f.enrollment) == "":
		return &workflows.InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
	}
	for _, path := range f.from {
		if strings.TrimSpace(path) == "" {
			return &workflows.InputError{Field: "from", Reason: "is empty; pass a file name"}
		}
	}
	if pulling {
		return checkPaceFlags(f.concurrency, f.rate)
	}
	return nil
}

func runSurveyReport(cmd *cobra.Command, a *app, f surveyReportFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	// Opened before any work, as survey-results does, so an unwritable
	// path costs nothing; nothing is left behind on failure.
	dest, err := output.Open(f.output, a.stdout())
	if err != nil {
		return &workflows.InputError{Field: "output", Value: f.output, Reason: "cannot be written: " + err.Error()}
	}
	defer dest.Abort() //nolint:errcheck // after Commit it does nothing; on failure the run's own error is the one to report
	b := surveyreport.NewBuilder()
	var st surveyreport.Stats
	if len(f.from) > 0 {
		st, err = reportFromFiles(f.from, b)
	} else {
		st, err = reportFromPull(cmd, a, f, b)
	}
	if err != nil {
		return err
	}
	report := b.Report()
	if err := writeReport(dest, f, report); err != nil {
		return err
	}
	if err := dest.Commit(); err != nil {
		return err
	}
	where := dest.Name()
	companies := fmt.Sprintf("%d companies", len(report.Companies))
	if len(report.Companies) == 1 {
		companies = "1 company"
	}
	fmt.Fprintf(a.progress(), "keepnet-flow: report of %d users in %s written to %s\n", report.Overall.Users, companies, where)
	if st.Incomplete > 0 {
		return fmt.Errorf("%d of %d users could not be fetched completely; the report counts what was fetched: %w", st.Incomplete, st.Users, workflows.ErrIncomplete)
	}
	return nil
}

func reportFromFiles(paths []string, b *surveyreport.Builder) (surveyreport.Stats, error) {
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

func reportFromPull(cmd *cobra.Command, a *app, f surveyReportFlags, b *surveyreport.Builder) (surveyreport.Stats, error) {
	ctx := cmd.Context()
	if f.rate > 0 {
		a.clientOpts = append(a.clientOpts, keepnet.WithRateLimit(f.rate))
	}
	a.clientOpts = append(a.clientOpts, keepnet.WithMaxInFlight(f.concurrency))
	client, err := a.client(ctx)
	if err != nil {
		return surveyreport.Stats{}, err
	}
	sel, err := f.selection()
	if err != nil {
		return surveyreport.Stats{}, err
	}
	pull, err := workflows.OpenSurveyResults(ctx, client, workflows.SurveyRequest{Companies: sel, Enrollment: f.enrollment, Concurrency: f.concurrency})
	if err != nil {
		return surveyreport.Stats{}, err
	}
	if len(pull.Skipped) > 0 {
		names := make([]string, len(pull.Skipped))
		for i, sk := range pull.Skipped {
			names[i] = fmt.Sprintf("%q (%s)", sk.Company.Name, sk.Company.ID)
		}
		fmt.Fprintf(a.progress(), "keepnet-flow: skipping %d companies without survey %q: %s\n", len(pull.Skipped), f.enrollment, strings.Join(names, ", "))
	}
	bar := newSurveyProgress(a)
	defer bar.stop()
	return b.AddPull(ctx, pull, func(_ workflows.SurveyRecord, failed *workflows.CompanyError) {
		if failed != nil {
			// The other companies go on; the report says the run was
			// incomplete.
			fmt.Fprintf(a.stderr(), "keepnet-flow: %s\n", oneLine(failed.Error()))
			return
		}
		bar.step(-1, client.Pace().Rate)
	})
}

func writeReport(w io.Writer, f surveyReportFlags, r surveyreport.Report) error {
	if f.format == reportJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write json report: %w", err)
		}
		return nil
	}
	return surveyreport.WriteHTML(w, r, surveyreport.HTMLOptions{Title: f.title, Generated: time.Now()})
}
