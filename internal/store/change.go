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
)

// Change says whether a re-sync fetches a source's users, and why.
type Change struct {
	Fetch  bool
	Reason string
}

// changed decides whether src's users may have changed since they were
// last written whole. The API has no "changed since" (NOTES.md), so a
// source's summary stands for its users: a finished source whose summary
// counts are those of its last complete write is not fetched again.
func (y *Sync) changed(ctx context.Context, src source) (Change, error) {
	if y.full {
		return Change{true, "full sync"}, nil
	}
	var completeIn, errorIn sql.NullInt64
	var completeFP sql.NullString
	err := y.st.db.QueryRowContext(ctx, "SELECT complete_in_sync, complete_fingerprint, last_error_sync FROM "+src.table+" WHERE "+where(src.keyCols, 1), src.key...).
		Scan(&completeIn, &completeFP, &errorIn)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Change{true, "new"}, nil
	case err != nil:
		return Change{}, y.st.wrap("read "+src.what, err)
	case !completeIn.Valid:
		return Change{true, "never fetched completely"}, nil
	case errorIn.Valid && errorIn.Int64 > completeIn.Int64:
		return Change{true, fmt.Sprintf("its fetch in sync %d was incomplete", errorIn.Int64)}, nil
	case !src.counted:
		return Change{true, "its summary gives no counts"}, nil
	case !src.finished:
		return Change{true, "not finished"}, nil
	case completeFP.String != src.fingerprint:
		return Change{true, fmt.Sprintf("its summary changed since sync %d", completeIn.Int64)}, nil
	}
	return Change{false, fmt.Sprintf("unchanged since sync %d", completeIn.Int64)}, nil
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
