package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestOpenMigratesOnceAndKeepsData: the first open makes the schema, a
// second open of the same database changes nothing and keeps what was
// written.
func TestOpenMigratesOnceAndKeepsData(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		target := e.target(t)
		st := openTarget(t, target)
		y := beginSync(t, st, SyncOptions{})
		if err := y.Companies(context.Background(), []Company{{ID: "c1", Name: "Acme"}}, true); err != nil {
			t.Fatal(err)
		}
		finish(t, y)
		st.Close()

		st = openStore(t, target)
		if got := one(t, st, "SELECT MAX(version_id) FROM goose_db_version"); got != "1" {
			t.Errorf("schema version %s, want 1", got)
		}
		if got := one(t, st, "SELECT name FROM companies"); got != "Acme" {
			t.Errorf("company %q after reopening", got)
		}
		if st.Dialect() != Dialect(e.name) {
			t.Errorf("dialect %s", st.Dialect())
		}
	})
}

// TestOpenRefusesNewerSchema: a database a newer keepnet-flow migrated is
// refused with a message naming both versions, and not written to.
func TestOpenRefusesNewerSchema(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		target := e.target(t)
		st := openStore(t, target)
		if _, err := st.DB().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, TRUE)"); err != nil {
			t.Fatal(err)
		}
		before := one(t, st, "SELECT COUNT(*) FROM goose_db_version")

		tg, _ := ParseTarget(target)
		_, err := OpenTarget(context.Background(), tg, TargetOptions{})
		var se *SchemaError
		if !errors.As(err, &se) || se.Database != 2 || se.Binary != 1 {
			t.Fatalf("open of a newer database: %v, want a *SchemaError 2 > 1", err)
		}
		if after := one(t, st, "SELECT COUNT(*) FROM goose_db_version"); after != before {
			t.Errorf("the refused open wrote to the version table: %s rows, was %s", after, before)
		}
	})
}

// TestOpenDetectsTheEngine: a *sql.DB of either driver is recognised
// without being told which it is.
func TestOpenDetectsTheEngine(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		target := e.target(t)
		driver, dsn := "sqlite", SQLiteDSN(target)
		if e.name == "postgres" {
			driver, dsn = "pgx", target
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		st, err := Open(context.Background(), db, "")
		if err != nil {
			t.Fatal(err)
		}
		if st.Dialect() != Dialect(e.name) {
			t.Errorf("detected %s", st.Dialect())
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.Ping(); err != nil {
			t.Errorf("Close closed the caller's db: %v", err)
		}
	})
}

// TestOpenTargetMakesAPrivateFile: the results are personal data, so a
// new SQLite file is readable by its owner only.
func TestOpenTargetMakesAPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keepnet.db")
	openStore(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("new database file mode %v, want 0600", fi.Mode().Perm())
	}
}

// TestOpenTargetPathWithURLCharacters: a file name with the characters a
// SQLite URI gives meaning to is still that file.
func TestOpenTargetPathWithURLCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results ?#%20.db")
	openStore(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at %q: %v", path, err)
	}
}

// TestOpenTargetMissingDirectory is refused with a reason, nothing made.
func TestOpenTargetMissingDirectory(t *testing.T) {
	tg, err := ParseTarget(filepath.Join(t.TempDir(), "no", "such", "keepnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenTarget(context.Background(), tg, TargetOptions{})
	if err == nil {
		t.Fatal("opened a database in a directory that does not exist")
	}
}

// TestConcurrentOpensOfANewFile: programs that open one new SQLite file at
// once all end with the schema, none with an error (goose has no lock for
// SQLite; the store retries a migration that lost the race).
func TestConcurrentOpensOfANewFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keepnet.db")
	tg, _ := ParseTarget(path)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := OpenTarget(context.Background(), tg, TargetOptions{})
			if err == nil {
				err = st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	st := openStore(t, path)
	if got := one(t, st, "SELECT COUNT(*) FROM goose_db_version WHERE version_id = 1"); got != "1" {
		t.Errorf("migration 1 recorded %s times", got)
	}
}
