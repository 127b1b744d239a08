package pull

import (
	"errors"
	"fmt"
	"testing"
)

// held is a record of either of two flows, as a run of both holds them.
type held struct {
	A *rec `json:"a,omitempty"`
	B *rec `json:"b,omitempty"`
}

// TestWrapRunsFlowsSideBySide: sources wrapped in one holder type run on
// one pool, spooled like any other, and each record comes out of its own
// source with its steps' work and errors, the listing's error at its end.
func TestWrapRunsFlowsSideBySide(t *testing.T) {
	broken := errors.New("listing short")
	asA := func(s Source[rec]) Source[held] {
		return Wrap(s, func(r *rec) held { return held{A: r} }, func(h *held) *rec { return h.A })
	}
	asB := func(s Source[rec]) Source[held] {
		return Wrap(s, func(r *rec) held { return held{B: r} }, func(h *held) *rec { return h.B })
	}
	r := &Run[held]{
		Sources: []Source[held]{asA(source("a", 150, nil)), asB(source("b", 40, broken)), asA(source("c", 90, nil))},
		Options: Options{Concurrency: 4, SpoolDir: t.TempDir()},
	}
	counts := map[string]int{}
	failed := 0
	var ends []string
	for it, err := range r.Items(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if it.End {
			ends = append(ends, fmt.Sprintf("%d:%v", it.Source, it.Err))
			continue
		}
		h := it.Record
		got, kind := h.A, "a"
		if h.B != nil {
			got, kind = h.B, "b"
		}
		if (h.A == nil) == (h.B == nil) {
			t.Fatalf("record %+v holds not exactly one flow's record", h)
		}
		if want := []string{"a", "b", "a"}[it.Source]; kind != want {
			t.Errorf("source %d gave a %s record", it.Source, kind)
		}
		if len(got.Parts) != 2 {
			t.Errorf("record %s lacks its finished parts: %+v", got.ID, got)
		}
		if got.Error != "" {
			failed++
		}
		counts[got.ID[:1]]++
	}
	if counts["a"] != 150 || counts["b"] != 40 || counts["c"] != 90 {
		t.Errorf("records per source %v", counts)
	}
	if failed != 21+6+13 { // users 3, 10, 17, … of each source
		t.Errorf("%d records carry their step's error, want 40", failed)
	}
	if fmt.Sprint(ends) != fmt.Sprintf("[0:<nil> 1:%v 2:<nil>]", broken) {
		t.Errorf("ends %v", ends)
	}
}
