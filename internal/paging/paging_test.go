package paging

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// service is a paged search over ids, with the faults a live service has.
type service struct {
	ids      []string
	cap      int  // rows a page at most (the service's cap); 0: as asked
	shuffle  bool // every request sees another order (every row ties)
	rng      *rand.Rand
	total    func(page int) int64 // the reported total; nil: len(ids)
	before   func(s *service, page int)
	requests int
	mu       sync.Mutex // repair passes fetch pages side by side
}

func newService(n int) *service {
	s := &service{rng: rand.New(rand.NewPCG(1, 2))}
	for i := range n {
		s.ids = append(s.ids, fmt.Sprintf("id-%04d", i))
	}
	return s
}

func (s *service) fetch(_ context.Context, page, size int) (Page[string], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.before != nil {
		s.before(s, page)
	}
	if s.cap > 0 {
		size = min(size, s.cap)
	}
	order := s.ids
	if s.shuffle {
		order = slices.Clone(s.ids)
		s.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	start := min((page-1)*size, len(order))
	end := min(start+size, len(order))
	total := int64(len(s.ids))
	if s.total != nil {
		total = s.total(page)
	}
	return Page[string]{Rows: slices.Clone(order[start:end]), Total: total}, nil
}

func (s *service) listing() Listing[string] {
	return Listing[string]{Name: "things/search", PageSize: 100, Fetch: s.fetch, ID: func(id string) string { return id }}
}

func collect(t *testing.T, l Listing[string]) ([]string, error) {
	t.Helper()
	var got []string
	for row, err := range l.All(t.Context()) {
		if err != nil {
			return got, err
		}
		got = append(got, row)
	}
	return got, nil
}

func requireEach(t *testing.T, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s yielded %d times", id, n)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("%s never yielded", id)
		}
	}
	if len(got) != len(want) {
		t.Errorf("yielded %d rows, want %d", len(got), len(want))
	}
}

func TestStableListingIsOnePassInOrder(t *testing.T) {
	for _, tc := range []struct{ n, cap, requests int }{{0, 0, 1}, {1, 0, 1}, {100, 0, 2}, {250, 0, 3}, {250, 40, 7}} {
		t.Run(fmt.Sprintf("%d rows, cap %d", tc.n, tc.cap), func(t *testing.T) {
			s := newService(tc.n)
			s.cap = tc.cap
			got, err := collect(t, s.listing())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, s.ids) && !(len(got) == 0 && len(s.ids) == 0) {
				t.Errorf("rows out of the service's order")
			}
			if s.requests != tc.requests {
				t.Errorf("%d requests, want %d: a stable listing costs nothing extra", s.requests, tc.requests)
			}
		})
	}
}

// TestUnstableOrderIsRepaired: every request sees another order, so pages
// overlap and rows fall between them; the listing still yields every row
// once, in more passes.
func TestUnstableOrderIsRepaired(t *testing.T) {
	for _, n := range []int{101, 155, 350, 2_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := newService(n)
			s.shuffle = true
			got, err := collect(t, s.listing())
			if err != nil {
				t.Fatal(err)
			}
			requireEach(t, got, s.ids)
			pages := (n + 99) / 100
			if s.requests <= pages {
				t.Errorf("%d requests for %d pages: the overlap went unnoticed", s.requests, pages)
			}
		})
	}
}

func TestRowsAddedWhilePagedAreFound(t *testing.T) {
	s := newService(250)
	added := false
	s.before = func(s *service, page int) {
		if page == 3 && !added {
			added = true
			// Two rows sort before the offset (shifting a row back onto
			// page 2, which was read already) and one after.
			s.ids = slices.Insert(s.ids, 0, "new-a", "new-b")
			s.ids = append(s.ids, "new-c")
		}
	}
	got, err := collect(t, s.listing())
	if err != nil {
		t.Fatal(err)
	}
	requireEach(t, got, s.ids)
	if !slices.Equal(got[:250-2], s.ids[2:250]) {
		t.Error("the first pass's rows are not first, in order")
	}
}

func TestRowsRemovedWhilePagedLeaveNoGap(t *testing.T) {
	s := newService(250)
	removed := false
	s.before = func(s *service, page int) {
		if page == 2 && !removed {
			removed = true
			s.ids = slices.Delete(s.ids, 10, 15) // from page 1, already read: page 2 shifts back
		}
	}
	got, err := collect(t, s.listing())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range s.ids {
		if !slices.Contains(got, id) {
			t.Errorf("%s lost: rows moved back past the offset", id)
		}
	}
}

// TestMissingRowsFailLoudly: a service that reports more rows than it ever
// lists is a loud failure naming both numbers, after a bounded number of
// passes.
func TestMissingRowsFailLoudly(t *testing.T) {
	s := newService(340)
	s.total = func(int) int64 { return 350 }
	got, err := collect(t, s.listing())
	var inc *IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("err = %v, want an *IncompleteError", err)
	}
	if inc.Reported != 350 || inc.Distinct != 340 || len(got) != 340 {
		t.Errorf("reported %d, distinct %d, yielded %d", inc.Reported, inc.Distinct, len(got))
	}
	if !strings.Contains(err.Error(), "things/search reported 350 rows") || !strings.Contains(err.Error(), "10 missing") {
		t.Errorf("error does not say what is missing: %v", err)
	}
	if inc.Passes > 4 {
		t.Errorf("%d passes: on a stable order a few passes that add nothing end the repair", inc.Passes)
	}
}

