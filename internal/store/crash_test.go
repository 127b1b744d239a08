package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// crashEnv tells the test binary, run again as a child, to be the sync
// that TestSIGKILLMidSource kills.
const crashEnv = "KEEPNET_FLOW_STORE_CRASH_TARGET"

// TestSIGKILLMidSource kills a sync with SIGKILL while a source's
// transaction is open, its first batches already sent. The database is
// left as the last commit left it: the source written before is whole
// and complete, the one being written has no row at all, and the run is
// still "running". The next sync takes the lock over at once (the process
// is gone; in PostgreSQL the connection with it), records the run as
// interrupted, sees the half-written source as new and the whole one as
// unchanged, and completes it.
func TestSIGKILLMidSource(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		target := e.target(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+target)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		for lines.Scan() && lines.Text() != "mid-source" {
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()

		st := openStore(t, target)
		if st.dialect == SQLite {
			equal(t, "integrity", query(t, st, "PRAGMA integrity_check"), []string{"ok"})
		}
		equal(t, "enrollments", query(t, st, "SELECT id, complete_in_sync FROM enrollments"), []string{"enr-whole|1"})
		equal(t, "users", query(t, st, "SELECT enrollment_id, COUNT(*) FROM training_users GROUP BY enrollment_id"), []string{"enr-whole|3"})
		equal(t, "run", query(t, st, "SELECT id, status, sources_fetched, users_written FROM sync_runs"), []string{"1|running|1|3"})

		wctx, cancel := context.WithTimeout(ctx, time.Minute) // the server may take a moment to see the connection gone
		defer cancel()
		st.poll = 10 * time.Millisecond
		y, err := st.BeginSync(wctx, SyncOptions{Selection: "after the crash", Wait: true})
		if err != nil {
			t.Fatal(err)
		}
		half := trainingEnrollment("enr-half", 1)
		if ch, err := y.EnrollmentChanged(ctx, half); err != nil || !ch.Fetch || ch.Reason != "new" {
			t.Errorf("the half-written source: %+v, %v; want it fetched as new", ch, err)
		}
		if ch, err := y.EnrollmentChanged(ctx, trainingEnrollment("enr-whole", 1)); err != nil || ch.Fetch {
			t.Errorf("the source written whole: %+v, %v; want it unchanged", ch, err)
		}
		users := make([]TrainingUser, 1500)
		for i := range users {
			users[i] = trainee(i, "Completed")
		}
		writeTraining(t, y, half, users...)
		finish(t, y)
		equal(t, "runs", query(t, st, "SELECT id, status FROM sync_runs ORDER BY id"), []string{"1|interrupted", "2|complete"})
		equal(t, "users", query(t, st, "SELECT enrollment_id, COUNT(*) FROM training_users GROUP BY enrollment_id ORDER BY 1"),
			[]string{"enr-half|1500", "enr-whole|3"})
	})
}

// TestCrashChild is the sync TestSIGKILLMidSource kills: it writes one
// source whole, then sends the first batches of another and waits.
func TestCrashChild(t *testing.T) {
	target := os.Getenv(crashEnv)
	if target == "" {
		t.Skip("run by TestSIGKILLMidSource")
	}
	ctx := context.Background()
	st := openTarget(t, target)
	y := beginSync(t, st, SyncOptions{Selection: "to be killed"})
	writeTraining(t, y, trainingEnrollment("enr-whole", 1), trainee(1, "Completed"), trainee(2, "Completed"), trainee(3, "Completed"))
	w, err := y.Training(ctx, trainingEnrollment("enr-half", 1))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1200 { // more than two batches: rows are in the database's transaction
		if err := w.Add(ctx, trainee(i, "Completed")); err != nil {
			t.Fatal(err)
		}
	}
	if w.batches[0].len() == 1200 {
		t.Fatal("nothing was sent before the kill")
	}
	fmt.Println("mid-source")
	time.Sleep(time.Minute)
	t.Fatal("not killed")
}
