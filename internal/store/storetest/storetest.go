// Package storetest gives tests a fresh, empty database of each engine the
// store serves: a SQLite file, and a schema of a PostgreSQL server named
// by KEEPNET_FLOW_TEST_POSTGRES (scripts/test-postgres.sh starts a
// throwaway one). Without a server the PostgreSQL half is skipped with a
// message saying how to give one, or fails when CI is set.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/store"
)

// EnvPostgres names the PostgreSQL server the tests may create schemas in.
const EnvPostgres = "KEEPNET_FLOW_TEST_POSTGRES"

const howTo = EnvPostgres + " is not set, so the PostgreSQL tests do not run. Point it at a server the tests may create schemas in " +
	"(postgres://user:password@host:port/database), or start a throwaway one: eval \"$(bash scripts/test-postgres.sh start)\""

// Engine is one of the two databases a test runs against.
type Engine struct {
	Name    string
	Dialect store.Dialect
}

// Engines runs f against SQLite and PostgreSQL, each as a subtest.
func Engines(t *testing.T, f func(t *testing.T, e Engine)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, Engine{Name: "sqlite", Dialect: store.SQLite}) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(EnvPostgres) == "" {
			if os.Getenv("CI") != "" {
				t.Fatal(howTo + " (CI is set: .ci/run starts the server)")
			}
			t.Skip(howTo)
		}
		f(t, Engine{Name: "postgres", Dialect: store.Postgres})
	})
}

// Target is a fresh, empty database of the engine, as a --db value: a new
// SQLite file's path, or the URL of a new PostgreSQL schema (search_path),
// dropped when the test ends. The URL holds the server's password.
func (e Engine) Target(t testing.TB) string {
	t.Helper()
	if e.Dialect == store.SQLite {
		return filepath.Join(t.TempDir(), "keepnet.db")
	}
	base := os.Getenv(EnvPostgres)
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand does not fail
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create a schema in the server %s names: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL", EnvPostgres)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open is a handle on a fresh database of the engine (see Target), as a
// program opens one with store.OpenDB, closed when the test ends.
func (e Engine) Open(t testing.TB) *sql.DB {
	t.Helper()
	return OpenTarget(t, e.Target(t))
}

// OpenTarget is a handle on the database target names, closed when the
// test ends.
func OpenTarget(t testing.TB, target string) *sql.DB {
	t.Helper()
	tg, err := store.ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := store.OpenDB(tg, store.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
