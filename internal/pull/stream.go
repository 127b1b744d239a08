package pull

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// Task is one row's record in the making.
type Task[R any] struct {
	// Record is what the row gave, filled in further by the steps.
	Record R
	// Steps fetch the record's other parts, side by side on the pool.
	// Each writes fields of its own, so they need no lock.
	Steps []func(ctx context.Context, rec *R) error
	// Finish, if set, completes the record once every step is done,
	// given each step's error in the steps' order (nil for those that
	// succeeded).
	Finish func(rec *R, errs []error)
}

// Source is one listing whose rows become records: a company's survey, a
// training enrollment, a phishing job.
type Source[R any] struct {
	// Tasks lists the source's rows in the listing's order, each as the
	// task that makes its record. It runs its page requests with do, on
	// the pull's pool. Its error (a page that keeps failing, a listing
	// that could not be made whole) ends the source after the records of
	// every task it yielded.
	Tasks func(ctx context.Context, do Do) iter.Seq2[Task[R], error]
	// Size estimates the bytes a finished record holds, for the bound on
	// records waiting to be yielded; nil counts none.
	Size func(*R) int64
	// Total, if set, is the source's row count as the service reports
	// it, or -1 while it is not known.
	Total func() int
}

// Do runs one request on the pull's pool and waits for it.
type Do func(ctx context.Context, request func(context.Context)) error

// MinWindow is the fewest records a source keeps in flight or waiting to be
// yielded, whatever the concurrency: a few seconds of users at full speed,
// so that a request retried twice (a second for each Retry-After: 1) does
// not hold up the ones behind it.
const MinWindow = 1024

// DefaultWindowBytes bounds the bytes of the records a source has started
// and not yet yielded (see budget). Records are small (a survey user's is a
// few KB), so it never binds a normal pull, where the window in records
// binds first; it binds a hostile service that answers tens of MB per user
// while the first user stalls.
const DefaultWindowBytes = 64 << 20

// stream yields src's records in the listing's order, each as soon as it
// and every record before it are complete. Rows are listed ahead of the
// records being made (the next page is fetched while the current one's
// records are), so the pool never waits for a page between two.
func stream[R any](ctx context.Context, pool *Pool, src Source[R], opts Options) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		var zero R
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		mem := newBudget(opts.windowBytes())
		tasks := make(chan Task[R], 100)
		pending := make(chan *slot[R], opts.window())
		listErr := make(chan error, 1)
		var producers sync.WaitGroup
		producers.Go(func() {
			defer close(tasks)
			for task, err := range src.Tasks(ctx, pool.Do) {
				if err != nil {
					listErr <- err
					return
				}
				select {
				case tasks <- task:
				case <-ctx.Done():
					listErr <- nil
					return
				}
			}
			listErr <- nil
		})
		producers.Go(func() {
			defer close(pending)
			for task := range tasks {
				if !mem.start(ctx) {
					return
				}
				s := &slot[R]{task: task, done: make(chan struct{})}
				select {
				case pending <- s:
				case <-ctx.Done():
					return
				}
				s.start(ctx, pool, src.Size, mem)
			}
		})
		// Whatever way the loop ends, nothing may outlive the iterator:
		// cancel, then let the producers stop.
		defer func() {
			cancel()
			producers.Wait()
		}()

		stopped := func() {
			yield(zero, fmt.Errorf("pull stopped: %w", context.Cause(ctx)))
		}
		for s := range pending {
			select {
			case <-s.done:
			case <-ctx.Done():
				stopped()
				return
			}
			if ctx.Err() != nil {
				stopped()
				return
			}
			mem.yielded(s.size)
			if !yield(s.task.Record, nil) {
				return
			}
		}
		if ctx.Err() != nil {
			stopped()
			return
		}
		// Uncancelled, pending closes only after tasks is drained, and
		// tasks only after the listing ended, so its error is waiting.
		if err := <-listErr; err != nil {
			yield(zero, err)
		}
	}
}

// slot is one record while its steps are in flight.
type slot[R any] struct {
	task  Task[R]
	errs  []error
	parts atomic.Int32
	done  chan struct{}
	size  int64
}

// start submits the task's steps. If the pull stops before all are
// submitted, the slot is never done; the consumer sees the cancellation
// instead.
func (s *slot[R]) start(ctx context.Context, pool *Pool, size func(*R) int64, held *budget) {
	steps := s.task.Steps
	if len(steps) == 0 {
		s.finish(size, held)
		return
	}
	s.errs = make([]error, len(steps))
	s.parts.Store(int32(len(steps)))
	for i, step := range steps {
		if !pool.Submit(ctx, func(ctx context.Context) {
			s.errs[i] = step(ctx, &s.task.Record)
			if s.parts.Add(-1) == 0 {
				s.finish(size, held)
			}
		}) {
			return
		}
	}
}

func (s *slot[R]) finish(size func(*R) int64, held *budget) {
	if s.task.Finish != nil {
		s.task.Finish(&s.task.Record, s.errs)
	}
	if size != nil {
		s.size = size(&s.task.Record)
	}
	held.finished(s.size)
	close(s.done)
}

// budget bounds the bytes of records between their start and their
// yield. Finished records are counted as they are; records in flight are
// counted at the average size of those finished so far, since a record
// started is one that will be held: a hostile service answering tens of MB
// a user, with the first user stalled, would otherwise fill memory with a
// pool's worth of records behind it. The record holding up the others is
// in flight, so the wait always ends: when it finishes it is yielded and
// the bytes behind it follow.
type budget struct {
	limit int64
	mu    sync.Mutex
	held  int64 // finished, not yet yielded
	// flying counts records started and not finished; sizes and count
	// are the finished records' bytes and number, for the average.
	flying, sizes, count int64
	freed                chan struct{}
}

func newBudget(limit int64) *budget { return &budget{limit: limit, freed: make(chan struct{}, 1)} }

// start waits until one more record fits, and counts it as in flight;
// false when ctx ended first.
func (b *budget) start(ctx context.Context) bool {
	for {
		b.mu.Lock()
		avg := int64(0)
		if b.count > 0 {
			avg = b.sizes / b.count
		}
		if b.held+(b.flying+1)*avg <= b.limit || b.flying+b.held == 0 {
			b.flying++
			b.mu.Unlock()
			return true
		}
		b.mu.Unlock()
		select {
		case <-b.freed:
		case <-ctx.Done():
			return false
		}
	}
}

// finished moves a record of n bytes from in flight to held.
func (b *budget) finished(n int64) {
	b.mu.Lock()
	b.flying--
	b.held += n
	b.sizes += n
	b.count++
	b.mu.Unlock()
	b.signal()
}

// yielded releases a held record of n bytes.
func (b *budget) yielded(n int64) {
	b.mu.Lock()
	b.held -= n
	b.mu.Unlock()
	b.signal()
}

func (b *budget) signal() {
	select {
	case b.freed <- struct{}{}:
	default:
	}
}
