package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
)

// Dialect names the engine behind a database.
type Dialect string

// The engines the schema is written for.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a database migrated to this binary's schema. It is safe for
// concurrent use; a sync's writes go through BeginSync.
type Store struct {
	db      *sql.DB
	dialect Dialect
	owned   bool
	// display names the database in messages, without its secrets;
	// redact takes them out of an engine's error text.
	display string
	redact  func(string) string

	// now is the clock every stored timestamp and lock lease reads.
	now func() time.Time
	// self identifies this process as a lock holder.
	self holder
	// lease is how long a SQLite lock row whose holder has stopped
	// beating stays taken; beat is how often a holder renews it; poll is
	// how often a waiting sync asks again.
	lease, beat, poll time.Duration
}

// SchemaError refuses a database whose schema is newer than any this
// binary knows: writing to it could lose what a newer version stores.
type SchemaError struct {
	Database, Binary int64
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("the database's schema is version %d, newer than this program's (%d): it was written by a newer keepnet-flow; use that version or newer", e.Database, e.Binary)
}

// Open migrates db to this binary's schema, applying the embedded
// migrations it lacks, and returns the store on it. An empty dialect is
// detected from db's driver, or by asking the server. A database whose
// schema is newer than this binary's is refused with a *SchemaError, and
// nothing is written to it.
//
// The caller keeps db: Close does not close it. A SQLite db should have
// busy_timeout set (SQLiteDSN gives a name that sets it), or a second
// writer fails at once instead of waiting its turn; its journal is set to
// WAL here, so readers never wait for a sync.
func Open(ctx context.Context, db *sql.DB, dialect Dialect) (*Store, error) {
	return open(ctx, db, dialect, false, "")
}

func open(ctx context.Context, db *sql.DB, dialect Dialect, owned bool, display string) (*Store, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, (&Store{dialect: dialect, display: display}).wrap("connect", err)
	}
	if dialect == "" {
		var err error
		if dialect, err = detect(ctx, db); err != nil {
			return nil, err
		}
	}
	if dialect != SQLite && dialect != Postgres {
		return nil, fmt.Errorf("store: unknown dialect %q (want %q or %q)", dialect, SQLite, Postgres)
	}
	self, err := thisProcess()
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, dialect: dialect, owned: owned, display: display, now: time.Now, self: self,
		lease: 2 * time.Minute, beat: 20 * time.Second, poll: time.Second}
	if dialect == SQLite {
		// WAL lets a report read while a sync writes; the setting is
		// kept in the file, so a caller's db gets it too.
		if _, err := db.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
			return nil, s.wrap("set the journal mode", err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// detect tells the engine from the driver, or failing that, from what the
// server answers.
func detect(ctx context.Context, db *sql.DB) (Dialect, error) {
	switch db.Driver().(type) {
	case *sqlite.Driver:
		return SQLite, nil
	case *stdlib.Driver:
		return Postgres, nil
	}
	var v string
	if db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v) == nil {
		return SQLite, nil
	}
	if db.QueryRowContext(ctx, "SELECT version()").Scan(&v) == nil && strings.Contains(v, "PostgreSQL") {
		return Postgres, nil
	}
	return "", errors.New("store: the database is neither SQLite nor PostgreSQL")
}

// DB is the database the store writes to, for reading it.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect is the store's engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the database if the store opened it (OpenTarget); a
// database the caller passed to Open stays open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.db.Close()
}

// migrate applies the embedded migrations with goose, after refusing a
// database newer than this binary.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithLogger(goose.NopLogger()), goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Two programs opening one database migrate in turn. The lock is
		// per schema, so stores in different schemas of one database
		// (the tests' among them) do not wait for each other.
		var id int64
		if err := s.db.QueryRowContext(ctx, "SELECT hashtext('keepnet-flow migrate ' || current_schema())").Scan(&id); err != nil {
			return s.wrap("read the schema", err)
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	sources := p.ListSources()
	latest := sources[len(sources)-1].Version
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return s.wrap("read the schema version", err)
	}
	if current > latest {
		return &SchemaError{Database: current, Binary: latest}
	}
	if current == latest {
		return nil
	}
	// goose has no lock for SQLite. Two programs migrating one new file
	// at once take turns on SQLite's write lock; the second then finds
	// the tables made and fails. Its migration rolled back, so it asks
	// again what is left to do.
	for attempt := 0; ; attempt++ {
		_, err = p.Up(ctx)
		if err == nil {
			return nil
		}
		now, verr := p.GetDBVersion(ctx)
		if verr == nil && now >= latest {
			return nil
		}
		if s.dialect != SQLite || attempt == 3 || ctx.Err() != nil {
			return s.wrap("migrate the schema", err)
		}
	}
}

// wrap gives an engine's error the store's context, with the database's
// secrets taken out of its text.
func (s *Store) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	where := string(s.dialect)
	if s.display != "" {
		where = s.display
	}
	var e error = &dbError{what: what, where: where, err: err}
	if s.redact != nil {
		e = redacted{e, s.redact}
	}
	return e
}

// dbError is an engine's error with what the store was doing.
type dbError struct {
	what, where string
	err         error
}

func (e *dbError) Error() string {
	return fmt.Sprintf("store: %s (%s): %v", e.what, e.where, e.err)
}

func (e *dbError) Unwrap() error { return e.err }

// holder identifies a process holding the sync lock.
type holder struct {
	host  string
	pid   int
	pidNS string
}

func thisProcess() (holder, error) {
	host, err := os.Hostname()
	if err != nil {
		return holder{}, fmt.Errorf("store: this machine's name: %w", err)
	}
	return holder{host: host, pid: os.Getpid(), pidNS: pidNamespace()}, nil
}
