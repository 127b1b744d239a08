// Package report is the report command: the monthly customer pack, one
// branded page per customer and an overview, as HTML or PDF.
package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/report/browser"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// The report formats, as -f/--format spells them.
const (
	formatHTML = "html"
	formatPDF  = "pdf"
)

var formats = []string{formatHTML, formatPDF}

// Options are the report command's.
type Options struct {
	IO     *iostreams.IOStreams
	Client func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	Now    func() time.Time
	HowFar *cmdutil.HowFar

	Companies      *cmdutil.CompanyFlags
	Since, Until   string
	From           []string
	DB             string
	DBPasswordFile string
	Format         string
	Output         string
	Sort           string
	BrandName      string
	BrandLogo      string
	Accent         string
	Credit         bool
	Browser        string
	Pace           *cmdutil.PaceFlags

	// Set by validate.
	period  report.Period
	brand   report.Brand
	sortKey report.SortKey
	printer *browser.Printer
}

// NewCmdReport writes the customer pack.
func NewCmdReport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, Now: time.Now, HowFar: f.HowFar}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the monthly customer pack: a branded page per customer and an overview, HTML or PDF",
		Long: `report writes, for a period (default: last month), one self-contained page per
customer (training completion and overdue users, phishing simulations with
scanner activity apart and repeat clickers, surveys) and an overview of all
customers, into the directory -o names. Pages carry your name and logo
(--brand-name, --brand-logo, --accent), never keepnet-flow's unless --credit.

Records come from the service (--company, --companies-file, --all-companies),
from saved training-results, phishing-results and survey-results output
(--from, repeatable), or from a sync database (--db); the same records give
the same pages. -f pdf prints each page with a local Chromium or Chrome.

Exit status: 0 written; 3 written, but some data could not be had (each
page says what); 2 bad input (nothing written); 1 other failures.
See docs/report.md.`,
		Example: `  keepnet-flow report --all-companies --brand-name "Northwind Security" --brand-logo logo.png -o pack
  keepnet-flow report --company Acme --since 2026-10-01 --until 2026-11-01 -f pdf
  keepnet-flow report --db keepnet.db --sort clicked -o november
  keepnet-flow report --from training.ndjson --from phishing.ndjson --from survey.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return reportRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.Companies = cmdutil.AddCompanyFlags(f, cmd, "every company these credentials manage (with --from or --db: every company there, the default)")
	fl.StringVar(&opts.Since, "since", "", "first day of the period, YYYY-MM-DD or RFC 3339 (default: the first of last month)")
	fl.StringVar(&opts.Until, "until", "", "the day after the period, YYYY-MM-DD or RFC 3339 (default: a month after --since)")
	fl.StringArrayVar(&opts.From, "from", nil, "read saved results output (ndjson or json of training-results, phishing-results, survey-results) instead of pulling; repeatable")
	fl.StringVar(&opts.DB, "db", "", "read a sync database instead of pulling: a SQLite file or a postgres:// URL")
	fl.StringVar(&opts.DBPasswordFile, "db-password-file", "", "read the PostgreSQL password from `FILE`")
	fl.StringVarP(&opts.Format, "format", "f", formatHTML, "output format: "+strings.Join(formats, ", "))
	fl.StringVarP(&opts.Output, "output", "o", "", "write the pack into `DIR`, made if missing (default: report-PERIOD)")
	fl.StringVar(&opts.Sort, "sort", string(report.SortName), "order of the overview: "+strings.Join(report.SortKeys(), ", ")+" (rates: those needing attention first)")
	fl.StringVar(&opts.BrandName, "brand-name", "", "your company's name, on every page")
	fl.StringVar(&opts.BrandLogo, "brand-logo", "", "your logo, a PNG, JPEG or SVG `FILE`, embedded in every page")
	fl.StringVar(&opts.Accent, "accent", "", "accent colour of the pages, #rrggbb")
	fl.BoolVar(&opts.Credit, "credit", false, "say on every page that keepnet-flow made it")
	fl.StringVar(&opts.Browser, "browser", "", "Chromium or Chrome to print PDFs with (default: found on PATH)")
	opts.Pace = cmdutil.AddPaceFlags(cmd, "at most this many requests per second (0: no limit)")
	_ = cmd.MarkFlagFilename("from", "ndjson", "json") // the flags exist: cannot fail
	_ = cmd.MarkFlagFilename("brand-logo", "png", "jpg", "jpeg", "svg")
	_ = cmd.MarkFlagDirname("output")
	cmd.MarkFlagsMutuallyExclusive("from", "db")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "company")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "companies-file")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("sort", cobra.FixedCompletions(report.SortKeys(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks everything that needs no API call and writes nothing:
// flags, the period, the logo, the browser for PDFs.
func (o *Options) validate() error {
	format, err := cmdutil.CanonicalFormat(o.Format, formats)
	if err != nil {
		return err
	}
	o.Format = format
	if err := o.Companies.CheckNotEmpty(); err != nil {
		return err
	}
	if len(o.From) == 0 && o.DB == "" && !o.Companies.Any() {
		return cmdutil.InvalidValue("company", "", "is missing: name the customers with --company (repeatable), --companies-file or --all-companies, or read --from saved results or a --db")
	}
	for _, path := range o.From {
		if strings.TrimSpace(path) == "" {
			return cmdutil.InvalidValue("from", "", "is empty; pass a file name")
		}
	}
	if strings.TrimSpace(o.Output) == "-" {
		return cmdutil.InvalidValue("output", o.Output, "names a directory for the pack's files; stdout cannot hold them")
	}
	if o.period, err = period(o.Since, o.Until, o.Now()); err != nil {
		return err
	}
	key, ok := report.ParseSortKey(o.Sort)
	if !ok {
		return cmdutil.InvalidValue("sort", o.Sort, "is not one of "+strings.Join(report.SortKeys(), ", "))
	}
	o.sortKey = key
	if err := o.Pace.Check(); err != nil {
		return err
	}
	o.brand = report.Brand{Name: strings.TrimSpace(o.BrandName), Credit: o.Credit}
	if o.Accent != "" {
		if o.brand.Accent, err = report.CheckAccent(o.Accent); err != nil {
			return cmdutil.InvalidValue("accent", o.Accent, err.Error())
		}
	}
	if o.BrandLogo != "" {
		if o.brand.Logo, err = report.LoadLogo(o.BrandLogo); err != nil {
			return cmdutil.InvalidValue("brand-logo", o.BrandLogo, err.Error())
		}
	}
	if o.Format == formatPDF {
		bin, err := browser.Find(o.Browser)
		if err != nil {
			if errors.Is(err, browser.ErrNotFound) {
				return cmdutil.FlagErrorf("-f pdf: %v; or name one with --browser", err)
			}
			return cmdutil.InvalidValue("browser", o.Browser, err.Error())
		}
		o.printer = &browser.Printer{Bin: bin}
	}
	return nil
}

// period reads --since and --until: dates in the local time zone, or RFC
// 3339 times. Without them the period is last month; with --since alone,
// the month from it; with --until alone, the month before it.
func period(since, until string, now time.Time) (report.Period, error) {
	var p report.Period
	var err error
	if since != "" {
		if p.Since, err = parseDay(since); err != nil {
			return p, cmdutil.InvalidValue("since", since, err.Error())
		}
	}
	if until != "" {
		if p.Until, err = parseDay(until); err != nil {
			return p, cmdutil.InvalidValue("until", until, err.Error())
		}
	}
	switch {
	case p.Since.IsZero() && p.Until.IsZero():
		p = report.LastMonth(now)
	case p.Until.IsZero():
		p.Until = p.Since.AddDate(0, 1, 0)
	case p.Since.IsZero():
		p.Since = p.Until.AddDate(0, -1, 0)
	}
	if err := p.Check(); err != nil {
		return p, cmdutil.InvalidValue("until", until, err.Error())
	}
	return p, nil
}

func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("is not a date: write YYYY-MM-DD (2026-11-01) or an RFC 3339 time")
}

// outputDir is -o, or report-PERIOD in the working directory.
func (o *Options) outputDir() string {
	if o.Output != "" {
		return o.Output
	}
	return "report-" + o.period.Slug()
}

// makeDir makes the pack's directory if it is missing: readable by its
// owner only, as the pages hold people's names and results.
func makeDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return cmdutil.InvalidValue("output", dir, "is a file; the pack is a directory of files")
	case err == nil:
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return cmdutil.InvalidValue("output", dir, "cannot be used: "+err.Error())
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cmdutil.InvalidValue("output", dir, "cannot be made: "+err.Error())
	}
	return nil
}

func describe(n int, one, many string) string { return cmdutil.Count(n, one, many) }

// writeNotices says on stderr what the pack leaves out or found twice.
func writeNotices(opts *Options, c *report.Collector, p *report.Pack) {
	w := opts.IO.Progress()
	if n := c.Duplicates(); n > 0 {
		fmt.Fprintf(w, "keepnet-flow: %s read more than once, counted once\n", describe(n, "record was", "records were"))
	}
	conflicts := c.Conflicts()
	for i, cf := range conflicts {
		if i == 5 {
			fmt.Fprintf(w, "keepnet-flow: … and %d more conflicting copies\n", len(conflicts)-5)
			break
		}
		fmt.Fprintf(w, "keepnet-flow: conflicting copies: %s\n", cmdutil.OneLine(cf.String()))
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "keepnet-flow: %s\n", cmdutil.OneLine(n))
	}
}
