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
	companies     []string
	allCompanies  bool
	companiesFile string
	resume        bool
	enrollment    string
	format        string
	output        string
	concurrency   int
	rate          float64
	csvRaw        bool
	questionIDs   bool
}

// newSurveyResultsCmd pulls a survey's results, user by user, from one
// customer company or many.
func newSurveyResultsCmd(a *app) *cobra.Command {
	var f surveyResultsFlags
	cmd := &cobra.Command{
		Use:   "survey-results",
		Short: "Pull customers' survey results, one record per user",
		Long: `survey-results pulls a survey enrollment's results in one or more customer
companies: every target user with their status, last interaction,
interaction timeline and answers (question, chosen option, response code,
time taken). Every record names its company (companyId, companyName; in
ndjson and json also the company's enrollmentId and enrollmentName).

Companies: --company (repeatable), --companies-file FILE (one name or ID a
line; blank lines and lines starting with # are ignored; may be combined
with --company), or --all-companies (every company the credentials
manage). --enrollment names the survey and is resolved in each company.
With --all-companies a company without the survey is listed in a notice
and skipped; a company named explicitly without it is bad input, and so is
an ambiguous match in any company. All of it is resolved before the first
record is written.

Companies are pulled side by side, sharing --concurrency and --rate; the
records come out company by company, in the order the companies were named
(--all-companies: as the service lists them), each company's users in the
order the service lists them. One company's failure does not stop the
others: the run ends with a summary of each company's users, complete and
failed, and exits 3.

Company and enrollment are given by name or ID: an exact name
(case-insensitive) wins, else a single partial match, else the same
ignoring accents, apostrophe style and runs of spaces or punctuation;
anything else is refused with the candidates and their IDs listed, or the
closest names.

Formats:
  ndjson    one JSON record per user and line (default)
  json      one document {company, enrollment, summary, users: [...]} for a
            single --company; across companies (more than one --company,
            --companies-file, --all-companies) one document {companies:
            [{company, enrollment, summary, users: [...]}, ...]}; a company
            whose pull failed carries "error" after its users
  csv       one row per answer; a user without answers gets one row
  csv-wide  one row per user, one column per question (the header is the
            question text, with its ID under --question-ids), in the
            survey's question order; records are spooled to a temporary
            file until the last user has shown which questions exist
  csv and csv-wide start with the columns companyId and companyName.

Dates are kept as the server sent them, in the company's display format;
lastInteractionDateIso (and each interaction's timeIso) gives them in ISO
8601 in the company's day/month order, from its date-format setting or,
where that cannot be read, from its own dates in the survey (a day above 12
shows it), and is left out where the order is unknown, never guessed:
a notice on stderr says how many and why. csv-wide sees every date before
its first row; the streaming formats only those before the record.

--resume (needs -o FILE) keeps a journal of the complete records in
FILE.journal (mode 0600, JSON lines after a line naming the enrollment and
companies), written as the records come. A rerun with the same arguments
and --resume fetches only the users the journal lacks (failed or never
reached; the companies' listings and summaries are fetched again) and
writes the same FILE as one clean run. The journal is deleted once FILE is
complete; after a run with failures it is kept for the next rerun. A
journal of other arguments is refused, and so is a symlink. A second
--resume run on FILE while one runs refuses (FILE.lock). Without --resume
nothing is kept.

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
written), or, across companies, some company failed; 2 bad input (nothing
written); 130, 143, 129 stopped by SIGINT,
SIGTERM, SIGHUP (nothing written to a file); 1 other failures.`,
		Example: `  keepnet-flow survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey"
  keepnet-flow survey-results --company k3AcmeMfg001 --enrollment e7AcmeSrv001 --format csv-wide -o results.csv
  keepnet-flow survey-results --company Globex --enrollment "Culture" --format json --concurrency 16 --rate 20
  keepnet-flow survey-results --all-companies --enrollment "Security Culture Survey" -o all.ndjson --resume
  keepnet-flow survey-results --companies-file customers.txt --enrollment "Security Culture Survey" --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSurveyResults(cmd, a, f)
		},
	}
	flags := cmd.Flags()
	flags.StringArrayVar(&f.companies, "company", nil, "customer company, by name or ID; repeat for several")
	flags.BoolVar(&f.allCompanies, "all-companies", false, "every company the credentials manage (those without the survey are skipped)")
	flags.StringVar(&f.companiesFile, "companies-file", "", "read companies from FILE, one name or ID a line (# comments)")
	flags.BoolVar(&f.resume, "resume", false, "keep a journal beside -o FILE so that a rerun fetches only what is missing")
	flags.StringVar(&f.enrollment, "enrollment", "", "survey enrollment, by name or ID")
	flags.StringVarP(&f.format, "format", "f", surveyout.NDJSON, "output format: "+strings.Join(surveyout.Formats(), ", "))
	flags.StringVarP(&f.output, "output", "o", "", "write to FILE (atomically, mode 0600 if new) instead of stdout; - is stdout (the format is --format's)")
	flags.IntVar(&f.concurrency, "concurrency", workflows.DefaultConcurrency, fmt.Sprintf("requests in flight at once (1 to %d)", maxConcurrency))
	flags.Float64Var(&f.rate, "rate", 0, fmt.Sprintf("at most this many requests per second, %g to %d (0: no bound; either way the pace adapts to the service's 429s)", minRate, maxRate))
	flags.BoolVar(&f.csvRaw, "csv-raw", false, "csv, csv-wide: keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
	flags.BoolVar(&f.questionIDs, "question-ids", false, `csv-wide: head each question column "text [question ID]"`)
	_ = cmd.MarkFlagRequired("enrollment") // the flag exists: cannot fail
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(surveyout.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("company", a.complete(a.completeCompanies))
	return cmd
}

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
	for _, co := range f.companies {
		if strings.TrimSpace(co) == "" {
			return &workflows.InputError{Field: "company", Reason: "is empty; pass a name or ID"}
		}
	}
	switch {
	case f.allCompanies && (len(f.companies) > 0 || f.companiesFile != ""):
		return &workflows.InputError{Field: "all-companies", Reason: "cannot be combined with --company or --companies-file; choose one"}
	case !f.allCompanies && len(f.companies) == 0 && f.companiesFile == "":
		return &workflows.InputError{Field: "company", Reason: "is missing; pass --company (repeatable), --companies-file or --all-companies"}
	case f.resume && (f.output == "" || f.output == "-"):
		return &workflows.InputError{Field: "resume", Reason: "needs -o FILE: the journal is kept beside the output"}
	case strings.TrimSpace(f.enrollment) == "":
		return &workflows.InputError{Field: "enrollment", Reason: "is empty; pass a name or ID"}
	case f.questionIDs && f.format != surveyout.CSVWide:
		return &workflows.InputError{Field: "question-ids", Reason: "applies to --format csv-wide only; the other formats carry questionId in every answer"}
	}
	return checkPaceFlags(f.concurrency, f.rate)
}

func runSurveyResults(cmd *cobra.Command, a *app, f surveyResultsFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	companies, err := f.companyRefs()
	if err != nil {
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
	var journal *surveyJournal
	if f.resume {
		if !out.Atomic() {
			return &workflows.InputError{Field: "resume", Value: f.output, Reason: "needs -o to name a regular file, which is replaced only when complete"}
		}
		lock, err := lockOutput(f.output)
		if err != nil {
			return err
		}
		defer lock.Release() //nolint:errcheck // the kernel drops the lock with the process anyway; a lock file left behind locks nothing
		journal, err = openJournal(f.output, journalHeader{Version: journalVersion, Enrollment: f.enrollment, Companies: companies, All: f.allCompanies})
		if err != nil {
			return err
		}
		defer journal.close() //nolint:errcheck // what matters was written record by record; a second close after remove is harmless
	}
	return pullSurveyTo(cmd, a, f, companies, out, journal)
}

// pullSurveyTo runs the pull into out and commits it once everything is
// written; on any failure it is not committed.
func pullSurveyTo(cmd *cobra.Command, a *app, f surveyResultsFlags, companies []string, out *output.Target, journal *surveyJournal) error {
	ctx := cmd.Context()
	if f.rate > 0 {
		a.clientOpts = append(a.clientOpts, keepnet.WithRateLimit(f.rate))
	}
	// The pull keeps this many requests in flight; the client then keeps as
	// many idle connections, so none is dialled twice.
	a.clientOpts = append(a.clientOpts, keepnet.WithMaxInFlight(f.concurrency))
	var (
		pull         *workflows.Pull[workflows.SurveyRecord]
		done, failed int
	)
	a.howFar = func() string {
		howFar := "while looking up the companies and the enrollment"
		if pull != nil {
			pr := pull.Progress()
			howFar = fmt.Sprintf("after %d users", done)
			if pr.Rows >= 0 {
				howFar = fmt.Sprintf("after %d of %d users", done, pr.Rows)
			}
			if f.acrossCompanies() {
				howFar += fmt.Sprintf(" (%d of %d companies fetched)", pr.SourcesDone, pr.Sources)
			}
		}
		if journal != nil {
			howFar += fmt.Sprintf("; the complete records are kept in %s for a rerun with --resume", journal.path)
		}
		return howFar + "; " + out.Unfinished()
	}
	client, err := a.client(ctx)
	if err != nil {
		return err
	}
	req := workflows.SurveyRequest{
		Companies:   workflows.CompanySelection{Companies: companies, All: f.allCompanies},
		Enrollment:  f.enrollment,
		Concurrency: f.concurrency,
		SpoolDir:    out.SpoolDir(),
	}
	if journal != nil {
		req.Reuse = journal.reuse
	}
	pull, err = workflows.OpenSurveyResults(ctx, client, req)
	if err != nil {
		return err
	}
	grouped := f.acrossCompanies()
	if !grouped && len(pull.Failed) > 0 {
		return pull.Failed[0].Err
	}
	if journal != nil {
		if err := journal.start(); err != nil {
			return err
		}
	}
	if len(pull.Skipped) > 0 {
		names := make([]string, len(pull.Skipped))
		for i, sk := range pull.Skipped {
			// %q: a name from the server reaches the terminal escaped.
			names[i] = fmt.Sprintf("%q (%s)", sk.Company.Name, sk.Company.ID)
		}
		fmt.Fprintf(a.progress(), "keepnet-flow: skipping %d of %d companies without survey %q: %s\n",
			len(pull.Skipped), len(pull.Skipped)+len(pull.Sources)+len(pull.Failed), f.enrollment, strings.Join(names, ", "))
	}
	headerOf := surveyout.HeaderOf
	var header surveyout.Header
	if !grouped {
		header = headerOf(pull.Sources[0])
	}
	w, err := surveyout.New(f.format, out, header, surveyout.Options{SpoolDir: out.SpoolDir(), CSVRaw: f.csvRaw, QuestionIDs: f.questionIDs, Grouped: grouped})
	if err != nil {
		return err
	}
	// Every company gets its group, in order, even one without records.
	position := map[string]int{}
	for i, s := range pull.Sources {
		position[s.Company.ID] = i
	}
	begun := -1
	beginUpTo := func(i int) error {
		for ; begun < i; begun++ {
			if err := w.BeginCompany(headerOf(pull.Sources[begun+1])); err != nil {
				return err
			}
		}
		return nil
	}
	// One company: the bar counts users as they are written, as it always
	// has; across companies it shows companies and users fetched.
	step, stopBar := func() {}, func() {}
	if grouped {
		stopBar = newCompaniesProgress(a, pull, client.Pace).stop
	} else {
		bar := newSurveyProgress(a)
		step, stopBar = func() { bar.step(pull.Sources[0].Total(), client.Pace().Rate) }, bar.stop
	}
	fail := func(err error) error {
		_ = w.Discard() // the run's own error is the one to report
		stopBar()
		return err
	}
	var (
		shortfall    error
		companyFails []*workflows.CompanyError
	)
	for rec, err := range pull.Records(ctx) {
		var ce *workflows.CompanyError
		switch {
		case errors.As(err, &ce) && !grouped:
			if !errors.Is(err, workflows.ErrIncomplete) {
				return fail(ce.Err)
			}
			// Every user listed is written; the listing itself came up
			// short. The output is kept and the run exits 3.
			shortfall = ce.Err
			w.CompanyFailed(oneLine(ce.Err.Error()))
			continue
		case errors.As(err, &ce):
			companyFails = append(companyFails, ce)
			if i, ok := position[ce.Company.ID]; ok {
				if err := beginUpTo(i); err != nil {
					return fail(err)
				}
			} else if err := w.BeginCompany(surveyout.Header{Company: ce.Company}); err != nil {
				// A company whose survey could not be looked up: these come
				// first, each with a group of its own in json.
				return fail(err)
			}
			w.CompanyFailed(oneLine(ce.Err.Error()))
			continue
		case err != nil:
			return fail(err)
		}
		if err := beginUpTo(position[rec.CompanyID]); err != nil {
			return fail(err)
		}
		if err := w.WriteUser(rec.UserResult); err != nil {
			return fail(err)
		}
		if journal != nil {
			if err := journal.add(rec); err != nil {
				return fail(err)
			}
		}
		done++
		if rec.Error != "" {
			failed++
		}
		step()
	}
	stopBar()
	if err := beginUpTo(len(pull.Sources) - 1); err != nil {
		_ = w.Discard() // as in fail
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if notice := w.DateNotice(); notice != "" {
		fmt.Fprintf(a.progress(), "keepnet-flow: %s\n", notice)
	}
	if err := out.Commit(); err != nil {
		return err
	}
	complete := failed == 0 && shortfall == nil && len(companyFails) == 0
	if journal != nil && complete {
		if err := journal.remove(); err != nil {
			return err
		}
	}
	if grouped {
		return closeAcrossCompanies(a, pull, out, done, failed, companyFails, journal, client.Pace())
	}
	s := pull.Sources[0]
	fmt.Fprintf(a.progress(), "keepnet-flow: %d users of %q (%s) written to %s", done, s.Name, termsafe.String(s.Company.Name), out.Name())
	if failed > 0 {
		fmt.Fprintf(a.progress(), "; %d incomplete", failed)
	}
	fmt.Fprintln(a.progress(), paceSummary(client.Pace()))
	if journal != nil && !complete {
		fmt.Fprintf(a.progress(), "keepnet-flow: rerun with --resume to fetch only what is missing; %s keeps the rest\n", journal.path)
	}
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
	rate  string // the pace shown, as shown
}

func newSurveyProgress(a *app) *surveyProgress {
	file, ok := a.stderr().(*os.File)
	if a.quiet || !ok || !term.IsTerminal(int(file.Fd())) {
		return &surveyProgress{}
	}
	return &surveyProgress{bar: newUsersBar(file), total: -1}
}

// newUsersBar is the bar both progress lines draw on file: users counted,
// a spinner until the server's count turns it into a bar with an ETA.
func newUsersBar(file *os.File) *progressbar.ProgressBar {
	return progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(file),
		progressbar.OptionSetDescription("users"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("users"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
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

// paceSummary is the closing line's account of the pace: how many
// requests the service turned away and how long they waited, or "" when it
// turned none away.
func paceSummary(pace keepnet.PaceStats) string {
	if pace.Throttled == 0 {
		return ""
	}
	s := fmt.Sprintf("; %d requests throttled (429), %s spent waiting them out", pace.Throttled, pace.Waited.Round(100*time.Millisecond))
	if pace.Rate > 0 {
		s += fmt.Sprintf(", paced at %.1f requests/s at the end", pace.Rate)
	}
	return s
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
