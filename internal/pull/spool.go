package pull

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// queue holds one source's records from its stream until the run yields
// them: JSON lines in a file with no name, appended by the stream and read
// by the run at its own pace. The first source's records pass straight
// through (pass), without a file.
type queue[R any] struct {
	file  *os.File
	ready chan struct{} // a record was added or the stream ended

	mu   sync.Mutex
	size int64 // bytes of complete records in file
	done bool
	err  error

	count    atomic.Int64
	finished atomic.Bool
}

func newQueue[R any](dir string) (*queue[R], error) {
	// Records hold names, emails and answers: a file without a name leaves
	// nothing behind however the run ends.
	f, err := atomicfile.Anonymous(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &queue[R]{file: f, ready: make(chan struct{}, 1)}, nil
}

// fill runs a source's stream into the queue.
func (q *queue[R]) fill(records iter.Seq2[R, error]) {
	var err error
	for r, rerr := range records {
		if rerr != nil {
			err = rerr
			break
		}
		if err = q.put(r); err != nil {
			break
		}
	}
	q.mu.Lock()
	q.done, q.err = true, err
	q.mu.Unlock()
	q.finished.Store(true)
	q.notify()
}

func (q *queue[R]) put(r R) error {
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	line = append(line, '\n')
	q.mu.Lock()
	_, err = q.file.WriteAt(line, q.size)
	if err == nil {
		q.size += int64(len(line))
	}
	q.mu.Unlock()
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	q.count.Add(1)
	q.notify()
	return nil
}

func (q *queue[R]) notify() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// errStop ends a drain whose consumer stopped.
var errStop = errors.New("stopped")

// drain hands each record to use, in order, until the stream has ended
// and every record is used; it returns the stream's error. Only the bytes
// of complete records are read, so it never sees half a record.
func (q *queue[R]) drain(ctx context.Context, use func(R) bool) error {
	var off int64
	for {
		q.mu.Lock()
		size, done, err := q.size, q.done, q.err
		q.mu.Unlock()
		if off < size {
			dec := json.NewDecoder(io.NewSectionReader(q.file, off, size-off))
			for {
				var r R
				if derr := dec.Decode(&r); derr == io.EOF {
					break
				} else if derr != nil {
					return fmt.Errorf("spool: %w", derr)
				}
				if !use(r) {
					return errStop
				}
			}
			off = size
			continue
		}
		if done {
			return err
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// pass is drain for the source yielded as its stream goes, without a
// spool: the queue only counts.
func (q *queue[R]) pass(records iter.Seq2[R, error]) func(context.Context, func(R) bool) error {
	return func(_ context.Context, use func(R) bool) error {
		defer q.finished.Store(true)
		for r, err := range records {
			if err != nil {
				return err
			}
			q.count.Add(1)
			if !use(r) {
				return errStop
			}
		}
		return nil
	}
}

func (q *queue[R]) close() {
	if q != nil && q.file != nil {
		_ = q.file.Close() // a spool with no name: nothing to lose
		q.file = nil
	}
}
