package workflows_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // database/sql's "sqlite"; for PostgreSQL, pgx's stdlib ("pgx")

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Keep every customer's results in a SQLite database, then sync again: the
// second sync fetches the users of the one simulation still running, and
// records every other enrollment and job from its summary.
func ExampleSync() {
	srv := keepnettest.NewServer()
	defer srv.Close()
	client, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "keepnet-sync-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// A busy timeout lets a second writer wait its turn; Sync sets WAL.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "keepnet.db")+"?_busy_timeout=10000")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx := context.Background()
	for range 2 {
		res, err := workflows.Sync(ctx, client, db, workflows.SyncRequest{Companies: workflows.CompanySelection{All: true}})
		if err != nil {
			log.Fatal(err) // errors.Is(err, workflows.ErrIncomplete): a company could not be synced whole; the others were
		}
		fmt.Printf("sync %d: %d enrollments and jobs fetched, %d unchanged, %d users written\n",
			res.SyncID, res.SourcesFetched, res.SourcesUnchanged, res.Users)
	}

	var customer string
	var completion float64
	err = db.QueryRow(`SELECT c.name, ROUND(100.0 * SUM(e.completed) / SUM(e.targeted), 1)
FROM enrollments e JOIN companies c ON c.id = e.company_id
WHERE e.kind = 'training' AND e.gone_in_sync IS NULL
GROUP BY c.name ORDER BY 2 LIMIT 1`).Scan(&customer, &completion)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("lowest training completion: %s, %.1f%%\n", customer, completion)
	// Output:
	// sync 1: 14 enrollments and jobs fetched, 0 unchanged, 259 users written
	// sync 2: 1 enrollments and jobs fetched, 13 unchanged, 12 users written
	// lowest training completion: Acme Manufacturing Europe, 54.5%
}
