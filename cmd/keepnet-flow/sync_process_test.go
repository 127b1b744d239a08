package main

import (
	"bytes"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/internal/store/storetest"
	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// holdPath puts a proxy before fake that lets through the first pass
// requests whose path holds part, then holds the others until their client
// goes away.
func holdPath(t *testing.T, fake *keepnettest.Server, part string, pass int64) string {
	t.Helper()
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var passed atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, part) && passed.Add(1) > pass {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL
}

// completeSources counts the enrollments and jobs a sync has committed
// whole, 0 before the schema exists.
func completeSources(db *sql.DB) int {
	var n int
	if db.QueryRow("SELECT (SELECT COUNT(*) FROM enrollments WHERE complete_in_sync IS NOT NULL) + (SELECT COUNT(*) FROM phishing_jobs WHERE complete_in_sync IS NOT NULL)").Scan(&n) != nil {
		return 0
	}
	return n
}

// TestSyncKilledMidSourceIsCompletedByTheNext kills a sync with SIGKILL
// while it writes Globex's survey, its users half fetched and the
// enrollments and jobs of the companies before it committed. The database
// is consistent: those whole, nothing of the survey, the run still
// "running". The next sync records the run as interrupted, fetches only
// what was not written whole (and the running simulation), and leaves the
// database holding everything.
func TestSyncKilledMidSourceIsCompletedByTheNext(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, e storetest.Engine) {
		fake := keepnettest.NewServer(keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t))
		t.Cleanup(fake.Close)
		target := e.Target(t)
		creds := []string{keepnet.EnvClientID + "=" + fake.ClientID, keepnet.EnvClientSecret + "=" + fake.ClientSecret, "TMPDIR=" + t.TempDir()}
		held := holdPath(t, fake, "/training-reports/"+keepnettest.EnrollmentGlobexSurveyID+"/exam-result-sessions/", 5)

		cmd := programCmd(t, append(creds, keepnet.EnvBaseURL+"="+held), "sync", "--db", target)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Acme's 8 enrollments and jobs and Acme Europe's 2 come before
		// Globex's survey, which cannot finish.
		db := storetest.OpenTarget(t, target)
		deadline := time.Now().Add(2 * time.Minute) // a guard against hanging, not a measurement
		for completeSources(db) < 10 {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("the sync never reached Globex's survey; stderr:\n%s", stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()

		if e.Dialect == store.SQLite {
			requireRows(t, db, "PRAGMA integrity_check", "ok")
		}
		requireRows(t, db, "SELECT id, status FROM sync_runs", "1|running")
		requireRows(t, db, "SELECT COUNT(*) FROM enrollments WHERE id = '"+keepnettest.EnrollmentGlobexSurveyID+"'", "0")
		requireRows(t, db, "SELECT COUNT(*) FROM survey_users WHERE enrollment_id = '"+keepnettest.EnrollmentGlobexSurveyID+"'", "0")

		var out, errOut bytes.Buffer
		next := programCmd(t, append(creds, keepnet.EnvBaseURL+"="+fake.URL), "sync", "--db", target, "--wait")
		next.Stdout, next.Stderr = &out, &errOut
		if err := next.Run(); err != nil {
			t.Fatalf("the next sync: %v; stderr:\n%s", err, errOut.String())
		}
		if !strings.Contains(errOut.String(), "sync 2 of 3 companies") || !strings.Contains(errOut.String(), ", 9 unchanged,") {
			t.Errorf("the next sync did not find the 9 finished sources written whole:\n%s", errOut.String())
		}
		requireRows(t, db, "SELECT id, status FROM sync_runs ORDER BY id", "1|interrupted", "2|complete")
		requireRows(t, db, "SELECT COUNT(*), COUNT(complete_in_sync) FROM enrollments", "8|8")
		requireRows(t, db, "SELECT COUNT(*), COUNT(complete_in_sync) FROM phishing_jobs", "6|6")
		requireRows(t, db, "SELECT COUNT(*) FROM survey_users WHERE enrollment_id = '"+keepnettest.EnrollmentGlobexSurveyID+"'", "12")
		requireRows(t, db, "SELECT COUNT(*) FROM survey_answers", "277")
	})
}

// requireRows runs a query and compares its rows, columns "|"-joined.
func requireRows(t *testing.T, db *sql.DB, query string, want ...string) {
	t.Helper()
	rs, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var got []string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rs.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			parts[i] = v.String
		}
		got = append(got, strings.Join(parts, "|"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", query, got, want)
	}
}
