package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// paramBudget bounds the parameters of one statement: SQLite allows
// 32,766, PostgreSQL 65,535.
const paramBudget = 32000

// batchRows is how many rows one statement writes. SQLite is quickest
// with small statements (32 rows: 70,000 job users/s against 50,000 with
// 500, measured by BenchmarkWriteUsers); PostgreSQL gains from fewer
// round trips, up to a point.
var batchRows = map[Dialect]int{SQLite: 32, Postgres: 128}

// table is a table the store upserts rows into, many per statement. No
// library writes a multi-row upsert for both engines; database/sql sends
// one statement per call, so rows are gathered here.
type table struct {
	name string
	cols []string
	// key is the conflict target; keep are columns an upsert leaves as
	// they are (first_sync).
	key, keep []string
	// sticky maps a column to its guard: an upsert whose row has the
	// guard NULL leaves the column as it is (see stickyWhenNull).
	sticky map[string]string
	// rows is how many rows a full batch has in each dialect, full its
	// statement, and one the statement for a single row.
	rows map[Dialect]int
	full map[Dialect]string
	one  string
}

func newTable(name string, key, keep []string, cols ...string) *table {
	t := &table{name: name, cols: cols, key: key, keep: keep}
	t.statements()
	return t
}

// stickyWhenNull makes each column of guards keep its stored value when a
// row's guard column is NULL: what a re-sync did not fetch (a source's
// details, say) is not written over with nothing.
func (t *table) stickyWhenNull(guards map[string]string) *table {
	t.sticky = guards
	t.statements()
	return t
}

// statements makes the table's upserts.
func (t *table) statements() {
	t.rows, t.full = map[Dialect]int{}, map[Dialect]string{}
	for d, n := range batchRows {
		t.rows[d] = min(n, paramBudget/len(t.cols))
		t.full[d] = t.upsert(t.rows[d], d)
	}
	t.one = t.upsert(1, Postgres)
}

// upsert is the statement inserting n rows, each updating the row with
// its key if there is one. SQLite's parameters are anonymous (?): SQLite
// looks its numbered ones ($1) up in a list, which makes a statement of
// thousands of them slow to prepare and bind, quadratically.
func (t *table) upsert(n int, d Dialect) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(t.name)
	b.WriteString(" (")
	b.WriteString(strings.Join(t.cols, ", "))
	b.WriteString(") VALUES ")
	p := 1
	for r := range n {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range t.cols {
			if c > 0 {
				b.WriteByte(',')
			}
			if d == SQLite {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
				p++
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT (")
	b.WriteString(strings.Join(t.key, ", "))
	b.WriteString(") DO UPDATE SET ")
	first := true
	for _, c := range t.cols {
		if contains(t.key, c) || contains(t.keep, c) {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(c)
		if guard, ok := t.sticky[c]; ok {
			fmt.Fprintf(&b, " = CASE WHEN excluded.%s IS NULL THEN %s.%s ELSE excluded.%s END", guard, t.name, c, c)
			continue
		}
		b.WriteString(" = excluded.")
		b.WriteString(c)
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// batch gathers one table's rows for one transaction.
type batch struct {
	t    *table
	d    Dialect
	rows int
	vals []any
	keys map[string]bool
	// stmt is the full batch's statement, prepared on first use.
	stmt *sql.Stmt
}

func newBatch(t *table, d Dialect) *batch {
	return &batch{t: t, d: d, rows: t.rows[d], vals: make([]any, 0, t.rows[d]*len(t.cols)), keys: map[string]bool{}}
}

func (b *batch) len() int { return len(b.vals) / len(b.t.cols) }

// full reports whether the batch must be written before another row, or
// before a row with key: PostgreSQL refuses a statement that upserts one
// row twice.
func (b *batch) full(key string) bool { return b.len() >= b.rows || b.keys[key] }

// add gathers a row; the caller has made room (see full).
func (b *batch) add(key string, vals ...any) {
	b.keys[key] = true
	b.vals = append(b.vals, vals...)
}

// flush writes the gathered rows.
func (b *batch) flush(ctx context.Context, q querier) error {
	d := b.d
	n := b.len()
	if n == 0 {
		return nil
	}
	var err error
	if n == b.rows {
		if b.stmt == nil {
			if b.stmt, err = q.PrepareContext(ctx, b.t.full[d]); err != nil {
				return err
			}
		}
		_, err = b.stmt.ExecContext(ctx, b.vals...)
	} else {
		_, err = q.ExecContext(ctx, b.t.upsert(n, d), b.vals...)
	}
	if err != nil {
		return err
	}
	b.vals = b.vals[:0]
	clear(b.keys)
	return nil
}

// close lets go of the prepared statement.
func (b *batch) close() error {
	if b.stmt == nil {
		return nil
	}
	err := b.stmt.Close()
	b.stmt = nil
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