func TestPassesAreBounded(t *testing.T) {
	s := newService(20_000)
	s.shuffle = true
	l := s.listing()
	l.MaxPasses = 3
	_, err := collect(t, l)
	var inc *IncompleteError
	if !errors.As(err, &inc) || inc.Passes != 3 {
		t.Fatalf("err = %v, want an *IncompleteError after 3 passes", err)
	}
	if s.requests > 3*200+3 {
		t.Errorf("%d requests for 3 passes of 200 pages", s.requests)
	}
}

func TestRepeatedPageRunsAway(t *testing.T) {
	s := newService(1_000)
	l := s.listing()
	l.Fetch = func(ctx context.Context, page, size int) (Page[string], error) {
		return s.fetch(ctx, 1, size) // ignores pageNumber
	}
	_, err := collect(t, l)
	if !errors.Is(err, ErrRunaway) || !strings.Contains(err.Error(), "page 2 repeats the rows of page 1") {
		t.Fatalf("err = %v", err)
	}
	if s.requests != 2 {
		t.Errorf("%d requests: should stop at the first repeated page", s.requests)
	}
}

func TestCyclingPagesRunAway(t *testing.T) {
	s := newService(200)
	s.total = func(int) int64 { return -1 } // no count to bound it
	l := s.listing()
	l.Fetch = func(ctx context.Context, page, size int) (Page[string], error) {
		return s.fetch(ctx, 1+(page-1)%2, size) // pages 1, 2, 1, 2, …
	}
	_, err := collect(t, l)
	if !errors.Is(err, ErrRunaway) {
		t.Fatalf("err = %v", err)
	}
	if s.requests > 10 {
		t.Errorf("%d requests before stopping", s.requests)
	}
}

// TestEndlessPagesStopAtWhatWasPromised: new rows on every page, forever,
// while the service says there are 12.
func TestEndlessPagesStopAtWhatWasPromised(t *testing.T) {
	for _, tc := range []struct {
		name     string
		total    int64
		promised int64
	}{{"total", 12, 0}, {"summary", -1, 12}} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			l := Listing[string]{Name: "users/search", PageSize: 100, Promised: tc.promised, ID: func(s string) string { return s },
				Fetch: func(_ context.Context, page, size int) (Page[string], error) {
					n++
					rows := make([]string, size)
					for i := range rows {
						rows[i] = fmt.Sprintf("u-%d-%d", page, i)
					}
					return Page[string]{Rows: rows, Total: tc.total}, nil
				}}
			_, err := collect(t, l)
			if !errors.Is(err, ErrRunaway) || !strings.Contains(err.Error(), "promised 12") {
				t.Fatalf("err = %v", err)
			}
			if n > 2 {
				t.Errorf("%d pages before stopping", n)
			}
			l.Unbounded = true
			l.MaxPasses = 1
			stop := 0
			for _, err := range l.All(t.Context()) {
				if err != nil {
					t.Fatalf("unbounded: %v", err)
				}
				if stop++; stop == 1_000 {
					break
				}
			}
		})
	}
}

func TestRowsWithoutIDAreYieldedOnce(t *testing.T) {
	s := newService(150)
	s.ids[3], s.ids[120] = "", ""
	s.shuffle = true
	got, err := collect(t, s.listing())
	if err != nil && !errors.As(err, new(*IncompleteError)) {
		t.Fatal(err)
	}
	empty := 0
	for _, id := range got {
		if id == "" {
			empty++
		}
	}
	if empty > 2 {
		t.Errorf("%d rows without an ID yielded: later passes must not repeat them", empty)
	}
}

func TestStopRangingStopsFetching(t *testing.T) {
	s := newService(1_000)
	for range s.listing().All(t.Context()) {
		break
	}
	if s.requests != 1 {
		t.Errorf("%d requests after the consumer stopped at the first row", s.requests)
	}
}

func TestPageErrorNamesThePage(t *testing.T) {
	s := newService(300)
	l := s.listing()
	l.Fetch = func(ctx context.Context, page, size int) (Page[string], error) {
		if page == 2 {
			return Page[string]{}, errors.New("502 Bad Gateway")
		}
		return s.fetch(ctx, page, size)
	}
	got, err := collect(t, l)
	if err == nil || !strings.Contains(err.Error(), "things/search, page 2: 502") {
		t.Fatalf("err = %v", err)
	}
	if len(got) != 100 {
		t.Errorf("%d rows before the failure, want page 1's", len(got))
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := newService(300)
	l := s.listing()
	var err error
	for _, e := range l.All(ctx) {
		cancel()
		err = e
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
