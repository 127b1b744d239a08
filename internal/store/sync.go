package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
)

// SyncOptions describe a sync as sync_runs records it.
type SyncOptions struct {
	// Selection is what the sync was asked for, in the caller's words
	// ("all companies", or the companies named).
	Selection string
	// Full is a sync that fetches every source's users whatever its
	// summary says (see EnrollmentChanged).
	Full bool
	// Version is the program's version.
	Version string
	// Wait, when another sync holds the database, waits for it to finish
	// (until ctx ends) instead of refusing with a *BusyError.
	Wait bool
}

// Sync is one sync's turn at the database, from BeginSync to Finish. It
// is driven by one goroutine: its methods are not safe for concurrent
// use, and a source's Writer must be committed or rolled back before the
// next method that writes.
type Sync struct {
	st   *Store
	id   int64
	full bool
	lock syncLock

	// txMu is held by each transaction of the sync, a Writer's from its
	// start to its end; the heartbeat skips a beat while it is held.
	txMu     sync.Mutex
	mu       sync.Mutex // guards the fields below
	writing  bool
	lost     error
	finished bool
	tallies  map[string]*tally
	order    []string // companies in the order first tallied
	stopBeat func()
}

// tally is what a sync did for one company.
type tally struct {
	company                        Company
	fetched, unchanged, incomplete int64
	users, failed                  int64
}

// BeginSync takes the database's sync lock and records the sync in
// sync_runs. While another sync holds the lock it refuses with a
// *BusyError naming that sync, or with opt.Wait waits its turn. A sync
// that died holding the lock (killed, say) is recorded as interrupted,
// and its lock taken over: at once in PostgreSQL and for a process of
// this machine, after the lease for one elsewhere.
func (s *Store) BeginSync(ctx context.Context, opt SyncOptions) (*Sync, error) {
	for {
		lock, id, err := s.takeLock(ctx, opt)
		if err == nil {
			y := &Sync{st: s, id: id, full: opt.Full, lock: lock, tallies: map[string]*tally{}}
			if lock.beats() {
				y.startHeartbeat(ctx)
			}
			return y, nil
		}
		var busy *BusyError
		if !errors.As(err, &busy) || !opt.Wait {
			return nil, err
		}
		if err := ctxsleep.Sleep(ctx, s.poll); err != nil {
			return nil, fmt.Errorf("waiting for the database: %v: %w", busy, err)
		}
	}
}

