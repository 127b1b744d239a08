package store

import (
	"context"
	"testing"
)

// TestChangeDecisions: a re-sync fetches a source's users only when they
// may have changed, and records the summary of every source it lists.
func TestChangeDecisions(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		st := openStore(t, e.target(t))
		y := beginSync(t, st, SyncOptions{})
		running := phishingJob(acme, "camp-1", 1, "2026-04-01T09:00:00", 2, 1)
		running.Finished, running.Status = false, "Running"
		done := phishingJob(acme, "camp-1", 2, "2026-04-08T09:00:00", 2, 1)
		for _, j := range []Job{running, done} {
			ch, err := y.JobChanged(ctx, j)
			if err != nil || !ch.Fetch || ch.Reason != "new" || ch.SameDates {
				t.Errorf("a new job: %+v, %v", ch, err)
			}
			writeJob(t, y, j, jobUser(1, true), jobUser(2, false))
		}
		finish(t, y)

		y = beginSync(t, st, SyncOptions{})
		moved := done
		moved.Counts.Clicked = ptr[int64](2)
		noCounts := done
		noCounts.Counts = JobCounts{}
		for _, c := range []struct {
			name   string
			job    Job
			fetch  bool
			reason string
		}{
			{"finished, same summary", done, false, "unchanged since sync 1"},
			{"not finished", running, true, "not finished"},
			{"summary moved", moved, true, "its summary changed since sync 1"},
			{"summary without counts", noCounts, true, "its summary gives no counts"},
		} {
			ch, err := y.JobChanged(ctx, c.job)
			if err != nil || ch.Fetch != c.fetch || ch.Reason != c.reason {
				t.Errorf("%s: %+v, %v; want fetch %v (%s)", c.name, ch, err, c.fetch, c.reason)
			}
		}
		// Its dates as stored, then rendered in another format.
		redated := done
		redated.StartDate = date("04/08/2026 09:00")
		for _, c := range []struct {
			name string
			job  Job
			same bool
		}{{"same texts", done, true}, {"a text moved", redated, false}} {
			if ch, err := y.JobChanged(ctx, c.job); err != nil || ch.SameDates != c.same {
				t.Errorf("%s: %+v, %v; want SameDates %v", c.name, ch, err, c.same)
			}
		}
		if err := y.JobUnchanged(ctx, done); err != nil {
			t.Fatal(err)
		}
		finish(t, y)
		equal(t, "history", query(t, st, "SELECT sync_id, instance_group, clicked FROM phishing_job_summaries ORDER BY 1, 2"),
			[]string{"1|1|1", "1|2|1", "2|2|1"})
		equal(t, "users kept", query(t, st, "SELECT instance_group, COUNT(*), MAX(fetched_in_sync) FROM phishing_job_users GROUP BY instance_group ORDER BY 1"),
			[]string{"1|2|1", "2|2|1"})
		equal(t, "run", query(t, st, "SELECT sources_fetched, sources_unchanged FROM sync_runs WHERE id = 2"), []string{"0|1"})

		y = beginSync(t, st, SyncOptions{Full: true})
		defer finish(t, y)
		if ch, _ := y.JobChanged(ctx, done); !ch.Fetch || ch.Reason != "full sync" {
			t.Errorf("a full sync: %+v", ch)
		}
	})
}
