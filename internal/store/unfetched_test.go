package store

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestUnfetchedPartsKept: a re-sync that finds a source unchanged does not
// fetch its details (nor a job's users, which carry its scanner count),
// and what it did not fetch stays as stored: an enrollment's details and
// due date, a job's campaign details and scanner count. The scanner count
// is no part of the fingerprint, so a job whose users gave one is still
// unchanged when its summary holds still.
func TestUnfetchedPartsKept(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		en := trainingEnrollment("enr-1", 1)
		en.Kind = KindTraining
		en.Details = json.RawMessage(`{"enrollmentScheduler":{"dueDate":"2026-05-31T00:00:00"}}`)
		writeTraining(t, y, en, trainee(1, "Completed"))
		j := phishingJob(acme, "camp-1", 1, "2026-04-01T09:00:00", 2, 1)
		j.Details = json.RawMessage(`{"excludeFromReports":false}`)
		j.Counts.ScannerActivity = ptr[int64](1)
		writeJob(t, y, j, jobUser(1, true), jobUser(2, false))
		finish(t, y)

		y = beginSync(t, st, SyncOptions{})
		unfetched := en
		unfetched.Details, unfetched.DueDate = nil, date("")
		job := j
		job.Details, job.Counts.ScannerActivity = nil, nil
		if ch, err := y.EnrollmentChanged(ctx, unfetched); err != nil || ch.Fetch {
			t.Errorf("enrollment: %+v, %v; want unchanged", ch, err)
		}
		if ch, err := y.JobChanged(ctx, job); err != nil || ch.Fetch {
			t.Errorf("job without its scanner count: %+v, %v; want unchanged", ch, err)
		}
		if err := y.EnrollmentUnchanged(ctx, unfetched); err != nil {
			t.Fatal(err)
		}
		if err := y.JobUnchanged(ctx, job); err != nil {
			t.Fatal(err)
		}
		finish(t, y)
		equal(t, "enrollment", query(t, st, "SELECT due_at, details_json IS NOT NULL, listed_in_sync FROM enrollments"),
			[]string{"2026-05-31T00:00:00|1|2"})
		equal(t, "job", query(t, st, "SELECT scanner_activity, details_json, listed_in_sync FROM phishing_jobs"),
			[]string{`1|{"excludeFromReports":false}|2`})

		// Fetched again, the details say there is no due date any more.
		y = beginSync(t, st, SyncOptions{Full: true})
		en.Details, en.DueDate = json.RawMessage(`{}`), date("")
		writeTraining(t, y, en, trainee(1, "Completed"))
		finish(t, y)
		equal(t, "enrollment fetched", query(t, st, "SELECT due_at, details_json FROM enrollments"), []string{"NULL|{}"})
	})
}

// TestOpenDBIsLazy: a handle from OpenDB leaves nothing on disk until it
// is used, and then a file its owner alone can read.
func TestOpenDBIsLazy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keepnet.db")
	tg, err := ParseTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	db, redact, err := OpenDB(tg, TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if redact("x") != "x" {
		t.Error("a SQLite file has no secrets to redact")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file exists before the handle is used: %v", err)
	}
	st, err := Open(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Dialect() != SQLite {
		t.Errorf("dialect %s, want sqlite", st.Dialect())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if _, _, err := OpenDB(tg, TargetOptions{PasswordFile: "pw"}); err == nil {
		t.Error("a password file for a SQLite file was accepted")
	}
	missing, _ := ParseTarget(filepath.Join(t.TempDir(), "no", "such", "keepnet.db"))
	if _, _, err := OpenDB(missing, TargetOptions{}); err == nil {
		t.Error("a path in a missing directory was accepted")
	}
}
