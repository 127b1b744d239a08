package pull

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type rec struct {
	ID    string `json:"id"`
	Parts []string
	Blob  string `json:"blob,omitempty"`
	Error string `json:"error,omitempty"`
}

// source makes n records named prefix-i, each with two steps that take a
// random moment, so they finish out of order.
func source(prefix string, n int, listErr error) Source[rec] {
	return Source[rec]{
		Tasks: func(ctx context.Context, do Do) iter.Seq2[Task[rec], error] {
			return func(yield func(Task[rec], error) bool) {
				for i := range n {
					if i%100 == 0 {
						if err := do(ctx, func(context.Context) {}); err != nil {
							yield(Task[rec]{}, err)
							return
						}
					}
					t := Task[rec]{Record: rec{ID: fmt.Sprintf("%s-%d", prefix, i)}}
					for part := range 2 {
						t.Steps = append(t.Steps, func(ctx context.Context, r *rec) error {
							time.Sleep(time.Duration(rand.IntN(50)) * time.Microsecond)
							if part == 1 && i%7 == 3 {
								return errors.New("answers: 503")
							}
							return nil
						})
					}
					t.Finish = func(r *rec, errs []error) {
						r.Parts = []string{"timeline", "answers"}
						if err := errors.Join(errs...); err != nil {
							r.Error = err.Error()
						}
					}
					if !yield(t, nil) {
						return
					}
				}
				if listErr != nil {
					yield(Task[rec]{}, listErr)
				}
			}
		},
		Total: func() int { return n },
	}
}

func TestRunYieldsSourcesInOrder(t *testing.T) {
	broken := errors.New("users/search reported 9 rows but gave 8")
	r := &Run[rec]{
		Sources: []Source[rec]{source("a", 250, nil), source("b", 30, broken), source("c", 0, nil), source("d", 120, nil)},
		Options: Options{Concurrency: 8, SpoolDir: t.TempDir()},
	}
	var got []string
	var ends []string
	for it, err := range r.Items(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if it.End {
			ends = append(ends, fmt.Sprintf("%d:%v", it.Source, it.Err))
			continue
		}
		got = append(got, it.Record.ID)
		if it.Record.Parts == nil {
			t.Fatalf("%s yielded before its steps finished", it.Record.ID)
		}
	}
	var want []string
	for _, s := range []struct {
		p string
		n int
	}{{"a", 250}, {"b", 30}, {"c", 0}, {"d", 120}} {
		for i := range s.n {
			want = append(want, fmt.Sprintf("%s-%d", s.p, i))
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("records out of order or missing: %d of %d", len(got), len(want))
	}
	if strings.Join(ends, " ") != "0:<nil> 1:"+broken.Error()+" 2:<nil> 3:<nil>" {
		t.Errorf("ends: %v", ends)
	}
	if pr := r.Progress(); pr.Sources != 4 || pr.SourcesDone != 4 || pr.Rows != 400 || pr.RowsDone != 400 {
		t.Errorf("progress %+v", pr)
	}
}

// TestWindowBoundsRecordsBehindAStalledOne: while the first record stalls,
// no more than the window of records is started behind it.
func TestWindowBoundsRecordsBehindAStalledOne(t *testing.T) {
	release := make(chan struct{})
	var started atomic.Int64
	src := Source[rec]{Tasks: func(ctx context.Context, do Do) iter.Seq2[Task[rec], error] {
		return func(yield func(Task[rec], error) bool) {
			for i := range 10_000 {
				t := Task[rec]{Record: rec{ID: fmt.Sprint(i)}, Steps: []func(context.Context, *rec) error{func(ctx context.Context, r *rec) error {
					started.Add(1)
					if i == 0 {
						select {
						case <-release:
						case <-ctx.Done():
						}
					}
					return nil
				}}}
				if !yield(t, nil) {
					return
				}
			}
		}
	}}
	r := &Run[rec]{Sources: []Source[rec]{src}, Options: Options{Concurrency: 4, Window: 50}}
	var wg sync.WaitGroup
	wg.Go(func() {
		// Wait until the run has started all it may behind the stalled
		// first record, and a while longer, then let it go.
		for started.Load() < 50 {
			runtime.Gosched()
		}
		time.Sleep(50 * time.Millisecond)
		if n := started.Load(); n > 51 {
			t.Errorf("%d records started behind a stalled one, window 50", n)
		}
		close(release)
	})
	n := 0
	for it, err := range r.Items(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if !it.End {
			n++
		}
	}
	wg.Wait()
	if n != 10_000 {
		t.Errorf("%d records, want 10000", n)
	}
}

// TestBytesBoundRecordsBehindAStalledOne: records of megabytes each, the
// first stalled: what is started behind it stays within the byte budget,
// not the record window.
func TestBytesBoundRecordsBehindAStalledOne(t *testing.T) {
	const each = 1 << 20
	release := make(chan struct{})
	var flying, most atomic.Int64
	src := Source[rec]{
		Size: func(r *rec) int64 { return int64(len(r.Blob)) },
		Tasks: func(ctx context.Context, do Do) iter.Seq2[Task[rec], error] {
			return func(yield func(Task[rec], error) bool) {
				for i := range 200 {
					t := Task[rec]{Record: rec{ID: fmt.Sprint(i)}, Steps: []func(context.Context, *rec) error{func(ctx context.Context, r *rec) error {
						if i == 0 {
							select {
							case <-release:
							case <-ctx.Done():
							}
						}
						r.Blob = strings.Repeat("x", each)
						n := flying.Add(1)
						for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
						}
						return nil
					}}}
					if !yield(t, nil) {
						return
					}
				}
			}
		},
	}
	r := &Run[rec]{Sources: []Source[rec]{src}, Options: Options{Concurrency: 8, WindowBytes: 8 * each}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	got := 0
	var wg sync.WaitGroup
	wg.Go(func() {
		// Let the run fill what it may behind the stalled first record.
		for most.Load() < 8 {
			runtime.Gosched()
		}
		time.Sleep(50 * time.Millisecond)
		close(release)
	})
	for it, err := range r.Items(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if !it.End {
			got++
			flying.Add(-1)
		}
	}
	wg.Wait()
	if got != 200 {
		t.Fatalf("%d records, want 200", got)
	}
	if m := most.Load(); m > 10 {
		t.Errorf("%d records of 1 MiB held at once under an 8 MiB budget", m)
	}
}

func TestStopRangingStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	r := &Run[rec]{Sources: []Source[rec]{source("a", 5_000, nil), source("b", 5_000, nil)}, Options: Options{Concurrency: 8, SpoolDir: t.TempDir()}}
	n := 0
	for range r.Items(t.Context()) {
		if n++; n == 10 {
			break
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before+2 {
		t.Errorf("%d goroutines outlive the run (%d before)", g, before)
	}
}

func TestCancelEndsWithTheCause(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	r := &Run[rec]{Sources: []Source[rec]{source("a", 5_000, nil)}, Options: Options{Concurrency: 4}}
	var last error
	n := 0
	for _, err := range r.Items(ctx) {
		if n++; n == 5 {
			cancel(errors.New("SIGTERM"))
		}
		last = err
	}
	if last == nil || !strings.Contains(last.Error(), "pull stopped: SIGTERM") {
		t.Fatalf("last error %v", last)
	}
}
