package store

import (
	"context"
	"os"
	"strings"
	"testing"
)

// namedQueries reads docs/queries.sql into its queries by name.
func namedQueries(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/queries.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, part := range strings.Split(string(b), "-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out[strings.TrimSpace(name)] = strings.TrimSuffix(strings.TrimSpace(body), ";")
	}
	return out
}

// TestQueriesAnswerTheQuestions runs docs/queries.sql on both engines over
// a world written through the store, and checks each answer: the file is
// what a reseller copies into Metabase, so a wrong answer there is a bug.
func TestQueriesAnswerTheQuestions(t *testing.T) {
	queries := namedQueries(t)
	for _, name := range []string{"training-below-90", "click-rate-trend", "clicked-three-in-a-row"} {
		if queries[name] == "" {
			t.Fatalf("docs/queries.sql has no query %q", name)
		}
	}
	engines(t, func(t *testing.T, e engine) {
		st := openStore(t, e.target(t))
		writeQueryWorld(t, st)

		// Acme: 134 of 150 this quarter (89.3%); its January enrollment
		// (last quarter) does not count. Globex: 95 of 100, its test
		// enrollment (0 of 100) and its survey left out. Initech: 100%.
		equal(t, "training-below-90", query(t, st, queries["training-below-90"]),
			[]string{"Acme Manufacturing|2|134|150|89.3"})

		// Acme fell from 40% to 20%; Globex rose from 20% to 30% (its
		// newer test campaign and its running job left out); Initech has
		// one simulation, nothing to compare.
		equal(t, "click-rate-trend", query(t, st, queries["click-rate-trend"]), []string{
			"Acme Manufacturing|phishing|Invoice a-1|2026-03-01T09:00:00|40|Invoice a-2|2026-04-01T09:00:00|20|NULL|falling",
			"Globex|phishing|Invoice g-1|2026-03-02T09:00:00|20|Invoice g-2|2026-04-02T09:00:00|30|NULL|rising",
		})

		// user1 clicked in a-0, a-1 and a-2 (one click flagged as a
		// scanner's); user2 missed a-1, user3 clicked twice only. At
		// Globex user4's middle click was in a test campaign, which does
		// not count, so there are two in a row, not three.
		equal(t, "clicked-three-in-a-row", query(t, st, queries["clicked-three-in-a-row"]),
			[]string{"Acme Manufacturing|user1@acme.example|1|2026-04-01T09:00:00|1"})
	})
}

// writeQueryWorld writes three customers' training and simulations, as
// two syncs in the second quarter of 2026 would.
func writeQueryWorld(t *testing.T, st *Store) {
	ctx := context.Background()
	clk := newClock(st, "2026-05-14T02:00:00Z")
	globex := Company{ID: "co-globex", Name: "Globex"}
	initech := Company{ID: "co-initech", Name: "Initech"}
	y := beginSync(t, st, SyncOptions{})
	if err := y.Companies(ctx, []Company{acme, globex, initech}, true); err != nil {
		t.Fatal(err)
	}
	training := func(co Company, id, start string, completed, targeted int64) Enrollment {
		e := trainingEnrollment(id, completed)
		e.Company, e.StartDate, e.Counts.Targeted = co, date(start), ptr(targeted)
		return e
	}
	writeTraining(t, y, training(acme, "a-t1", "10/04/2026 09:00", 95, 100))
	writeTraining(t, y, training(acme, "a-t2", "02/05/2026 09:00", 39, 50))
	writeTraining(t, y, training(acme, "a-t0", "15/01/2026 09:00", 1, 100))
	writeTraining(t, y, training(globex, "g-t1", "20/04/2026 09:00", 95, 100))
	test := training(globex, "g-test", "21/04/2026 09:00", 0, 100)
	test.MarkedAsTest = ptr(true)
	writeTraining(t, y, test)
	survey := training(globex, "g-s1", "22/04/2026 09:00", 0, 100)
	survey.Kind = KindSurvey
	if err := y.EnrollmentUnchanged(ctx, survey); err != nil {
		t.Fatal(err)
	}
	writeTraining(t, y, training(initech, "i-t1", "05/05/2026 09:00", 100, 100))
	finish(t, y)

	clk.Add(24 * 3600e9)
	y = beginSync(t, st, SyncOptions{})
	job := func(co Company, campaign, start string, targeted, clicked int64) Job {
		return phishingJob(co, campaign, 1, start, targeted, clicked)
	}
	clicks := func(users ...int) []JobUser {
		var out []JobUser
		for _, n := range users {
			out = append(out, jobUser(n, true))
		}
		return out
	}
	// Acme: a-0, a-1, a-2; user1 clicks in all three, the last time
	// flagged as a scanner's; user2 in a-0 and a-2; user3 in a-1 and a-2.
	writeJob(t, y, job(acme, "a-0", "2026-02-01T09:00:00", 10, 2), append(clicks(1, 2), jobUser(3, false))...)
	writeJob(t, y, job(acme, "a-1", "2026-03-01T09:00:00", 10, 4), append(clicks(1, 3), jobUser(2, false))...)
	scanner := jobUser(1, true)
	scanner.SystemActivityType = "Sandbox"
	scanner.Email = "User1@Acme.example"
	writeJob(t, y, job(acme, "a-2", "2026-04-01T09:00:00", 10, 2), scanner, jobUser(2, true), jobUser(3, true))
	// Globex: g-1 20%, g-2 30%; a newer test campaign and a running job.
	g4 := func(campaign string) []JobUser {
		u := jobUser(4, true)
		u.Email = "user4@globex.example"
		return []JobUser{u}
	}
	writeJob(t, y, job(globex, "g-1", "2026-03-02T09:00:00", 10, 2), g4("g-1")...)
	gt := job(globex, "g-test", "2026-03-15T09:00:00", 10, 10)
	gt.Campaign.ExcludeFromReports = ptr(true)
	writeJob(t, y, gt, g4("g-test")...)
	writeJob(t, y, job(globex, "g-2", "2026-04-02T09:00:00", 10, 3), g4("g-2")...)
	running := job(globex, "g-3", "2026-05-10T09:00:00", 10, 0)
	running.Finished = false
	writeJob(t, y, running)
	writeJob(t, y, job(initech, "i-1", "2026-04-03T09:00:00", 10, 5))
	finish(t, y)
}
