package pull

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// Options tune a run.
type Options struct {
	// Concurrency bounds the requests in flight across every source;
	// at least 1.
	Concurrency int
	// Window bounds a source's records in flight or waiting to be
	// yielded; 0 means max(4 × Concurrency, MinWindow).
	Window int
	// WindowBytes bounds their bytes (see DefaultWindowBytes); 0 means
	// DefaultWindowBytes.
	WindowBytes int64
	// SpoolDir is where the records of sources not yet being yielded
	// wait, in files that have no name; empty means os.TempDir().
	SpoolDir string
}

func (o Options) window() int {
	if o.Window > 0 {
		return o.Window
	}
	return max(4*o.Concurrency, MinWindow)
}

func (o Options) windowBytes() int64 {
	if o.WindowBytes > 0 {
		return o.WindowBytes
	}
	return DefaultWindowBytes
}

// Item is one element of a run: a record of source Source, or, with End,
// the end of source Source and its error (nil when every row was listed).
type Item[R any] struct {
	Source int
	Record R
	End    bool
	Err    error
}

// Run pulls sources side by side on one pool.
type Run[R any] struct {
	Sources []Source[R]
	Options

	queues atomic.Pointer[[]*queue[R]]
}

// Items yields every source's records: all of the first source's in the
// order its listing gives them, then its End, then the next source's, and so
// on, so two runs over the same data give the same output. The sources are
// fetched side by side, on Concurrency workers shared by all of them, so the
// request budget stays busy until the last source is done; records of a
// source that is not being yielded yet wait in a spool file with no name,
// not in memory. A source's failure is its End's Err, and the next source
// follows; the sequence's own error (a cancelled context, a spool that
// cannot be written) ends it.
func (r *Run[R]) Items(ctx context.Context) iter.Seq2[Item[R], error] {
	return func(yield func(Item[R], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		queues := make([]*queue[R], len(r.Sources))
		defer func() {
			for _, q := range queues {
				q.close()
			}
		}()
		for i := range r.Sources {
			// The first source is yielded as it comes, so it needs no
			// spool: a run of one source costs what its stream does.
			if i == 0 {
				queues[i] = &queue[R]{}
				continue
			}
			q, err := newQueue[R](r.SpoolDir)
			if err != nil {
				yield(Item[R]{}, err)
				return
			}
			queues[i] = q
		}
		r.queues.Store(&queues)

		pool := NewPool(r.Concurrency)
		var fills sync.WaitGroup
		defer func() {
			cancel()
			fills.Wait()
			pool.Close()
		}()
		for i, src := range r.Sources {
			if i > 0 {
				fills.Go(func() { queues[i].fill(stream(ctx, pool, src, r.Options)) })
			}
		}

		for i, src := range r.Sources {
			stopped := false
			records := queues[i].drain
			if i == 0 {
				records = queues[i].pass(stream(ctx, pool, src, r.Options))
			}
			err := records(ctx, func(rec R) bool {
				if !yield(Item[R]{Source: i, Record: rec}, nil) {
					stopped = true
					return false
				}
				return true
			})
			if stopped {
				return
			}
			if ctx.Err() != nil {
				yield(Item[R]{}, fmt.Errorf("pull stopped: %w", context.Cause(ctx)))
				return
			}
			if !yield(Item[R]{Source: i, End: true, Err: err}, nil) {
				return
			}
		}
	}
}

// Progress is how far a run has got.
type Progress struct {
	Sources, SourcesDone int
	// Rows is the sources' row counts summed, or -1 while some source's
	// count is not known; RowsDone counts the records made so far,
	// yielded or not.
	Rows, RowsDone int
}

// Progress is how far Items has got; it is safe to call while Items runs,
// e.g. from a progress display.
func (r *Run[R]) Progress() Progress {
	pr := Progress{Sources: len(r.Sources)}
	var queues []*queue[R]
	if q := r.queues.Load(); q != nil {
		queues = *q
	}
	for i, s := range r.Sources {
		total := -1
		if s.Total != nil {
			total = s.Total()
		}
		if total >= 0 && pr.Rows >= 0 {
			pr.Rows += total
		} else {
			pr.Rows = -1
		}
		if i < len(queues) {
			pr.RowsDone += int(queues[i].count.Load())
			if queues[i].finished.Load() {
				pr.SourcesDone++
			}
		}
	}
	return pr
}
