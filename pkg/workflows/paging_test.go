package workflows

import (
	"context"
	"errors"
	"testing"
)

// pagedServer serves rows [0,total) capped at limit rows a page, whatever was
// asked, like the service does.
func pagedServer(total, limit int, calls *int) pageFetcher[int] {
	return func(_ context.Context, page, size int) ([]int, error) {
		*calls++
		size = min(size, limit)
		var rows []int
		for i := (page - 1) * size; i < total && i < page*size; i++ {
			rows = append(rows, i)
		}
		return rows, nil
	}
}

func TestAllPagesFollowsWhatTheServerReturns(t *testing.T) {
	tests := []struct {
		name             string
		total, limit     int
		asked, wantCalls int
	}{
		{"capped below the asked size", 250, 100, 500, 3},
		{"exact multiple ends on an empty page", 200, 100, 100, 3},
		{"empty", 0, 100, 100, 1},
		// A first page shorter than asked may be the server's cap, so
		// one more page is asked for before stopping.
		{"one short page", 7, 100, 100, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			rows, err := collect(allPages(context.Background(), tt.asked, pagedServer(tt.total, tt.limit, &calls)))
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

func TestAllPagesStopsOnAServerThatNeverEnds(t *testing.T) {
	calls := 0
	endless := func(_ context.Context, page, size int) ([]int, error) {
		calls++
		return []int{page}, nil
	}
	_, err := collect(allPages(context.Background(), 1, endless))
	if err == nil || calls != maxPages {
		t.Fatalf("got %v after %d calls, want an error after %d", err, calls, maxPages)
	}
}

func TestAllPagesReportsErrorsAndCancellation(t *testing.T) {
	boom := errors.New("boom")
	_, err := collect(allPages(context.Background(), 10, func(context.Context, int, int) ([]int, error) { return nil, boom }))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	_, err = collect(allPages(ctx, 10, pagedServer(100, 10, &calls)))
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("got %v after %d calls, want context.Canceled before any", err, calls)
	}
}