// startRun writes the sync's sync_runs row in t (or a transaction of its
// own when t is nil), after marking the runs left running as
// interrupted: the caller holds the lock, so none of them still runs.
func (s *Store) startRun(ctx context.Context, opt SyncOptions, t *tx) (int64, error) {
	own := t == nil
	if own {
		var err error
		if t, err = s.begin(ctx); err != nil {
			return 0, s.wrap("record the sync", err)
		}
		defer t.rollback(ctx)
	}
	var id int64
	if err := t.q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM sync_runs").Scan(&id); err != nil {
		return 0, s.wrap("record the sync", err)
	}
	now := stamp(s.now())
	if _, err := t.q.ExecContext(ctx, `UPDATE sync_runs SET status = 'interrupted',
  error = COALESCE(error, 'stopped before it finished (found by sync ' || $1 || ')') WHERE status = 'running'`, fmt.Sprint(id)); err != nil {
		return 0, s.wrap("record the sync", err)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO sync_runs (id, started_at, status, selection, full_sync, tool_version, host, pid)
VALUES ($1, $2, 'running', $3, $4, $5, $6, $7)`, id, now, opt.Selection, opt.Full, opt.Version, s.self.host, s.self.pid)
	if err != nil {
		return 0, s.wrap("record the sync", err)
	}
	if own {
		if err := t.commit(ctx); err != nil {
			return 0, s.wrap("record the sync", err)
		}
	}
	return id, nil
}

// ID is the sync's row in sync_runs.
func (y *Sync) ID() int64 { return y.id }

// startHeartbeat renews SQLite's lock row between transactions (each
// transaction renews it too), so that a long sync is not taken for dead.
func (y *Sync) startHeartbeat(ctx context.Context) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	y.stopBeat = func() { cancel(); <-done }
	go func() {
		defer close(done)
		t := time.NewTicker(y.st.beat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				y.beat(ctx)
			}
		}
	}()
}

// beat renews the lock unless a transaction is under way (which renews it
// as it commits). A failure other than a lost lock is left to the next
// beat or transaction.
func (y *Sync) beat(ctx context.Context) {
	if !y.txMu.TryLock() {
		return
	}
	defer y.txMu.Unlock()
	t, err := y.st.begin(ctx)
	if err != nil {
		return
	}
	defer t.rollback(ctx)
	if err := y.lock.fence(ctx, t.q); errors.Is(err, ErrLockLost) {
		y.mu.Lock()
		y.lost = ErrLockLost
		y.mu.Unlock()
		return
	} else if err != nil {
		return
	}
	_ = t.commit(ctx)
}

// usable says why the sync cannot start a transaction now, if it cannot.
func (y *Sync) usable() error {
	y.mu.Lock()
	defer y.mu.Unlock()
	switch {
	case y.finished:
		return errors.New("store: the sync has finished")
	case y.lost != nil:
		return y.lost
	case y.writing:
		return errors.New("store: a source is being written: commit or roll it back first")
	}
	return nil
}

// do runs f in a transaction of the sync, fenced by its lock.
func (y *Sync) do(ctx context.Context, what string, f func(q querier) error) error {
	if err := y.usable(); err != nil {
		return err
	}
	y.txMu.Lock()
	defer y.txMu.Unlock()
	t, err := y.st.begin(ctx)
	if err != nil {
		return y.st.wrap(what, err)
	}
	defer t.rollback(ctx)
	if err := y.fence(ctx, t.q); err != nil {
		return err
	}
	if err := f(t.q); err != nil {
		return y.st.wrap(what, err)
	}
	if err := t.commit(ctx); err != nil {
		return y.st.wrap(what, err)
	}
	return nil
}

// fence checks the lock in a transaction, remembering a loss.
func (y *Sync) fence(ctx context.Context, q querier) error {
	err := y.lock.fence(ctx, q)
	if errors.Is(err, ErrLockLost) {
		y.mu.Lock()
		y.lost = ErrLockLost
		y.mu.Unlock()
		return ErrLockLost
	}
	return y.st.wrap("check the sync lock", err)
}

// tally is the company's tally, made on first use.
func (y *Sync) tally(co Company) *tally {
	y.mu.Lock()
	defer y.mu.Unlock()
	t := y.tallies[co.ID]
	if t == nil {
		t = &tally{company: co}
		y.tallies[co.ID] = t
		y.order = append(y.order, co.ID)
	}
	return t
}

// CompanyOutcome is how a company's part of a sync ended.
type CompanyOutcome struct {
	Company Company
	// Skipped is why the company had nothing to sync.
	Skipped string
	// Err is why the company could not be synced completely; nil when it
	// was, as far as the caller knows (a source or record the store saw
	// incomplete still makes it incomplete).
	Err error
}

// CompanyDone records how a company's part of the sync ended, in
// sync_companies, with what the sync wrote for it: complete, incomplete
// (some source or record could not be fetched whole), failed (Err) or
// skipped.
func (y *Sync) CompanyDone(ctx context.Context, o CompanyOutcome) error {
	t := y.tally(o.Company)
	status, reason := "complete", ""
	switch {
	case o.Err != nil:
		status, reason = "failed", o.Err.Error()
	case o.Skipped != "":
		status, reason = "skipped", o.Skipped
	case t.incomplete > 0 || t.failed > 0:
		status, reason = "incomplete", fmt.Sprintf("%d sources incomplete, %d records failed", t.incomplete, t.failed)
	}
	return y.do(ctx, "record the company's outcome", func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO sync_companies (sync_id, company_id, company_name, status, reason,
  sources_fetched, sources_unchanged, sources_incomplete, users_written, records_failed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (sync_id, company_id) DO UPDATE SET company_name = excluded.company_name, status = excluded.status, reason = excluded.reason,
  sources_fetched = excluded.sources_fetched, sources_unchanged = excluded.sources_unchanged,
  sources_incomplete = excluded.sources_incomplete, users_written = excluded.users_written, records_failed = excluded.records_failed`,
			y.id, o.Company.ID, o.Company.Name, status, nullText(reason), t.fetched, t.unchanged, t.incomplete, t.users, t.failed)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE sync_runs SET
  companies = (SELECT COUNT(*) FROM sync_companies WHERE sync_id = $1),
  companies_failed = (SELECT COUNT(*) FROM sync_companies WHERE sync_id = $1 AND status IN ('failed', 'incomplete'))
WHERE id = $1`, y.id)
		return err
	})
}

// Finish ends the sync: its sync_runs row gets its end, its status
// (failed when err is set, incomplete when a company was, complete
// otherwise) and its error, and the lock is let go. It must be called
// whatever happened, err being what stopped the sync early, if anything;
// it works when ctx has ended, to record that.
func (y *Sync) Finish(ctx context.Context, err error) error {
	y.mu.Lock()
	if y.finished {
		y.mu.Unlock()
		return errors.New("store: the sync has already finished")
	}
	writing := y.writing
	y.mu.Unlock()
	if writing {
		return errors.New("store: a source is being written: commit or roll it back before finishing")
	}
	if y.stopBeat != nil {
		y.stopBeat()
	}
	ctx = context.WithoutCancel(ctx)
	text := ""
	if err != nil {
		text = err.Error()
	}
	ferr := y.do(ctx, "finish the sync", func(q querier) error {
		if _, err := q.ExecContext(ctx, `UPDATE sync_runs SET finished_at = $1,
  status = CASE WHEN $2 <> '' THEN 'failed'
                WHEN companies_failed > 0 OR sources_incomplete > 0 OR records_failed > 0 THEN 'incomplete'
                ELSE 'complete' END,
  error = CASE WHEN $2 <> '' THEN $2
               WHEN companies_failed > 0 THEN companies_failed || ' of ' || companies || ' companies failed or incomplete'
               WHEN sources_incomplete > 0 OR records_failed > 0 THEN sources_incomplete || ' sources incomplete, ' || records_failed || ' records failed'
               END
WHERE id = $3`, stamp(y.st.now()), clean(text), y.id); err != nil {
			return err
		}
		return y.lock.release(ctx, q)
	})
	y.mu.Lock()
	y.finished = true
	y.mu.Unlock()
	if l, ok := y.lock.(*advisoryLock); ok {
		ferr = errors.Join(ferr, l.unlock(ctx))
	}
	return ferr
}
