package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// source is what the writers need of an enrollment or a job.
type source struct {
	company Company
	// what names it in errors ("enrollment X").
	what string
	// table is its table, keyed by keyCols; users is its users' table,
	// where userCols hold the same key.
	table, users      string
	keyCols, userCols []string
	key               []any
	fingerprint       string
	// counted is a summary that gave some count; finished, a source the
	// service says is over.
	counted, finished bool
	// dates are its start and creation dates, as its row stores them in
	// start_text and created_text.
	dates [2]keepnetdate.Time
	// upsert writes its row (and its company's, and its campaign's) and
	// its summary history row for the sync.
	upsert func(ctx context.Context, q querier, y *Sync) error
}

// Writer writes one enrollment's or job's users in one transaction, from
// the source's row at its start to its complete mark at Commit. Rows are
// written in batches as they are added, so memory does not grow with the
// users, and a rolled-back writer (or a process killed before Commit)
// leaves the database as it was.
type Writer[U any] struct {
	y     *Sync
	t     *tx
	src   source
	tally *tally
	add   func(ctx context.Context, w *Writer[U], u U) error
	// batches in the order they are written: a row's parent first.
	batches []*batch
	// flushed runs between the first batch's write and the next's (the
	// survey's answers of the users just written are cleared there).
	flushed func(ctx context.Context, w *Writer[U]) error
	dates   *dater
	users   int64
	failed  int64
	ended   bool
	// replace are the users in the first batch whose other rows are
	// replaced (a survey user's answers).
	replace []any
}

// begin starts a writer: the sync's lock is fenced and the source's row
// and history written, in the transaction its users will share.
func begin[U any](ctx context.Context, y *Sync, src source, dates *dater, add func(context.Context, *Writer[U], U) error, tables ...*table) (*Writer[U], error) {
	if err := y.usable(); err != nil {
		return nil, err
	}
	y.mu.Lock()
	y.writing = true
	y.mu.Unlock()
	y.txMu.Lock()
	w := &Writer[U]{y: y, src: src, tally: y.tally(src.company), add: add, dates: dates}
	for _, t := range tables {
		w.batches = append(w.batches, newBatch(t, y.st.dialect))
	}
	fail := func(err error) (*Writer[U], error) {
		w.end(ctx)
		return nil, err
	}
	t, err := y.st.begin(ctx)
	if err != nil {
		return fail(y.st.wrap("write "+src.what, err))
	}
	w.t = t
	if err := y.fence(ctx, t.q); err != nil {
		return fail(err)
	}
	if err := src.upsert(ctx, t.q, y); err != nil {
		return fail(y.st.wrap("write "+src.what, err))
	}
	return w, nil
}

// Add writes one user's record. A record carrying an error is written
// with it, and the source will not be marked complete.
func (w *Writer[U]) Add(ctx context.Context, u U) error {
	if w.ended {
		return errors.New("store: the writer has ended")
	}
	if err := w.add(ctx, w, u); err != nil {
		return w.fail(ctx, err)
	}
	w.users++
	return nil
}

// room makes room in batch i for a row with key, writing every batch
// when it must.
func (w *Writer[U]) room(ctx context.Context, i int, key string) error {
	if !w.batches[i].full(key) {
		return nil
	}
	return w.flush(ctx)
}

// flush writes every batch, parents first.
func (w *Writer[U]) flush(ctx context.Context) error {
	for i, b := range w.batches {
		if err := b.flush(ctx, w.t.q); err != nil {
			return err
		}
		if i == 0 && w.flushed != nil {
			if err := w.flushed(ctx, w); err != nil {
				return err
			}
		}
	}
	return nil
}

// fail rolls the writer back after an error of its own.
func (w *Writer[U]) fail(ctx context.Context, err error) error {
	w.end(ctx)
	return w.y.st.wrap("write "+w.src.what, err)
}

// Commit writes what is gathered and ends the transaction. listing is
// the error that ended the source's listing, nil when the listing was
// whole. With a whole listing and no record carrying an error, the
// source is complete: its users the service no longer lists are marked
// gone in this sync, and it is marked complete with its summary's
// fingerprint, all in the same transaction as its rows. Otherwise its rows
// land without the mark, and the error is recorded on the source; nobody
// is marked gone, and the next sync fetches it again.
func (w *Writer[U]) Commit(ctx context.Context, listing error) error {
	if w.ended {
		return errors.New("store: the writer has ended")
	}
	if err := w.flush(ctx); err != nil {
		return w.fail(ctx, err)
	}
	y, src, q := w.y, w.src, w.t.q
	complete := listing == nil && w.failed == 0
	args := append([]any{y.id}, src.key...)
	var err error
	if complete {
		_, err = q.ExecContext(ctx, "UPDATE "+src.users+" SET gone_in_sync = $1 WHERE "+where(src.userCols, 2)+" AND fetched_in_sync <> $1 AND gone_in_sync IS NULL", args...)
		if err == nil {
			_, err = q.ExecContext(ctx, "UPDATE "+src.table+" SET complete_in_sync = $1, complete_fingerprint = fingerprint, last_error = NULL, last_error_sync = NULL WHERE "+where(src.keyCols, 2), args...)
		}
	} else {
		msg := fmt.Sprintf("%d of %d records carry an error", w.failed, w.users)
		if listing != nil {
			msg = listing.Error()
		}
		_, err = q.ExecContext(ctx, "UPDATE "+src.table+" SET last_error_sync = $1, last_error = $"+fmt.Sprint(len(args)+1)+" WHERE "+where(src.keyCols, 2), append(args, clean(msg))...)
	}
	incomplete := 0
	if !complete {
		incomplete = 1
	}
	if err == nil {
		_, err = q.ExecContext(ctx, `UPDATE sync_runs SET sources_fetched = sources_fetched + 1, sources_incomplete = sources_incomplete + $1,
  users_written = users_written + $2, records_failed = records_failed + $3 WHERE id = $4`, incomplete, w.users, w.failed, y.id)
	}
	if err == nil {
		// The lock is checked (and SQLite's renewed) last, just before
		// the commit that makes the rows visible.
		if ferr := y.fence(ctx, q); ferr != nil {
			w.end(ctx)
			return ferr
		}
		err = w.t.commit(ctx)
	}
	if err != nil {
		return w.fail(ctx, err)
	}
	y.mu.Lock()
	w.tally.fetched++
	w.tally.incomplete += int64(incomplete)
	w.tally.users += w.users
	w.tally.failed += w.failed
	y.mu.Unlock()
	w.end(ctx)
	return nil
}

// Rollback ends the writer without writing anything of the source: for a
// source abandoned half way (its context ended, say). After Commit it
// does nothing.
func (w *Writer[U]) Rollback(ctx context.Context) error {
	if w.ended {
		return nil
	}
	return w.end(ctx)
}

// end rolls back what is not committed and gives the sync back.
func (w *Writer[U]) end(ctx context.Context) error {
	if w.ended {
		return nil
	}
	w.ended = true
	var errs []error
	for _, b := range w.batches {
		errs = append(errs, b.close())
	}
	if w.t != nil {
		errs = append(errs, w.t.rollback(ctx))
	}
	w.y.txMu.Unlock()
	w.y.mu.Lock()
	w.y.writing = false
	w.y.mu.Unlock()
	return errors.Join(errs...)
}
