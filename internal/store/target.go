package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// Target is where a store is: a SQLite file or a PostgreSQL server. Its
// String never shows a password.
type Target struct {
	Dialect Dialect
	// Path is the SQLite file, absolute.
	Path string
	// url is the PostgreSQL URL, password included.
	url *url.URL
}

// ParseTarget reads where a store is: a postgres:// or postgresql:// URL
// is a PostgreSQL server, anything else without a scheme is a SQLite
// file's path. It checks the text only; OpenTarget reaches the database.
// Its errors never repeat a password.
func ParseTarget(s string) (Target, error) {
	if strings.TrimSpace(s) == "" {
		return Target{}, errors.New("no database given: pass a file path (SQLite) or a postgres:// URL")
	}
	scheme, _, isURL := strings.Cut(s, "://")
	if !isURL {
		abs, err := filepath.Abs(s)
		if err != nil {
			return Target{}, fmt.Errorf("database path %q: %w", s, err)
		}
		return Target{Dialect: SQLite, Path: abs}, nil
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
	default:
		return Target{}, fmt.Errorf("database URL scheme %q is not supported: pass a file path (SQLite) or a postgres:// URL", scheme)
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse's error repeats the URL, password and all.
		return Target{}, errors.New("the PostgreSQL URL cannot be parsed; write it as postgres://user@host:port/database")
	}
	if u.Query().Has("password") {
		// libpq would take it, but a password there shows in every
		// process listing and log line the URL reaches.
		return Target{}, errors.New("the PostgreSQL URL carries a password parameter: put the password in the URL's user part, PGPASSWORD or a password file")
	}
	return Target{Dialect: Postgres, url: u}, nil
}

// String names the target without its password.
func (t Target) String() string {
	if t.Dialect == Postgres && t.url != nil {
		return t.url.Redacted()
	}
	return t.Path
}

// TargetOptions are how OpenTarget reaches a PostgreSQL server.
type TargetOptions struct {
	// PasswordFile, when set, is a file holding the password (its first
	// line). A URL that carries a password as well is refused: one of
	// them would be silently ignored. Without either, the password comes
	// from PGPASSWORD or a pgpass file, as for libpq.
	PasswordFile string
}

// OpenTarget opens the database t names and migrates it (see Open). A
// SQLite file is created, readable by its owner only, when it does not
// exist; its directory must. The store's Close closes the database.
// Every error it and the store return has the password taken out.
func OpenTarget(ctx context.Context, t Target, opt TargetOptions) (*Store, error) {
	switch t.Dialect {
	case SQLite:
		return openSQLite(ctx, t)
	case Postgres:
		return openPostgres(ctx, t, opt)
	}
	return nil, fmt.Errorf("store: target of unknown dialect %q", t.Dialect)
}

// SQLiteDSN is the modernc.org/sqlite data source name the store opens a
// file with: WAL, so readers never wait for a sync; a busy timeout, so a
// second writer waits its turn; foreign keys checked; BEGIN IMMEDIATE, so
// a transaction never fails to upgrade to writing half way; synchronous
// NORMAL, which in WAL loses no commit to a killed process.
func SQLiteDSN(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // a Windows drive letter
	}
	return u.String() + "?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"
}

func openSQLite(ctx context.Context, t Target) (*Store, error) {
	if err := checkSQLitePath(t.Path); err != nil {
		return nil, err
	}
	if err := createOwnerOnly(t.Path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", SQLiteDSN(t.Path))
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", t.Path, err)
	}
	st, err := open(ctx, db, SQLite, true, t.Path)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return st, nil
}

// checkSQLitePath refuses a database path whose directory is missing, or
// that is a directory.
func checkSQLitePath(path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("database %s: directory %s does not exist", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("database %s is a directory", path)
	}
	return nil
}

// createOwnerOnly creates the database file, readable by its owner only,
// unless it exists: the results are personal data. SQLite gives its -wal
// and -shm files the database's mode.
func createOwnerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return fmt.Errorf("database %s: %w", path, err)
		}
	case !errors.Is(err, os.ErrExist):
		return fmt.Errorf("database %s: %w", path, err)
	}
	return nil
}

