package pullcmd

import (
	"context"
	"io"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Spec is what a pull command tells the run: where it runs, how its pull
// is opened, and how its records are written and named.
type Spec[R any] struct {
	Flags       *Flags
	IO          *iostreams.IOStreams
	Client      func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	HowFar      *cmdutil.HowFar
	OwnsProcess bool

	// Journal is the --resume journal's, Header included.
	Journal JournalSpec[R]
	// Open opens the pull req asks for.
	Open func(ctx context.Context, c *keepnet.Client, req Request[R]) (*workflows.Pull[R], error)
	// NewSink makes the format's writer to w for the pull; across is set
	// when it is written as many companies' rather than one's.
	NewSink func(p *workflows.Pull[R], w io.Writer, spoolDir string, across bool) (Sink[R], error)
	// SourceOf names the source a record belongs to: its company's ID and
	// the source's (workflows.Source.ID).
	SourceOf func(R) (companyID, sourceID string)
	// Of names what a one-company pull pulled, for its closing line:
	// `"Security Culture Survey"`, "2 jobs".
	Of func(p *workflows.Pull[R]) string
	// In names, for a company whose listing came up short, what it was
	// listing: `survey "Security Culture Survey"`. Nil names the listing.
	In func(p *workflows.Pull[R], co workflows.Company, le *workflows.ListingError) string
	// SourcesNoun names the pull's sources on the progress bar:
	// "companies" (a survey each), "enrollments", "jobs".
	SourcesNoun string
	// Skipped tells, on w, which companies of the pull were skipped and
	// why.
	Skipped func(w io.Writer, p *workflows.Pull[R])
}

// Request is what the run asks Open for.
type Request[R any] struct {
	Companies   workflows.CompanySelection
	Concurrency int
	// SpoolDir is the output's directory, where what waits to be written
	// is spooled (in files with no name).
	SpoolDir string
	// Reuse is the journal's, nil without --resume.
	Reuse func(partial R) (R, bool)
}

// Sink is a format's writer of a pull's records, each naming its company
// and source.
type Sink[R any] interface {
	// BeginSource starts the records of a source: in a grouped document,
	// its company's group when that is a new company, then its own.
	BeginSource(src *workflows.Source) error
	// BeginCompany starts the group of a company that has no source: one
	// whose lookup failed.
	BeginCompany(co workflows.Company) error
	Write(rec R) error
	// CompanyFailed notes why the current company's records stop short,
	// for the formats that have a place for it.
	CompanyFailed(reason string)
	// Close finishes the output; Discard releases what the writer holds
	// without finishing it, for a run that failed.
	Close() error
	Discard() error
	// DateNotice, after Close, says why some dates got no ISO 8601
	// companion, or "" when all did.
	DateNotice() string
}

// Run checks the shared flags' input (the command has checked its own),
// opens the output and the journal before any API call, and writes the
// pull's records, committing the output only when the pull has finished.
func Run[R any](ctx context.Context, s *Spec[R]) error {
	companies, err := s.Flags.Companies.Refs()
	if err != nil {
		return err
	}
	if s.OwnsProcess {
		tuneRuntimeForPull()
	}
	// The output is opened before any API call, so an unwritable path
	// costs nothing. A file is written as a nameless temporary file in the
	// target's directory until the pull has finished.
	out, err := cmdutil.OpenOutput(s.Flags.Output, s.IO.Out)
	if err != nil {
		return err
	}
	defer out.Abort() //nolint:errcheck // after Commit it does nothing; on failure the run's own error is the one to report
	var journal *Journal[R]
	if s.Flags.Resume {
		if !out.Atomic() {
			return cmdutil.InvalidValue("resume", s.Flags.Output, "needs -o to name a regular file, which is replaced only when complete")
		}
		lock, err := LockOutput(s.Flags.Output)
		if err != nil {
			return err
		}
		defer lock.Release() //nolint:errcheck // the kernel drops the lock with the process anyway; a lock file left behind locks nothing
		if journal, err = OpenJournal(s.Flags.Output, s.Journal); err != nil {
			return err
		}
		defer journal.Close() //nolint:errcheck // what matters was written record by record; a second close after Remove is harmless
	}
	w := &writing[R]{spec: s, out: out, journal: journal, across: s.Flags.Companies.Across()}
	s.HowFar.Set(w.howFar)
	return w.run(ctx, workflows.CompanySelection{Companies: companies, All: s.Flags.Companies.All})
}
