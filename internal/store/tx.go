package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// querier is what a transaction's statements run on: a *sql.Tx, or in
// SQLite a *sql.Conn inside BEGIN IMMEDIATE.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// tx is one write transaction on either engine.
type tx struct {
	q     querier
	conn  *sql.Conn // SQLite
	sqlTx *sql.Tx   // PostgreSQL
	done  bool
}

// begin starts a write transaction. SQLite's is BEGIN IMMEDIATE on a
// connection of its own, whatever the caller's data source name says: it
// takes the write lock at once, so a transaction that reads before it
// writes cannot fail half way for want of it. A caller's db might be
// opened without _txlock=immediate, so database/sql's BeginTx cannot be
// relied on for that.
func (s *Store) begin(ctx context.Context) (*tx, error) {
	if s.dialect == SQLite {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return nil, errors.Join(err, conn.Close())
		}
		return &tx{q: conn, conn: conn}, nil
	}
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &tx{q: t, sqlTx: t}, nil
}

// commit ends the transaction, keeping its writes.
func (t *tx) commit(ctx context.Context) error {
	if t.done {
		return errors.New("store: transaction already ended")
	}
	t.done = true
	if t.sqlTx != nil {
		return t.sqlTx.Commit()
	}
	_, err := t.conn.ExecContext(ctx, "COMMIT")
	if err != nil {
		// A failed COMMIT leaves the transaction open in SQLite: end it
		// before the connection goes back to the pool.
		_, rerr := t.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return errors.Join(err, rerr, t.conn.Close())
	}
	return t.conn.Close()
}

// rollback ends the transaction, dropping its writes; after commit it does
// nothing. It runs even when ctx has ended: the transaction must not
// outlive the call.
func (t *tx) rollback(ctx context.Context) error {
	if t.done {
		return nil
	}
	t.done = true
	if t.sqlTx != nil {
		err := t.sqlTx.Rollback()
		if errors.Is(err, sql.ErrTxDone) {
			return nil
		}
		return err
	}
	_, err := t.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	if err != nil {
		// The connection's state is unknown: do not give it back.
		_ = t.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return errors.Join(err, t.conn.Close())
}

// isBusy reports SQLite's "database is locked": another connection holds
// the write lock beyond the busy timeout.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}
