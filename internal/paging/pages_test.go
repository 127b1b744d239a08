package paging

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

// pagedServer serves rows [0,total) capped at limit rows a page, whatever was
// asked, like the service does, without a total.
func pagedServer(total, limit int, calls *int) func(context.Context, int, int) (Page[int], error) {
	return countedServer(total, limit, -1, calls)
}

// countedServer is pagedServer whose pages report reported as their total.
func countedServer(total, limit int, reported int64, calls *int) func(context.Context, int, int) (Page[int], error) {
	return func(_ context.Context, page, size int) (Page[int], error) {
		*calls++
		size = min(size, limit)
		var rows []int
		for i := (page - 1) * size; i < total && i < page*size; i++ {
			rows = append(rows, i)
		}
		return Page[int]{Rows: rows, Total: reported}, nil
	}
}

func ints(size int, fetch func(context.Context, int, int) (Page[int], error)) Listing[int] {
	return Listing[int]{Name: "ints", PageSize: size, Fetch: fetch, ID: strconv.Itoa}
}

func all(ctx context.Context, l Listing[int]) ([]int, error) {
	var out []int
	for r, err := range l.All(ctx) {
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func TestPagesFollowWhatTheServerReturns(t *testing.T) {
	tests := []struct {
		name             string
		total, limit     int
		reported         int64 // the pages' total, -1 for none
		asked, wantCalls int
	}{
		{"capped below the asked size", 250, 100, -1, 500, 3},
		{"exact multiple ends on an empty page", 200, 100, -1, 100, 3},
		{"empty", 0, 100, -1, 100, 1},
		// A first page shorter than asked may be the server's cap, so
		// one more page is asked for before stopping...
		{"one short page", 7, 100, -1, 100, 2},
		// ...unless its total says it holds them all.
		{"one short page that says it is whole", 7, 100, 7, 100, 1},
		{"a short page at the cap, with the total", 250, 100, 250, 500, 3},
		{"a page of the cap that says it is whole", 100, 100, 100, 500, 1},
		{"a full page that says it is whole", 100, 100, 100, 100, 2},
		{"a short page of the cap under its total", 20, 7, 20, 100, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			rows, err := all(t.Context(), ints(tt.asked, countedServer(tt.total, tt.limit, tt.reported, &calls)))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.total {
				t.Fatalf("got %d rows, want %d", len(rows), tt.total)
			}
			for i, r := range rows {
				if r != i {
					t.Fatalf("row %d is %d", i, r)
				}
			}
			if calls != tt.wantCalls {
				t.Errorf("%d page requests, want %d", calls, tt.wantCalls)
			}
		})
	}
}

// TestPagesStopOnAServerThatNeverEnds: with no count to bound it, a server
// that always has one more page stops at the page cap.
func TestPagesStopOnAServerThatNeverEnds(t *testing.T) {
	calls := 0
	endless := func(_ context.Context, page, size int) (Page[int], error) {
		calls++
		return Page[int]{Rows: []int{page}, Total: -1}, nil
	}
	_, err := all(t.Context(), ints(1, endless))
	if !errors.Is(err, ErrRunaway) || calls != MaxPages {
		t.Fatalf("got %v after %d calls, want an error after %d", err, calls, MaxPages)
	}
}

func TestPagesReportErrorsAndCancellation(t *testing.T) {
	boom := errors.New("boom")
	_, err := all(t.Context(), ints(10, func(context.Context, int, int) (Page[int], error) { return Page[int]{}, boom }))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := 0
	_, err = all(ctx, ints(10, pagedServer(100, 10, &calls)))
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("got %v after %d calls, want context.Canceled before any", err, calls)
	}
}
