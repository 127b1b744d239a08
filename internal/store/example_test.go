package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// A sync writes a company's training enrollment and its users; a second
// sync finds it unchanged and records only its summary.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "keepnet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	target, err := store.ParseTarget(filepath.Join(dir, "keepnet.db")) // or a postgres:// URL
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.OpenTarget(ctx, target, store.TargetOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	co := store.Company{ID: "co-1", Name: "Acme Manufacturing", DateFormat: "dd/MM/yyyy"}
	completed, targeted := int64(1), int64(2)
	enrollment := store.Enrollment{Company: co, ID: "enr-1", Kind: store.KindTraining, Name: "Phishing Fundamentals",
		Type: "SCORM", Status: "Finished", Finished: true, StartDate: keepnetdate.FromString("22/04/2026 09:00"),
		Counts: store.EnrollmentCounts{Targeted: &targeted, Completed: &completed}, DateOrder: keepnetdate.DayFirst}

	for range 2 {
		sync, err := st.BeginSync(ctx, store.SyncOptions{Selection: "Acme Manufacturing", Version: "example"})
		if err != nil {
			log.Fatal(err)
		}
		change, err := sync.EnrollmentChanged(ctx, enrollment)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("sync %d: fetch %v (%s)\n", sync.ID(), change.Fetch, change.Reason)
		if change.Fetch {
			w, err := sync.Training(ctx, enrollment)
			if err != nil {
				log.Fatal(err)
			}
			for _, u := range []store.TrainingUser{
				{TargetUserID: "u-1", Email: "user1@acme.example", Status: "Completed"},
				{TargetUserID: "u-2", Email: "user2@acme.example", Status: "In Progress"},
			} {
				if err := w.Add(ctx, u); err != nil {
					log.Fatal(err)
				}
			}
			if err := w.Commit(ctx, nil); err != nil { // nil: the listing was read whole
				log.Fatal(err)
			}
		} else if err := sync.EnrollmentUnchanged(ctx, enrollment); err != nil {
			log.Fatal(err)
		}
		if err := sync.CompanyDone(ctx, store.CompanyOutcome{Company: co}); err != nil {
			log.Fatal(err)
		}
		if err := sync.Finish(ctx, nil); err != nil {
			log.Fatal(err)
		}
	}

	var start, startISO string
	var users, history int
	db := st.DB()
	if err := db.QueryRow("SELECT start_text, start_at FROM enrollments").Scan(&start, &startISO); err != nil {
		log.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM training_users").Scan(&users); err != nil {
		log.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM enrollment_summaries").Scan(&history); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("start %s = %s; %d users; %d summaries\n", start, startISO, users, history)
	// Output:
	// sync 1: fetch true (new)
	// sync 2: fetch false (unchanged since sync 1)
	// start 22/04/2026 09:00 = 2026-04-22T09:00:00; 2 users; 2 summaries
}