func openPostgres(ctx context.Context, t Target, opt TargetOptions) (*Store, error) {
	cfg, secrets, err := postgresConfig(t, opt)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	st, err := open(ctx, db, Postgres, true, t.String())
	if err != nil {
		return nil, errors.Join(redacted{err, redactor(secrets)}, db.Close())
	}
	st.redact = redactor(secrets)
	return st, nil
}

// postgresConfig is the connection t names, with the password from the
// URL, opt's file, PGPASSWORD or a pgpass file, and every secret it may
// hold, for redacting errors.
func postgresConfig(t Target, opt TargetOptions) (*pgx.ConnConfig, []string, error) {
	secrets := []string{os.Getenv("PGPASSWORD")}
	urlPassword, hasURLPassword := t.url.User.Password()
	secrets = append(secrets, urlPassword)
	var filePassword string
	if opt.PasswordFile != "" {
		if hasURLPassword {
			return nil, nil, errors.New("the PostgreSQL URL carries a password and a password file is given: use one")
		}
		b, err := os.ReadFile(opt.PasswordFile)
		if err != nil {
			return nil, nil, fmt.Errorf("password file: %w", err)
		}
		filePassword, _, _ = strings.Cut(string(b), "\n")
		filePassword = strings.TrimSuffix(filePassword, "\r")
		if filePassword == "" {
			return nil, nil, fmt.Errorf("password file %s: its first line is empty", opt.PasswordFile)
		}
		secrets = append(secrets, filePassword)
	}
	cfg, err := pgx.ParseConfig(t.url.String())
	if err != nil {
		return nil, nil, fmt.Errorf("PostgreSQL URL %s: %s", t, redactor(secrets)(err.Error()))
	}
	if filePassword != "" {
		cfg.Password = filePassword
	}
	return cfg, append(secrets, cfg.Password), nil // cfg's may come from a pgpass file
}

// OpenDB returns a handle on the database t names that reaches it only when
// first used, for Open: a program that checks the rest of its input after
// this leaves nothing behind when that input is bad. A SQLite file is
// created then, readable by its owner only, as OpenTarget creates it; its
// directory must exist now, and a password file is read now. redact takes
// the database's secrets out of a text, for the errors of Open and the
// store, which cannot tell them on a handle they are given. The caller
// closes db.
func OpenDB(t Target, opt TargetOptions) (db *sql.DB, redact func(string) string, err error) {
	switch t.Dialect {
	case SQLite:
		if opt.PasswordFile != "" {
			return nil, nil, errors.New("a password file is for a PostgreSQL database, not a SQLite file")
		}
		if err := checkSQLitePath(t.Path); err != nil {
			return nil, nil, err
		}
		return sql.OpenDB(sqliteConnector{path: t.Path}), func(s string) string { return s }, nil
	case Postgres:
		cfg, secrets, err := postgresConfig(t, opt)
		if err != nil {
			return nil, nil, err
		}
		return stdlib.OpenDB(*cfg), redactor(secrets), nil
	}
	return nil, nil, fmt.Errorf("store: target of unknown dialect %q", t.Dialect)
}

// sqliteConnector opens a SQLite file as OpenTarget does (SQLiteDSN),
// creating it owner-only on the first connection.
type sqliteConnector struct{ path string }

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	if err := createOwnerOnly(c.path); err != nil {
		return nil, err
	}
	return c.Driver().Open(SQLiteDSN(c.path))
}

func (sqliteConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// redactor replaces every non-empty secret in a text with xxxxx.
func redactor(secrets []string) func(string) string {
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "xxxxx")
			if q := url.QueryEscape(s); q != s {
				pairs = append(pairs, q, "xxxxx")
			}
			if p := url.PathEscape(s); p != s {
				pairs = append(pairs, p, "xxxxx")
			}
		}
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace
}

// redacted is an error whose text has the secrets taken out; errors.Is
// and As still see the error beneath.
type redacted struct {
	err    error
	redact func(string) string
}

func (e redacted) Error() string { return e.redact(e.err.Error()) }
func (e redacted) Unwrap() error { return e.err }
