package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keepnet-flow/keepnet-flow/internal/output"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
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
	csvRaw      bool
	questionIDs bool
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
(case-insensitive) wins, else a single partial match, else the same
ignoring accents, apostrophe style and runs of spaces or punctuation;
anything else is refused with the candidates and their IDs listed, or the
closest names.

Formats:
  ndjson    one JSON record per user and line (default)
  json      one document {company, enrollment, summary, users: [...]}
  csv       one row per answer; a user without answers gets one row
  csv-wide  one row per user, one column per question (the header is the
            question text, with its ID under --question-ids), in the
            survey's question order; records are spooled to a temporary
            file until the last user has shown which questions exist

Dates are kept as the server sent them, in the company's display format;
lastInteractionDateIso (and each interaction's timeIso) gives them in ISO
8601 where the day/month order is known from the survey's own dates (a day
above 12 shows it), and is left out otherwise, never guessed: a notice on
stderr says how many and why. csv-wide sees every date before its first
row; the streaming formats only those before the record.

In csv and csv-wide, a cell that a spreadsheet would run as a formula (one
starting with =, +, -, @, a tab or a carriage return: names and departments
come from customers' directories) gets a leading single quote, as OWASP
recommends; --csv-raw writes them as sent. ndjson and json always keep the
text as sent.

Records come out in the order the service lists the users, as soon as they
are complete, so memory stays flat however large the survey. With -o the
file appears only when the pull finished; a failed, interrupted or killed
run leaves none, and no temporary file either.

The pull waits on the network, so it runs Go code on one thread and with
GOGC=200, which costs the least CPU per user; set GOMAXPROCS or GOGC to
choose otherwise.

-o FILE replaces FILE (or, for a symlink, the file it points to) when the
pull has finished, keeping its mode; a new file gets mode 0600, as the data
is personal. A FIFO, a device, /dev/stdout or /dev/fd/N (process
substitution) is written straight through; -o - is stdout.

Exit status: 0 all users complete; 3 some users' data could not be fetched
after retries (their records carry an "error" field, everything else is
written); 2 bad input (nothing written); 130, 143, 129 stopped by SIGINT,
SIGTERM, SIGHUP (nothing written to a file); 1 other failures.`,
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
	flags.StringVarP(&f.format, "format", "f", surveyout.NDJSON, "output format: "+strings.Join(surveyout.Formats(), ", "))
	flags.StringVarP(&f.output, "output", "o", "", "write to FILE (atomically, mode 0600 if new) instead of stdout; - is stdout (the format is --format's)")
	flags.IntVar(&f.concurrency, "concurrency", workflows.DefaultSurveyConcurrency, fmt.Sprintf("requests in flight at once (1 to %d)", maxConcurrency))
	flags.Float64Var(&f.rate, "rate", 0, "at most this many requests per second (0: no limit)")
	flags.BoolVar(&f.csvRaw, "csv-raw", false, "csv, csv-wide: keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
	flags.BoolVar(&f.questionIDs, "question-ids", false, `csv-wide: head each question column "text [question ID]"`)
	_ = cmd.MarkFlagRequired("company")    // the flag exists: cannot fail
	_ = cmd.MarkFlagRequired("enrollment") // the flag exists: cannot fail
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(surveyout.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("company", a.complete(a.completeCompanies))
	return cmd
}

// maxConcurrency bounds --concurrency. Every request in flight holds a
// goroutine, a connection and a user's records; ten million of them ran
// the runtime out of memory, and the service answers 429 long before 256.
const maxConcurrency = 256

// validate checks the flags that need no API call, so that bad input fails
// before anything is fetched or written.
func (f *surveyResultsFlags) validate() error {
	if err := checkOutputIsFile(f.output); err != nil {
		return err
	}
	format, err := canonicalFormat(f.format, surveyout.Formats())
	if err != nil {
		return err
	}
	f.format = format
	switch {
	case strings.TrimSpace(f.company) == "":
		return &workflows.InputError{Field: "company", Reason: "is empty; pass a name or ID"}
	case strings.TrimSpace(f.enrollment) == "":
		return &workflows.InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
	case f.concurrency < 1:
		return &workflows.InputError{Field: "concurrency", Value: fmt.Sprint(f.concurrency), Reason: "must be at least 1"}
	case f.concurrency > maxConcurrency:
		return &workflows.InputError{Field: "concurrency", Value: fmt.Sprint(f.concurrency), Reason: fmt.Sprintf("must be at most %d; the service rate-limits long before that", maxConcurrency)}
	case f.rate < 0 || f.rate != f.rate: // NaN is not a rate either
		return &workflows.InputError{Field: "rate", Value: fmt.Sprint(f.rate), Reason: "must be 0 (no limit) or more"}
	case f.questionIDs && f.format != surveyout.CSVWide:
		return &workflows.InputError{Field: "question-ids", Reason: "applies to --format csv-wide only; the other formats carry questionId in every answer"}
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
	// The output is opened before any API call, so an unwritable path
	// costs nothing. A file is written as a nameless temporary file in the
	// target's directory until the pull has finished.
	out, err := output.Open(f.output, a.stdout())
	if err != nil {
		return &workflows.InputError{Field: "output", Value: f.output, Reason: "cannot be written: " + err.Error()}
	}
	defer out.Abort() //nolint:errcheck // after Commit it does nothing; on failure the run's own error is the one to report
	return pullSurveyTo(cmd, a, f, out)
}

// pullSurveyTo runs the pull into out and commits it once everything is
// written; on any failure it is not committed.
func pullSurveyTo(cmd *cobra.Command, a *app, f surveyResultsFlags, out *output.Target) error {
	ctx := cmd.Context()
	if f.rate > 0 {
		a.clientOpts = append(a.clientOpts, keepnet.WithRateLimit(f.rate))
	}
	// The pull keeps this many requests in flight; the client then keeps as
	// many idle connections, so none is dialled twice.
	a.clientOpts = append(a.clientOpts, keepnet.WithMaxInFlight(f.concurrency))
	var (
		pull         *workflows.SurveyPull
		done, failed int
	)
	a.howFar = func() string {
		howFar := "while looking up the company and the enrollment"
		switch {
		case pull == nil:
		case pull.Total() >= 0:
			howFar = fmt.Sprintf("after %d of %d users", done, pull.Total())
		default:
			howFar = fmt.Sprintf("after %d users", done)
		}
		return howFar + "; " + out.Unfinished()
	}
	client, err := a.client(ctx)
	if err != nil {
		return err
	}
	pull, err = workflows.OpenSurvey(ctx, client, workflows.SurveyRequest{
		Company:     f.company,
		Enrollment:  f.enrollment,
		Concurrency: f.concurrency,
	})
	if err != nil {
		return err
	}
	header := surveyout.Header{Company: pull.Company, Enrollment: pull.Enrollment, Summary: pull.Summary}
	w, err := surveyout.New(f.format, out, header, surveyout.Options{SpoolDir: out.SpoolDir(), CSVRaw: f.csvRaw, QuestionIDs: f.questionIDs})
	if err != nil {
		return err
	}
	bar := newSurveyProgress(a)
	var shortfall error
	for user, err := range pull.Users(ctx) {
		if errors.Is(err, workflows.ErrIncomplete) {
			// Every user listed is written; the listing itself came up
			// short. The output is kept and the run exits 3.
			shortfall = err
			break
		}
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
		bar.step(pull.Total())
	}
	bar.stop()
	if err := w.Close(); err != nil {
		return err
	}
	if notice := w.DateNotice(); notice != "" {
		fmt.Fprintf(a.progress(), "keepnet-flow: %s\n", notice)
	}
	if err := out.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(a.progress(), "keepnet-flow: %d users of %q (%s) written to %s", done, pull.Enrollment.Name, termsafe.String(pull.Company.Name), out.Name())
	if failed > 0 {
		fmt.Fprintf(a.progress(), "; %d incomplete", failed)
	}
	fmt.Fprintln(a.progress())
	if shortfall != nil {
		return fmt.Errorf("the output is incomplete: %w", shortfall)
	}
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
// turns the spinner into a bar with an ETA.
func (p *surveyProgress) step(total int) {
	if p.bar == nil {
		return
	}
	// The server's count can be wrong; a bar never shrinks below what is
	// already done.
	if total >= 0 && total != p.total && total >= int(p.bar.State().CurrentNum) {
		p.total = total
		p.bar.ChangeMax(total)
	}
	_ = p.bar.Add(1) // a progress bar that cannot draw is no reason to stop
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
