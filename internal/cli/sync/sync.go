// Package sync is the sync command: every customer's survey, training and
// simulation results into a SQLite file or a PostgreSQL database, kept
// up to date by running it again.
package sync

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// DefaultDB is --db's default: a SQLite file in the working directory.
const DefaultDB = "keepnet.db"

// Kinds are --kind's values, in the order a sync writes them.
var Kinds = []string{"survey", "training", "phishing", "smishing", "quishing"}

// Options are the sync command's.
type Options struct {
	IO     *iostreams.IOStreams
	Client func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	HowFar *cmdutil.HowFar

	Companies      *cmdutil.CompanyFlags
	DB             string
	DBPasswordFile string
	Full           bool
	Kinds          []string
	Wait           bool
	Pace           *cmdutil.PaceFlags
}

// NewCmdSync syncs customers' results into a database.
func NewCmdSync(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, HowFar: f.HowFar}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Keep customers' survey, training and phishing results in a database",
		Long: `sync brings customers' results into a database: companies, survey and
training enrollments with their users and answers, phishing, smishing and
quishing jobs with their users' behaviour. Every company the credentials
manage, unless --company or --companies-file name some. --db is a SQLite
file (default keepnet.db, readable by you alone) or a postgres:// URL; its
password (URL, PGPASSWORD or --db-password-file) is never printed.

Run it again to bring the database up to date: only what is not finished,
or whose summary moved, is fetched again (--full: everything). A sync
stopped at any point leaves the database consistent; the next completes
it. See docs/sync.md, docs/schema.md and docs/queries.sql.

Exit status: 0 all synced whole; 3 some company, enrollment, job or user
could not be (the rest is written, and the database says what is
missing); 2 bad input (nothing written); 1 otherwise.`,
		Example: `  keepnet-flow sync
  keepnet-flow sync --company "Acme Manufacturing" --db results.db
  keepnet-flow sync --all-companies --db postgres://reports@db.example:5432/keepnet --db-password-file pw.txt
  keepnet-flow --sandbox sync && sqlite3 keepnet.db 'SELECT name, targeted, completed FROM enrollments'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return syncRun(cmd.Context(), opts)
		},
	}
	flags := cmd.Flags()
	opts.Companies = cmdutil.AddCompanyFlags(f, cmd, "every company the credentials manage, the default (those no longer listed are marked gone)")
	flags.StringVar(&opts.DB, "db", DefaultDB, "the database: a SQLite file's `PATH`, or a postgres:// URL")
	flags.StringVar(&opts.DBPasswordFile, "db-password-file", "", "read the PostgreSQL password from the first line of `FILE`")
	flags.BoolVar(&opts.Full, "full", false, "fetch every enrollment's and job's users, changed or not")
	flags.StringArrayVar(&opts.Kinds, "kind", nil, "sync only this kind ("+strings.Join(Kinds, ", ")+"); repeat for several (default all)")
	flags.BoolVar(&opts.Wait, "wait", false, "while another sync writes to the database, wait for it instead of stopping")
	opts.Pace = cmdutil.AddPaceFlags(cmd, "at most this many requests per second (0: no bound; either way the pace adapts to the service's 429s)")
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(Kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks what needs no API call and no database, so that bad
// input fails before anything is fetched or written.
func (o *Options) validate() error {
	if err := o.Companies.CheckNotEmpty(); err != nil {
		return err
	}
	c := o.Companies
	switch {
	case c.All && (len(c.Companies) > 0 || c.File != ""):
		return cmdutil.InvalidValue("all-companies", "", "cannot be combined with --company or --companies-file; choose one")
	case strings.TrimSpace(o.DB) == "":
		return cmdutil.InvalidValue("db", "", "is empty; pass a file path (SQLite) or a postgres:// URL")
	}
	if !c.Any() {
		// A database of every customer is what a sync is for, and what a
		// newcomer's first run should show.
		c.All = true
	}
	for _, k := range o.Kinds {
		if !slices.Contains(Kinds, strings.ToLower(strings.TrimSpace(k))) {
			return cmdutil.InvalidValue("kind", k, "is not something a sync brings in; the kinds are "+strings.Join(Kinds, ", "))
		}
	}
	return o.Pace.Check()
}

// openDB checks --db and --db-password-file and returns a handle on the
// database that reaches it only when the sync first uses it, with what
// takes its secrets out of a text.
func (o *Options) openDB() (*sql.DB, func(string) string, error) {
	target, err := store.ParseTarget(o.DB)
	if err != nil {
		// The value is not repeated: a URL may hold a password.
		return nil, nil, cmdutil.InvalidValue("db", "", err.Error())
	}
	if o.DBPasswordFile != "" && target.Dialect != store.Postgres {
		return nil, nil, cmdutil.InvalidValue("db-password-file", o.DBPasswordFile, "is for a postgres:// --db; a SQLite file has no password")
	}
	db, redact, err := store.OpenDB(target, store.TargetOptions{PasswordFile: o.DBPasswordFile})
	if err != nil {
		return nil, nil, cmdutil.InvalidValue("db", "", err.Error())
	}
	return db, redact, nil
}

func syncRun(ctx context.Context, opts *Options) (err error) {
	if err := opts.validate(); err != nil {
		return err
	}
	sel, err := opts.Companies.Selection()
	if err != nil {
		return err
	}
	db, redact, err := opts.openDB()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if err != nil {
			err = redacted{err, redact}
		}
	}()
	client, err := opts.Client(ctx, opts.Pace.ClientOptions()...)
	if err != nil {
		return err
	}
	r := newReport(opts, client)
	opts.HowFar.Set(r.howFar)
	req := workflows.SyncRequest{Companies: sel, Kinds: opts.Kinds, Full: opts.Full, Wait: opts.Wait,
		Concurrency: opts.Pace.Concurrency, Progress: r.progress}
	res, err := workflows.Sync(ctx, client, db, req)
	r.stop()
	var busy *store.BusyError
	switch {
	case errors.As(err, &busy) && !opts.Wait:
		return busyError{err}
	case err != nil && !errors.Is(err, workflows.ErrIncomplete):
		return err
	}
	return r.close(res, err)
}

// busyError is another sync's hold on the database, with the way to wait.
type busyError struct{ err error }

func (e busyError) Error() string { return e.err.Error() + " (or pass --wait to wait for it)" }
func (e busyError) Unwrap() error { return e.err }

// redacted is an error whose text has the database's secrets taken out;
// errors.Is and As still see the error beneath, for the exit code.
type redacted struct {
	err    error
	redact func(string) string
}

func (e redacted) Error() string { return e.redact(e.err.Error()) }
func (e redacted) Unwrap() error { return e.err }
