package store

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSecondSyncRefused: while one sync holds the database another is
// refused with a message naming the first; after it finishes, the next
// one starts.
func TestSecondSyncRefused(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		target := e.target(t)
		a, b := openStore(t, target), openStore(t, target)
		first := beginSync(t, a, SyncOptions{})
		_, err := b.BeginSync(ctx, SyncOptions{Selection: "all companies"})
		var busy *BusyError
		if !errors.As(err, &busy) || busy.SyncID != first.ID() {
			t.Fatalf("second sync: %v, want a *BusyError naming sync %d", err, first.ID())
		}
		if !strings.Contains(err.Error(), "run 1") || !strings.Contains(err.Error(), "started 20") {
			t.Errorf("the refusal does not say which sync holds the database: %v", err)
		}
		finish(t, first)
		second := beginSync(t, b, SyncOptions{})
		finish(t, second)
		equal(t, "runs", query(t, a, "SELECT id, status FROM sync_runs ORDER BY id"), []string{"1|complete", "2|complete"})
	})
}

// TestWaitingSyncTakesItsTurn: with Wait, a second sync starts when the
// first finishes, not before.
func TestWaitingSyncTakesItsTurn(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		target := e.target(t)
		a, b := openStore(t, target), openStore(t, target)
		b.poll = 5 * time.Millisecond
		first := beginSync(t, a, SyncOptions{})
		started := make(chan *Sync)
		go func() {
			y, err := b.BeginSync(ctx, SyncOptions{Selection: "second", Wait: true})
			if err != nil {
				t.Error(err)
			}
			started <- y
		}()
		writeTraining(t, first, trainingEnrollment("enr-1", 1), trainee(1, "Completed"))
		select {
		case <-started:
			t.Fatal("the waiting sync started while the first held the database")
		default:
		}
		finish(t, first)
		second := <-started
		if second == nil {
			t.FailNow()
		}
		finish(t, second)

		// A wait ends with its context.
		third := beginSync(t, a, SyncOptions{})
		defer finish(t, third)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := b.BeginSync(cctx, SyncOptions{Wait: true}); !errors.Is(err, context.Canceled) {
			t.Errorf("waiting with an ended context: %v", err)
		}
	})
}

// TestDeadHolderIsTakenOver: a SQLite lock row whose process is gone from
// this machine is taken over at once, and the run it left is marked
// interrupted.
func TestDeadHolderIsTakenOver(t *testing.T) {
	st := openStore(t, sqliteTarget(t))
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no process to borrow a dead PID from:", err)
	}
	y := beginSync(t, st, SyncOptions{})
	y.stopBeat()
	y.stopBeat = nil
	if _, err := st.DB().Exec("UPDATE sync_lock SET pid = $1", dead.Process.Pid); err != nil {
		t.Fatal(err)
	}
	next := beginSync(t, st, SyncOptions{})
	finish(t, next)
	equal(t, "runs", query(t, st, "SELECT id, status, error FROM sync_runs ORDER BY id"),
		[]string{"1|interrupted|stopped before it finished (found by sync 2)", "2|complete|NULL"})
}

// TestLeaseDecidesForOtherMachines: a holder on another machine cannot be
// asked whether it runs: its lock stands while it renews it, and lapses a
// lease after it stopped.
func TestLeaseDecidesForOtherMachines(t *testing.T) {
	st := openStore(t, sqliteTarget(t))
	clk := newClock(st, "2026-05-15T02:00:00Z")
	y := beginSync(t, st, SyncOptions{})
	y.stopBeat()
	y.stopBeat = nil
	if _, err := st.DB().Exec("UPDATE sync_lock SET host = 'report-server-2'"); err != nil {
		t.Fatal(err)
	}
	clk.Add(st.lease - time.Second)
	_, err := st.BeginSync(context.Background(), SyncOptions{})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Host != "report-server-2" {
		t.Fatalf("within the lease: %v, want a *BusyError naming report-server-2", err)
	}
	clk.Add(2 * time.Second)
	next := beginSync(t, st, SyncOptions{})
	finish(t, next)

	// The sync that lost its lock writes nothing more.
	if err := y.Companies(context.Background(), []Company{acme}, false); !errors.Is(err, ErrLockLost) {
		t.Errorf("a write after the lock was taken over: %v, want ErrLockLost", err)
	}
	equal(t, "companies", query(t, st, "SELECT COUNT(*) FROM companies"), []string{"0"})
}

// TestHeartbeatKeepsALongSyncAlive: a sync that renews its lock is not
// taken for dead however long it runs.
func TestHeartbeatKeepsALongSyncAlive(t *testing.T) {
	st := openStore(t, sqliteTarget(t))
	clk := newClock(st, "2026-05-15T02:00:00Z")
	y := beginSync(t, st, SyncOptions{})
	defer finish(t, y)
	if _, err := st.DB().Exec("UPDATE sync_lock SET host = 'report-server-2'"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		clk.Add(st.lease / 2)
		y.beat(context.Background())
	}
	var busy *BusyError
	if _, err := st.BeginSync(context.Background(), SyncOptions{}); !errors.As(err, &busy) {
		t.Errorf("after %v of heartbeats: %v, want a *BusyError", 5*st.lease/2, err)
	}
}
