// Package store keeps every customer's results in a database a reseller
// can query: SQLite (modernc.org/sqlite, pure Go) by default, PostgreSQL
// (pgx) for teams. One schema serves both engines; docs/schema.md
// documents it and docs/queries.sql asks it the questions resellers ask.
//
// A sync drives it in this order:
//
//	st, _ := store.Open(ctx, db, store.SQLite)     // migrates; refuses a newer schema
//	y, _ := st.BeginSync(ctx, store.SyncOptions{…}) // the database's sync lock
//	y.Companies(ctx, companies, true)               // the whole company listing
//	for each source the pulls give:
//	    ch, _ := y.EnrollmentChanged(ctx, e)        // fetch its users?
//	    w, _ := y.Training(ctx, e)                  // one transaction
//	    w.Add(ctx, user) …
//	    w.Commit(ctx, listingErr)                   // rows land with the complete mark
//	  or y.EnrollmentUnchanged(ctx, e)              // summary history only
//	y.ListedEnrollments(…); y.ListedJobs(…)         // what the service no longer lists is gone
//	y.CompanyDone(ctx, outcome)
//	y.Finish(ctx, err)
//
// What it promises:
//   - each enrollment's or job's rows are written in one transaction,
//     together with the mark that says they are complete, so a sync
//     killed at any point (SIGKILL included) leaves the database as the
//     last commit left it, and the next sync sees what is missing;
//   - rows are keyed by the service's IDs with the company on every row,
//     upserted, and never deleted: what the service stops listing is
//     marked with the sync that noticed (gone_in_sync);
//   - one sync writes at a time: PostgreSQL's advisory lock, or in SQLite
//     a lock row taken under BEGIN IMMEDIATE and kept alive by a
//     heartbeat, which a later sync may take over once its holder is
//     known dead;
//   - every sync, complete or not, is a row of sync_runs, and every
//     company's part of it a row of sync_companies.
//
// This package knows nothing of the service's flows: pkg/workflows maps
// its records onto the rows here.
package store
