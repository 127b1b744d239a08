package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// surveyResultsFlags are the survey-results command's flags.
type surveyResultsFlags struct {
	company     string
	enrollment  string
	format      string
	output      string
	concurrency int
	rate        float64
}

// newSurveyResultsCmd pulls one survey's results, user by user.
func newSurveyResultsCmd(a *app) *cobra.Command {
	var f surveyResultsFlags
	cmd := &cobra.Command{
		Use:   "survey-results",
		Short: "Pull a customer's survey results, one record per user",
		Long: `survey-results pulls a survey enrollment's results in a customer company:
every target user with their status, last interaction, interaction timeline
and answers (question, chosen option, response code, time taken).

Company and enrollment are given by name or ID: an exact name
(case-insensitive) wins, else a single partial match; anything else is
refused with the candidates and their IDs listed.

Formats:
  ndjson    one JSON record per user and line (default)
  json      one document {company, enrollment, summary, users: [...]}
  csv       one row per answer; a user without answers gets one row
  csv-wide  one row per user, one column per question (the header is the
            question text); records are spooled to a temporary file until
            the last user has shown which questions exist

Records come out in the order the service lists the users, as soon as they
are complete, so memory stays flat however large the survey. With -o the
file appears only when the pull finished; a failed run leaves none.

The pull waits on the network, so it runs Go code on one thread and with
GOGC=200, which costs the least CPU per user; set GOMAXPROCS or GOGC to
choose otherwise.

Exit status: 0 all users complete; 3 some users' data could not be fetched
after retries (their records carry an "error" field, everything else is
written); 2 bad input (nothing written); 1 other failures.`,
		Example: `  keepnet-flow survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey"
  keepnet-flow survey-results --company k3AcmeMfg001 --enrollment e7AcmeSrv001 --format csv-wide -o results.csv
  keepnet-flow survey-results --company Globex --enrollment "Culture" --format json --concurrency 16 --rate 20`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSurveyResults(cmd, a, f)
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&f.company, "company", "", "customer company, by name or ID")
	flags.StringVar(&f.enrollment, "enrollment", "", "survey enrollment, by name or ID")
	flags.StringVar(&f.format, "format", surveyout.NDJSON, "output format: "+strings.Join(surveyout.Formats(), ", "))
	flags.StringVarP(&f.output, "output", "o", "", "write to FILE (atomically) instead of stdout")
	flags.IntVar(&f.concurrency, "concurrency", workflows.DefaultSurveyConcurrency, "requests in flight at once")
	flags.Float64Var(&f.rate, "rate", 0, "at most this many requests per second (0: no bound; either way the pace adapts to the service's 429s)")
	_ = cmd.MarkFlagRequired("company")    // the flag exists: cannot fail
	_ = cmd.MarkFlagRequired("enrollment") // the flag exists: cannot fail
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(surveyout.Formats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags that need no API call, so that bad input fails
// before anything is fetched or written.
func (f surveyResultsFlags) validate() error {
	switch {
	case strings.TrimSpace(f.company) == "":
		return &workflows.InputError{Field: "company", Reason: "is empty; pass a name or ID"}
	case strings.TrimSpace(f.enrollment) == "":
		return &workflows.InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
	case !surveyout.Valid(f.format):
		return &workflows.InputError{Field: "format", Value: f.format, Reason: "is not one of " + strings.Join(surveyout.Formats(), ", ")}
	case f.concurrency < 1:
		return &workflows.InputError{Field: "concurrency", Value: fmt.Sprint(f.concurrency), Reason: "must be at least 1"}
	case f.rate < 0 || f.rate != f.rate: // NaN is not a rate either
		return &workflows.InputError{Field: "rate", Value: fmt.Sprint(f.rate), Reason: "must be 0 (no limit) or more"}
	}
	return nil
}

func runSurveyResults(cmd *cobra.Command, a *app, f surveyResultsFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	if a.ownsProcess {
		tuneRuntimeForPull()
	}
	if f.output == "" || f.output == "-" {
		return pullSurveyTo(cmd, a, f, a.stdout(), "", func() error { return nil })
	}
	// The output file is created (as a temporary file beside the target)
	// before any API call, so an unwritable path costs nothing.
	file, err := atomicfile.Create(f.output)
	if err != nil {
		return &workflows.InputError{Field: "output", Value: f.output, Reason: "cannot be written: " + err.Error()}
	}
	defer file.Abort() //nolint:errcheck // after Commit it does nothing; on failure the run's own error is the one to report
	// csv-wide spools beside the output: a directory known to be writable,
	// on the file system the user chose for the data.
	return pullSurveyTo(cmd, a, f, file, filepath.Dir(f.output), file.Commit)
}

// pullSurveyTo runs the pull into dest and calls commit once everything is
// written; on any failure commit is not called.
func pullSurveyTo(cmd *cobra.Command, a *app, f surveyResultsFlags, dest io.Writer, spoolDir string, commit func() error) error {
	ctx := cmd.Context()
	if f.rate > 0 {
		a.clientOpts = append(a.clientOpts, keepnet.WithRateLimit(f.rate))
	}
	// The pull keeps this many requests in flight; the client then keeps as
	// many idle connections, so none is dialled twice.
	a.clientOpts = append(a.clientOpts, keepnet.WithMaxInFlight(f.concurrency))
	client, err := a.client(ctx)
	if err != nil {
		return err
	}
	pull, err := workflows.OpenSurvey(ctx, client, workflows.SurveyRequest{
		Company:     f.company,
		Enrollment:  f.enrollment,
		Concurrency: f.concurrency,
	})
	if err != nil {
		return err
	}
	header := surveyout.Header{Company: pull.Company, Enrollment: pull.Enrollment, Summary: pull.Summary}
	w, err := surveyout.New(f.format, dest, header, surveyout.Options{SpoolDir: spoolDir})
	if err != nil {
		return err
	}
	bar := newSurveyProgress(a)
	done, failed := 0, 0
	for user, err := range pull.Users(ctx) {
		if err != nil {
			_ = w.Discard() // the pull's error is the one to report
			bar.stop()
			return err
		}
		if err := w.WriteUser(user); err != nil {
			_ = w.Discard() // the write error is the one to report
			bar.stop()
			return err
		}
		done++
		if user.Error != "" {
			failed++
		}
		bar.step(pull.Total(), client.Pace().Rate)
	}
	bar.stop()
	if err := w.Close(); err != nil {
		return err
	}
	if err := commit(); err != nil {
		return err
	}
	where := "stdout"
	if f.output != "" && f.output != "-" {
		where = f.output
	}
	fmt.Fprintf(a.progress(), "keepnet-flow: %d users of %q (%s) written to %s", done, pull.Enrollment.Name, pull.Company.Name, where)
	if failed > 0 {
		fmt.Fprintf(a.progress(), "; %d incomplete", failed)
	}
	if pace := client.Pace(); pace.Throttled > 0 {
		fmt.Fprintf(a.progress(), "; %d requests throttled (429), %s spent waiting them out", pace.Throttled, pace.Waited.Round(100*time.Millisecond))
		if pace.Rate > 0 {
			fmt.Fprintf(a.progress(), ", paced at %.1f requests/s at the end", pace.Rate)
		}
	}
	fmt.Fprintln(a.progress())
	if failed > 0 {
		return fmt.Errorf("%d of %d users could not be fetched completely (their records carry the error): %w", failed, done, workflows.ErrIncomplete)
	}
	return nil
}

// surveyProgress is a progress bar on stderr, shown only when stderr is a
// terminal (a log file or a pipe gets no control characters) and not under
// --quiet.
type surveyProgress struct {
	bar   *progressbar.ProgressBar
	total int
	rate  string // the pace shown, as shown
}

func newSurveyProgress(a *app) *surveyProgress {
	file, ok := a.stderr().(*os.File)
	if a.quiet || !ok || !term.IsTerminal(int(file.Fd())) {
		return &surveyProgress{}
	}
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(file),
		progressbar.OptionSetDescription("users"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("users"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return &surveyProgress{bar: bar, total: -1}
}

// step counts one user; total is the server's count once known, which
// turns the spinner into a bar with an ETA; rate is the client's pace in
// requests per second (0: unpaced).
func (p *surveyProgress) step(total int, rate float64) {
	if p.bar == nil {
		return
	}
	if r := paceLabel(rate); r != p.rate {
		p.rate = r
		p.bar.Describe("users" + r)
	}
	// The server's count can be wrong; a bar never shrinks below what is
	// already done.
	if total >= 0 && total != p.total && total >= int(p.bar.State().CurrentNum) {
		p.total = total
		p.bar.ChangeMax(total)
	}
	_ = p.bar.Add(1) // a progress bar that cannot draw is no reason to stop
}

// paceLabel describes the pace for the progress line, rounded so that the
// line does not flicker.
func paceLabel(rate float64) string {
	if rate <= 0 {
		return ""
	}
	return fmt.Sprintf(" (paced at %.0f req/s)", rate)
}

func (p *surveyProgress) stop() {
	if p.bar != nil {
		_ = p.bar.Finish() // as in step
	}
}

// tuneRuntimeForPull sets the Go runtime up for a long, latency-bound
// pull; GOMAXPROCS, GOGC and GOMEMLIMIT set by the user win.
//
//   - One thread runs Go code. The pull waits on the network and needs
//     far less than a core (about 6,000 users/s of client work fit in one
//     on the benchmark machine), but with more threads every response
//     wakes another one to look for work and put it back to sleep: on the
//     benchmark's 2-vCPU VM that cost about a fifth of the CPU per user, at
//     40 ms latency and at full speed alike, for no gain in wall time.
//   - The live heap is small and does not grow with the survey (a window
//     of users in flight), so the default GOGC=100 collects very often for
//     little gain. GOGC=200 costs the same CPU as 400 at full speed but
//     touches 3,100 fresh pages instead of 5,100 (22 against 31 MiB peak
//     RSS), and a page fault costs several microseconds in a VM; 100
//     touched more pages again, as the scavenger returned memory that the
//     next cycle faulted back in. The soft memory limit makes the
//     collector work harder should the heap ever approach it.
//
// See docs/benchmarks.md for the measurements.
func tuneRuntimeForPull() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
}
