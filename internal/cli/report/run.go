package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func reportRun(ctx context.Context, opts *Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	dir := opts.outputDir()
	if err := checkDir(dir); err != nil {
		return err
	}
	c := report.NewCollector()
	var (
		st  report.Stats
		err error
	)
	switch {
	case len(opts.From) > 0:
		st, err = fromFiles(opts, c)
	case opts.DB != "":
		st, err = fromDB(ctx, opts, c)
	default:
		st, err = fromService(ctx, opts, c)
	}
	if err != nil {
		return err
	}
	now := opts.Now()
	pack := report.Build(c, opts.period, now)
	if err := makeDir(dir); err != nil {
		return err
	}
	what := "pages"
	if opts.printer != nil {
		what = "PDFs"
		fmt.Fprintf(opts.IO.Progress(), "keepnet-flow: printing %d pages with %s\n", len(pack.Customers)+1, filepath.Base(opts.printer.Bin))
	}
	var written atomic.Int64
	if opts.HowFar != nil {
		opts.HowFar.Set(func() string {
			return fmt.Sprintf("while writing the pack: %s holds the %d files written so far, each whole", dir, written.Load())
		})
	}
	wo := report.WriteOptions{PageOptions: report.PageOptions{Brand: opts.brand, Generated: now}, Sort: opts.sortKey,
		Written: func(string) { written.Add(1) }}
	if opts.printer != nil {
		wo.Printer = opts.printer
	}
	paths, err := report.Write(ctx, pack, dir, wo)
	if err != nil {
		return err
	}
	writeNotices(opts, c, pack)
	var problems []string
	for _, cu := range pack.Customers {
		for _, p := range cu.Problems {
			problems = append(problems, fmt.Sprintf("%s: %s", cu.Name(), p))
		}
	}
	for _, p := range problems {
		fmt.Fprintf(opts.IO.ErrOut, "keepnet-flow: %s\n", cmdutil.OneLine(p))
	}
	fmt.Fprintf(opts.IO.Progress(), "keepnet-flow: report of %s for %s written to %s: %s (the overview) and %d customer %s\n",
		describe(len(pack.Customers), "customer", "customers"), opts.period, dir, filepath.Base(paths[0]), len(paths)-1, what)
	switch {
	case len(problems) > 0:
		return cmdutil.Incompletef("%s: some data could not be had; the pages count what could and say what is missing", describe(len(problems), "problem", "problems"))
	case st.Incomplete > 0:
		return cmdutil.Incompletef("%d of %s could not be fetched completely; the pages count what was", st.Incomplete, describe(st.Records, "record", "records"))
	}
	return nil
}

// checkDir refuses, before any work, an output that cannot become the
// pack's directory: a file, or a path whose parent is missing.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return cmdutil.InvalidValue("output", dir, "is a file; the pack is a directory of files")
	case err == nil:
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return cmdutil.InvalidValue("output", dir, "cannot be used: "+err.Error())
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return cmdutil.InvalidValue("output", dir, "cannot be made: its directory "+parent+" does not exist")
	}
	return nil
}

func fromFiles(opts *Options, c *report.Collector) (report.Stats, error) {
	var total report.Stats
	for _, path := range opts.From {
		st, err := c.ReadFile(path)
		if err != nil {
			return total, cmdutil.InvalidValue("from", path, err.Error())
		}
		total.Records += st.Records
		total.Incomplete += st.Incomplete
	}
	return total, only(opts, c)
}

// only keeps the companies --company and --companies-file name, of those
// the files or the database hold.
func only(opts *Options, c *report.Collector) error {
	if opts.Companies.All || !opts.Companies.Any() {
		return nil
	}
	refs, err := opts.Companies.Refs()
	if err != nil {
		return err
	}
	return c.Only(refs)
}

func fromDB(ctx context.Context, opts *Options, c *report.Collector) (report.Stats, error) {
	target, err := store.ParseTarget(opts.DB)
	if err != nil {
		return report.Stats{}, cmdutil.InvalidValue("db", opts.DB, err.Error())
	}
	if target.Dialect == store.SQLite {
		// A report reads a database a sync made: a new, empty one would
		// report nothing.
		if _, err := os.Stat(target.Path); err != nil {
			return report.Stats{}, cmdutil.InvalidValue("db", opts.DB, "cannot be read: "+err.Error()+"; 'keepnet-flow sync' makes one")
		}
	}
	db, err := store.OpenTarget(ctx, target, store.TargetOptions{PasswordFile: opts.DBPasswordFile})
	if err != nil {
		return report.Stats{}, err
	}
	defer db.Close() //nolint:errcheck // read only
	var refs []string
	if !opts.Companies.All && opts.Companies.Any() {
		if refs, err = opts.Companies.Refs(); err != nil {
			return report.Stats{}, err
		}
	}
	return c.ReadDB(ctx, db.DB(), opts.period, refs)
}

// fromService pulls the period's training, simulations of every channel
// and surveys, one after the other on one client and its pace.
func fromService(ctx context.Context, opts *Options, c *report.Collector) (report.Stats, error) {
	client, err := opts.Client(ctx, opts.Pace.ClientOptions()...)
	if err != nil {
		return report.Stats{}, err
	}
	sel, err := opts.Companies.Selection()
	if err != nil {
		return report.Stats{}, err
	}
	p := opts.period
	bar := cmdutil.NewUsersProgress(opts.IO, client.Pace)
	defer bar.Stop()
	step := func() { bar.Step(-1) }
	var total report.Stats
	add := func(st report.Stats, err error) error {
		total.Records += st.Records
		total.Incomplete += st.Incomplete
		return err
	}
	tp, err := workflows.OpenTrainingResults(ctx, client, workflows.TrainingRequest{Companies: sel, Since: p.Since, Until: p.Until,
		Types: []string{"SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}, Concurrency: opts.Pace.Concurrency})
	if err != nil {
		return total, err
	}
	if err := add(c.AddTrainingPull(ctx, tp, step)); err != nil {
		return total, err
	}
	for _, ch := range []workflows.Channel{workflows.ChannelPhishing, workflows.ChannelSmishing, workflows.ChannelQuishing} {
		pp, err := workflows.OpenPhishingResults(ctx, client, workflows.PhishingRequest{Companies: sel, Channel: ch, Since: p.Since, Until: p.Until, Concurrency: opts.Pace.Concurrency})
		if err != nil {
			return total, err
		}
		if err := add(c.AddPhishingPull(ctx, pp, step)); err != nil {
			return total, err
		}
	}
	sp, err := workflows.OpenSurveyResults(ctx, client, workflows.SurveyRequest{Companies: sel, Since: p.Since, Until: p.Until, Concurrency: opts.Pace.Concurrency})
	if err != nil {
		return total, err
	}
	return total, add(c.AddSurveyPull(ctx, sp, step))
}
