package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Change says whether a re-sync fetches a source's users, and why.
type Change struct {
	Fetch  bool
	Reason string
	// SameDates says the stored row holds the source's dates as the same
	// texts (start and creation): read with the company's date format of
	// then, they read the same now, as the service renders a date in the
	// company's format of the moment and a changed format changes the
	// text. False for a source not stored yet, and in a full sync.
	SameDates bool
}

// changed decides whether src's users may have changed since they were
// last written whole. The API has no "changed since" (NOTES.md), so a
// source's summary stands for its users: a finished source whose summary
// counts are those of its last complete write is not fetched again.
func (y *Sync) changed(ctx context.Context, src source) (Change, error) {
	if y.full {
		// Every source is fetched, and its dates with it: nothing to read.
		return Change{Fetch: true, Reason: "full sync"}, nil
	}
	var completeIn, errorIn sql.NullInt64
	var completeFP, start, created sql.NullString
	err := y.st.db.QueryRowContext(ctx, "SELECT complete_in_sync, complete_fingerprint, last_error_sync, start_text, created_text FROM "+src.table+" WHERE "+where(src.keyCols, 1), src.key...).
		Scan(&completeIn, &completeFP, &errorIn, &start, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Change{Fetch: true, Reason: "new"}, nil
	}
	if err != nil {
		return Change{}, y.st.wrap("read "+src.what, err)
	}
	ch := Change{Fetch: true, SameDates: sameText(start, src.dates[0]) && sameText(created, src.dates[1])}
	switch {
	case !completeIn.Valid:
		ch.Reason = "never fetched completely"
	case errorIn.Valid && errorIn.Int64 > completeIn.Int64:
		ch.Reason = fmt.Sprintf("its fetch in sync %d was incomplete", errorIn.Int64)
	case !src.counted:
		ch.Reason = "its summary gives no counts"
	case !src.finished:
		ch.Reason = "not finished"
	case completeFP.String != src.fingerprint:
		ch.Reason = fmt.Sprintf("its summary changed since sync %d", completeIn.Int64)
	default:
		ch.Fetch, ch.Reason = false, fmt.Sprintf("unchanged since sync %d", completeIn.Int64)
	}
	return ch, nil
}

// sameText reports whether a stored date text is t's, both absent
// included.
func sameText(stored sql.NullString, t keepnetdate.Time) bool {
	if t.IsZero() {
		return !stored.Valid
	}
	return stored.Valid && stored.String == clean(t.String())
}

// unchanged records a source whose users are not fetched: its row and its
// summary history for the sync, its users as they are.
func (y *Sync) unchanged(ctx context.Context, src source) error {
	err := y.do(ctx, "write "+src.what, func(q querier) error {
		if err := src.upsert(ctx, q, y); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, "UPDATE sync_runs SET sources_unchanged = sources_unchanged + 1 WHERE id = $1", y.id)
		return err
	})
	if err != nil {
		return err
	}
	t := y.tally(src.company)
	y.mu.Lock()
	t.unchanged++
	y.mu.Unlock()
	return nil
}

// fingerprint condenses a summary's status and counts, in a fixed order,
// and reports whether any count was given.
func fingerprint(status string, counts ...*int64) (string, bool) {
	var b strings.Builder
	b.WriteString(status)
	counted := false
	for _, c := range counts {
		b.WriteByte(';')
		if c != nil {
			counted = true
			b.WriteString(strconv.FormatInt(*c, 10))
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:12]), counted
}

// where is "a = $first AND b = $first+1 …" for cols.
func where(cols []string, first int) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " = $" + strconv.Itoa(first+i)
	}
	return strings.Join(parts, " AND ")
}
