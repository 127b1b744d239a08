package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// BusyError refuses a sync while another one writes to the database.
type BusyError struct {
	// SyncID, Started, Host and PID describe the sync holding the
	// database, as far as it is known (zero when it is not).
	SyncID  int64
	Started string
	Host    string
	PID     int64
}

func (e *BusyError) Error() string {
	if e.SyncID == 0 {
		return "another program is writing to this database; run again when it has finished"
	}
	return fmt.Sprintf("another sync (run %d, started %s on %s, process %d) is writing to this database; run again when it has finished",
		e.SyncID, e.Started, e.Host, e.PID)
}

// ErrLockLost means a sync's hold on the database was taken over (its
// heartbeat stopped for longer than the lease) or its connection to the
// server was lost: it writes nothing more.
var ErrLockLost = errors.New("store: this sync no longer holds the database's sync lock")

// syncLock is a sync's hold on the database.
type syncLock interface {
	// fence checks, in a write transaction, that the hold is still the
	// sync's, renewing it: the transaction writes only if it is.
	fence(ctx context.Context, q querier) error
	// release lets the next sync in; for SQLite it runs in the
	// transaction that ends the sync.
	release(ctx context.Context, q querier) error
	// beats reports whether the hold needs a heartbeat between
	// transactions.
	beats() bool
}

// takeLock takes the database's sync lock, or says who holds it, and in
// the same turn writes the sync's sync_runs row: a run left "running" by
// a sync that died is marked "interrupted" first.
func (s *Store) takeLock(ctx context.Context, opt SyncOptions) (syncLock, int64, error) {
	if s.dialect == Postgres {
		return s.takeAdvisoryLock(ctx, opt)
	}
	return s.takeLockRow(ctx, opt)
}

// takeAdvisoryLock holds PostgreSQL's session advisory lock on a
// connection of its own: the server drops it with the connection, so a
// sync killed at any point lets the next one in.
func (s *Store) takeAdvisoryLock(ctx context.Context, opt SyncOptions) (syncLock, int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, 0, s.wrap("connect", err)
	}
	var got bool
	var backend int64
	err = conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(hashtext('keepnet-flow sync ' || current_schema())), pg_backend_pid()").Scan(&got, &backend)
	if err != nil {
		return nil, 0, errors.Join(s.wrap("take the sync lock", err), conn.Close())
	}
	if !got {
		busy := &BusyError{}
		_ = s.db.QueryRowContext(ctx, "SELECT id, started_at, host, pid FROM sync_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1").
			Scan(&busy.SyncID, &busy.Started, &busy.Host, &busy.PID)
		return nil, 0, errors.Join(busy, conn.Close())
	}
	l := &advisoryLock{conn: conn, backend: backend}
	id, err := s.startRun(ctx, opt, nil)
	if err != nil {
		return nil, 0, errors.Join(err, l.unlock(ctx))
	}
	return l, id, nil
}

type advisoryLock struct {
	conn    *sql.Conn
	backend int64
}

func (l *advisoryLock) fence(ctx context.Context, q querier) error {
	var held bool
	err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND granted)", l.backend).Scan(&held)
	if err != nil {
		return err
	}
	if !held {
		return ErrLockLost
	}
	return nil
}

// release does nothing in the transaction: the advisory lock is let go
// after it commits (unlock), so no other sync starts before this one's
// last row is visible.
func (l *advisoryLock) release(context.Context, querier) error { return nil }

func (l *advisoryLock) beats() bool { return false }

func (l *advisoryLock) unlock(ctx context.Context) error {
	_, err := l.conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext('keepnet-flow sync ' || current_schema()))")
	return errors.Join(err, l.conn.Close())
}

// takeLockRow takes SQLite's lock row under BEGIN IMMEDIATE. A row held
// by another sync is taken over only when that sync is known dead: its
// process is gone from this machine, or it has not renewed the row for
// a lease.
func (s *Store) takeLockRow(ctx context.Context, opt SyncOptions) (syncLock, int64, error) {
	t, err := s.begin(ctx)
	if isBusy(err) {
		return nil, 0, &BusyError{}
	}
	if err != nil {
		return nil, 0, s.wrap("take the sync lock", err)
	}
	defer t.rollback(ctx)
	var cur struct {
		token, host, pidNS, beat string
		syncID                   sql.NullInt64
		pid                      int64
	}
	err = t.q.QueryRowContext(ctx, "SELECT token, sync_id, host, pid, pid_ns, heartbeat_at FROM sync_lock WHERE name = 'sync'").
		Scan(&cur.token, &cur.syncID, &cur.host, &cur.pid, &cur.pidNS, &cur.beat)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, s.wrap("read the sync lock", err)
	}
	if cur.token != "" && !s.lockDead(cur.host, cur.pidNS, cur.pid, cur.beat) {
		busy := &BusyError{SyncID: cur.syncID.Int64, Host: cur.host, PID: cur.pid}
		_ = t.q.QueryRowContext(ctx, "SELECT started_at FROM sync_runs WHERE id = $1", cur.syncID.Int64).Scan(&busy.Started)
		return nil, 0, busy
	}
	l := &lockRow{token: newToken(), now: s.now}
	id, err := s.startRun(ctx, opt, t)
	if err != nil {
		return nil, 0, err
	}
	now := stamp(s.now())
	_, err = t.q.ExecContext(ctx, `INSERT INTO sync_lock (name, token, sync_id, host, pid, pid_ns, acquired_at, heartbeat_at)
VALUES ('sync', $1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (name) DO UPDATE SET token = excluded.token, sync_id = excluded.sync_id, host = excluded.host, pid = excluded.pid,
  pid_ns = excluded.pid_ns, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
		l.token, id, s.self.host, s.self.pid, s.self.pidNS, now)
	if err != nil {
		return nil, 0, s.wrap("take the sync lock", err)
	}
	if err := t.commit(ctx); err != nil {
		return nil, 0, s.wrap("take the sync lock", err)
	}
	return l, id, nil
}

// lockDead reports whether a lock row's holder is known to have stopped.
func (s *Store) lockDead(host, pidNS string, pid int64, beat string) bool {
	if last, err := time.Parse(time.RFC3339Nano, beat); err != nil || s.now().Sub(last) > s.lease {
		return true
	}
	// A process of this machine (and of this PID namespace, so that two
	// containers that share a host name and a volume cannot mistake each
	// other's processes) can be asked for directly.
	return host == s.self.host && pidNS == s.self.pidNS && !processAlive(pid)
}

type lockRow struct {
	token string
	now   func() time.Time
}

func (l *lockRow) fence(ctx context.Context, q querier) error {
	res, err := q.ExecContext(ctx, "UPDATE sync_lock SET heartbeat_at = $1 WHERE name = 'sync' AND token = $2", stamp(l.now()), l.token)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(ErrLockLost, err)
	}
	return nil
}

func (l *lockRow) release(ctx context.Context, q querier) error {
	_, err := q.ExecContext(ctx, "UPDATE sync_lock SET token = '' WHERE name = 'sync' AND token = $1", l.token)
	return err
}

func (l *lockRow) beats() bool { return true }

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// stamp is t as the store writes every timestamp of its own: UTC, ISO 8601.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
