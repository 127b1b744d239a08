package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// pgEnv names the PostgreSQL server the tests use: scripts/test-postgres.sh
// starts a throwaway one and prints it.
const pgEnv = "KEEPNET_FLOW_TEST_POSTGRES"

// pgHowTo says how to run the PostgreSQL half of the tests.
const pgHowTo = pgEnv + " is not set, so the PostgreSQL tests do not run. Point it at a server the tests may create schemas in " +
	"(postgres://user:password@host:port/database), or start a throwaway one: eval \"$(bash scripts/test-postgres.sh start)\""

// engine is one of the two databases a test runs against.
type engine struct {
	name string
	// target is a fresh, empty database: a new SQLite file, or a new
	// PostgreSQL schema dropped when the test ends.
	target func(t testing.TB) string
}

// engines runs f against SQLite and PostgreSQL, each a subtest. Without
// a PostgreSQL server the second is skipped with a message saying how to
// give one, or fails under CI, where the server must be there.
func engines(t *testing.T, f func(t *testing.T, e engine)) {
	t.Run("sqlite", func(t *testing.T) { f(t, engine{name: "sqlite", target: sqliteTarget}) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(pgEnv) == "" {
			if os.Getenv("CI") != "" {
				t.Fatal(pgHowTo + " (CI is set: .ci/run starts the server)")
			}
			t.Skip(pgHowTo)
		}
		f(t, engine{name: "postgres", target: pgTarget})
	})
}

func sqliteTarget(t testing.TB) string {
	return filepath.Join(t.TempDir(), "keepnet.db")
}

// pgTarget makes a schema of its own for the test and returns the URL
// that works in it (search_path).
func pgTarget(t testing.TB) string {
	t.Helper()
	base := os.Getenv(pgEnv)
	schema := "t_" + randomHex(8)
	admin := pgAdmin(t, base)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", redactor([]string{pgPassword(base)})(err.Error()))
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL", pgEnv)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func pgAdmin(t testing.TB, base string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", pgEnv, err)
	}
	return db
}

func pgPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// openStore opens the engine's fresh database as the CLI would.
func openStore(t *testing.T, target string) *Store {
	t.Helper()
	st := openTarget(t, target)
	t.Cleanup(func() { st.Close() })
	return st
}

func openTarget(t testing.TB, target string) *Store {
	t.Helper()
	tg, err := ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenTarget(context.Background(), tg, TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// clock is a fake clock the store reads.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(st *Store, at string) *clock {
	tm, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	c := &clock{now: tm}
	st.now = c.Now
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func ptr[T any](v T) *T { return &v }

func date(s string) keepnetdate.Time { return keepnetdate.FromString(s) }

// begin starts a sync, failing the test if it cannot.
func beginSync(t *testing.T, st *Store, opt SyncOptions) *Sync {
	t.Helper()
	if opt.Selection == "" {
		opt.Selection = "all companies"
	}
	y, err := st.BeginSync(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func finish(t *testing.T, y *Sync) {
	t.Helper()
	if err := y.Finish(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

// writeTraining writes e with users in one writer, whole.
func writeTraining(t *testing.T, y *Sync, e Enrollment, users ...TrainingUser) {
	t.Helper()
	ctx := context.Background()
	w, err := y.Training(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := w.Add(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// writeJob writes j with users in one writer, whole.
func writeJob(t *testing.T, y *Sync, j Job, users ...JobUser) {
	t.Helper()
	ctx := context.Background()
	w, err := y.Job(ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := w.Add(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// query returns the rows of a query as strings, NULL as "NULL", one row
// per line with columns "|"-separated: short to compare in a test.
func query(t *testing.T, st *Store, q string, args ...any) []string {
	t.Helper()
	rows, err := st.DB().Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			parts[i] = "NULL"
			if v.Valid {
				parts[i] = normBool(v.String)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// normBool reads PostgreSQL's booleans as SQLite's, and its numerics
// with a zero fraction ("40.0") as SQLite's reals ("40").
func normBool(s string) string {
	switch s {
	case "true":
		return "1"
	case "false":
		return "0"
	}
	if whole, ok := strings.CutSuffix(s, ".0"); ok {
		if _, err := strconv.Atoi(whole); err == nil {
			return whole
		}
	}
	return s
}

func one(t *testing.T, st *Store, q string, args ...any) string {
	t.Helper()
	rows := query(t, st, q, args...)
	if len(rows) != 1 {
		t.Fatalf("%s: %d rows, want 1: %q", q, len(rows), rows)
	}
	return rows[0]
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// phishingJob is a finished phishing job with the totals given.
func phishingJob(co Company, campaign string, instanceGroup int, start string, targeted, clicked int64) Job {
	return Job{Company: co, Channel: "phishing", Campaign: Campaign{ID: campaign, Name: "Invoice " + campaign, ExcludeFromReports: ptr(false)},
		InstanceGroup: instanceGroup, Name: "Invoice " + campaign, Status: "Completed", StartDate: date(start), CreatedDate: date(start),
		Counts: JobCounts{Targeted: ptr(targeted), Clicked: ptr(clicked)}, Finished: true, DateOrder: keepnetdate.DayFirst}
}

// jobUser is user n's row in a job.
func jobUser(n int, clicked bool) JobUser {
	u := JobUser{UserRowID: fmt.Sprintf("row-%d", n), TargetUserID: fmt.Sprint(1000 + n), Email: fmt.Sprintf("user%d@acme.example", n),
		FirstName: "Test", LastName: fmt.Sprintf("User%d", n), Status: "Opened", Delivery: "Delivered", Scenario: "Invoice",
		TargetGroups: "Finance", ActivityType: "Human", Opened: ptr[int64](1), Clicked: ptr[int64](0), Submitted: ptr[int64](0),
		Reported: ptr[int64](0), MFASubmitted: ptr[int64](0),
		LastOpened:  date(fmt.Sprintf("2026-04-01T10:%02d:%02d.%07d", n/60%60, n%60, n*7919%10000000)),
		LastSending: date(fmt.Sprintf("2026-04-01T09:%02d:%02d", n/60%60, n%60))}
	if clicked {
		u.Status, u.Clicked, u.LastClicked = "Clicked", ptr[int64](1), date(fmt.Sprintf("2026-04-01T11:%02d:%02d.%07d", n/60%60, n%60, n*104729%10000000))
	}
	return u
}
