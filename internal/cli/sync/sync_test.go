package sync_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/internal/store/storetest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// count runs a query that counts.
func count(t *testing.T, target, query string) string {
	t.Helper()
	db := storetest.OpenTarget(t, target)
	var n string
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestSyncIntoEitherEngine: sync writes every company into the database
// --db names, says per company what it fetched and wrote, and a second
// run fetches only the running simulation; a PostgreSQL password is never
// printed, whether it comes in the URL or from a file.
func TestSyncIntoEitherEngine(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, e storetest.Engine) {
		srv := clitest.Fake(t)
		target := e.Target(t)
		dbArgs := []string{"--db", target}
		var password string
		if e.Dialect == store.Postgres {
			u, err := url.Parse(target)
			if err != nil {
				t.Fatal(err)
			}
			password, _ = u.User.Password()
			u.User = url.User(u.User.Username())
			file := filepath.Join(t.TempDir(), "pw")
			clitest.WriteFile(t, file, password+"\n")
			dbArgs = []string{"--db", u.String(), "--db-password-file", file}
		}
		code, out, errOut := clitest.Run(append([]string{"sync", "--all-companies"}, dbArgs...)...)
		if code != 0 {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut)
		}
		if out != "" {
			t.Errorf("stdout %q, want nothing: the data goes to the database", out)
		}
		if password != "" && strings.Contains(errOut, password) {
			t.Fatal("the password was printed")
		}
		if !clitest.HasLineWith(errOut, "sync 1 of 3 companies into", "14 enrollments and jobs fetched, 0 unchanged, 259 users written") {
			t.Errorf("no closing line in:\n%s", errOut)
		}
		if !clitest.HasLineWith(errOut, keepnettest.CompanyAcmeName, keepnettest.CompanyAcmeID, " 8 ", " 142 ") {
			t.Errorf("no row of Acme's 8 enrollments and jobs and 142 users in:\n%s", errOut)
		}
		if got := count(t, target, "SELECT COUNT(*) FROM survey_answers"); got != "277" {
			t.Errorf("%s answers stored", got)
		}
		if e.Dialect == store.SQLite {
			if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("database file %v, %v; want mode 0600", fi, err)
			}
		}

		code, _, errOut = clitest.Run(append([]string{"sync", "--all-companies"}, dbArgs...)...)
		if code != 0 || !clitest.HasLineWith(errOut, "sync 2 of 3 companies", "1 enrollment or job fetched, 13 unchanged, 12 users written") {
			t.Errorf("second run: exit %d, stderr:\n%s", code, errOut)
		}
		_ = srv
	})
}

// TestSyncBadInputWritesNothing: bad flags, a bad --db and an unknown
// company exit 2 with one line, and leave no database behind.
func TestSyncBadInputWritesNothing(t *testing.T) {
	clitest.Fake(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "keepnet.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--all-companies", "--company", "Acme", "--db", db}, "all-companies"},
		{[]string{"sync", "--all-companies", "--kind", "vishing", "--db", db}, `kind "vishing"`},
		{[]string{"sync", "--all-companies", "--db", filepath.Join(dir, "no", "such", "keepnet.db")}, "does not exist"},
		{[]string{"sync", "--all-companies", "--db", "mysql://u@h/db"}, "not supported"},
		{[]string{"sync", "--all-companies", "--db", "postgres://u:s3cret@h/db?password=s3cret"}, "password parameter"},
		{[]string{"sync", "--all-companies", "--db", db, "--db-password-file", "pw"}, "SQLite file has no password"},
		{[]string{"sync", "--company", "Acme Manufacturng Typo", "--db", db}, "Acme Manufacturing"},
		{[]string{"sync", "--all-companies", "--db", db, "--concurrency", "0"}, "concurrency"},
	} {
		code, _, errOut := clitest.Run(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line saying %q", tc.args, code, errOut, tc.want)
		}
		if strings.Contains(errOut, "s3cret") {
			t.Errorf("%v: the password was printed", tc.args)
		}
	}
	if names := clitest.DirEntries(t, dir); len(names) != 0 {
		t.Errorf("bad input left %v", names)
	}
}

// TestSyncFailingCompanyExits3: a company whose listings cannot be read is
// in the summary with its error, the others are synced, and the exit is 3.
func TestSyncFailingCompanyExits3(t *testing.T) {
	clitest.Fake(t)
	db := filepath.Join(t.TempDir(), "keepnet.db")
	code, _, errOut := clitest.RunWith([]keepnet.Option{clitest.FastRetry(), keepnet.WithTransport(breakEnrollments(keepnettest.CompanyGlobexID))},
		"sync", "--all-companies", "--db", db)
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, errOut)
	}
	if !clitest.HasLineWith(errOut, keepnettest.CompanyGlobexName, "503") || !clitest.HasLineWith(errOut, "ERROR") {
		t.Errorf("the summary does not say Globex failed:\n%s", errOut)
	}
	if got := count(t, db, "SELECT status FROM sync_companies WHERE company_id = '"+keepnettest.CompanyGlobexID+"'"); got != "failed" {
		t.Errorf("Globex's part recorded %q", got)
	}
	if got := count(t, db, "SELECT COUNT(*) FROM enrollments WHERE company_id = '"+keepnettest.CompanyAcmeID+"'"); got != "3" {
		t.Errorf("Acme's enrollments: %s, want 3", got)
	}
}

// breakEnrollments answers 503 to one company's enrollments/search.
func breakEnrollments(companyID string) http.RoundTripper {
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/api/enrollments/search" && r.Header.Get("X-KEEPNET-Company-Id") == companyID {
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
				Header: http.Header{"Content-Type": {"text/plain"}}, Body: http.NoBody, Request: r}, nil
		}
		return http.DefaultTransport.RoundTrip(r)
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSyncRefusesWhileAnotherSyncs: a second sync into a database another
// is writing to stops at once, naming the other and the way to wait.
func TestSyncRefusesWhileAnotherSyncs(t *testing.T) {
	clitest.Fake(t)
	target := filepath.Join(t.TempDir(), "keepnet.db")
	db := storetest.OpenTarget(t, target)
	other := beginSync(t, db)
	code, _, errOut := clitest.Run("sync", "--all-companies", "--db", target)
	if code != 1 || !strings.Contains(errOut, "another sync (run 1") || !strings.Contains(errOut, "--wait") {
		t.Errorf("exit %d, stderr %q; want 1 naming the other sync and --wait", code, errOut)
	}
	if err := other.Finish(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := clitest.Run("sync", "--all-companies", "--db", target); code != 0 {
		t.Errorf("after the other finished: exit %d, stderr %q", code, errOut)
	}
}

func beginSync(t *testing.T, db *sql.DB) *store.Sync {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := store.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	y, err := st.BeginSync(ctx, store.SyncOptions{Selection: "another sync"})
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// TestSandboxSyncFillsKeepnetDB: without flags, sync fills keepnet.db in
// the working directory with every company, as a newcomer's first run.
func TestSandboxSyncFillsKeepnetDB(t *testing.T) {
	clitest.Fake(t)
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, errOut := clitest.Run("sync"); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if got := count(t, filepath.Join(dir, "keepnet.db"), "SELECT COUNT(*) FROM companies"); got != "3" {
		t.Errorf("%s companies in keepnet.db, want 3", got)
	}
}
