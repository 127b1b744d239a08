// Package paging reads the service's offset-paged searches whole, or fails
// loudly. Every listing the project reads goes through it.
//
// Offset paging is only as stable as the service's sort, and nothing
// promises that orderBy is honoured, that it is unique, or that rows hold
// still while they are paged (users complete a survey, companies are
// added). Two pages cut from different orders overlap, and rows fall between
// them; counting rows then reports "350 of 350" for a listing that holds 280
// distinct users. So a listing here is a set of IDs, not a count of rows:
//
//   - a row is yielded once, the first time its ID is seen;
//   - after the first pass the listing is suspect when it saw an overlap
//     (which means the order moved, so a gap is likely even when the counts
//     agree), when the reported total changed between pages, when it holds
//     fewer distinct rows than the largest total any page reported, or when
//     a page came back short before that total;
//   - a suspect listing is listed again from page 1, and the rows a pass
//     finds that no earlier pass did are yielded after the others. It is
//     whole when it has reached the reported total and a fresh pass adds
//     nothing new (see Listing.All for the bound on passes);
//   - what cannot be made whole ends with an *IncompleteError naming how
//     many rows the service reported and how many it gave.
//
// It also refuses to run away: a page that repeats the previous page's rows
// (a service that ignores pageNumber), pages that keep coming after the
// service's own count by more than a margin, and a page-count cap. Checks
// hold IDs, never rows, so memory grows with the listing's distinct rows,
// not with the pages a hostile service sends.
//
// A stable service costs nothing extra: a clean first pass is whole.
package paging

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
)

// Page is one page of a search.
type Page[Row any] struct {
	Rows []Row
	// Total is the page's totalNumberOfRecords, or negative when it is
	// missing or not sane.
	Total int64
}

// Listing is one paged search.
type Listing[Row any] struct {
	// Name names the search in errors, e.g. "users/search of enrollment X".
	Name string
	// PageSize is the page size asked for; the service may return fewer
	// rows a page (it caps pages at 100), and paging goes by what it returns.
	PageSize int
	// Fetch fetches page number page (from 1).
	Fetch func(ctx context.Context, page, size int) (Page[Row], error)
	// ID identifies a row. A row without an ID ("") cannot be told from
	// another: it is yielded as the first pass finds it and never counted
	// as found again.
	ID func(Row) string
	// Promised is how many rows the service promised elsewhere (a
	// survey's summary, say), or 0 when nothing did. With the first page's
	// total it bounds how far the listing may run (see ErrRunaway).
	Promised int64
	// Unbounded lets a listing run past what was promised; the page cap
	// and the repeated-page check still hold.
	Unbounded bool
	// MaxPasses bounds the passes over a suspect listing; 0 means
	// DefaultMaxPasses.
	MaxPasses int
}

// DefaultMaxPasses is the most passes a suspect listing gets. A pass that
// finds rows no earlier pass found is making progress, and a listing whose
// order moves on every request (the worst case: every row a tie) needs
// about log(rows)/log(1/(1-share of rows a pass sees)) passes to collect
// every row: 5 for two pages of companies, 7 for four pages of users, 13
// for 200 pages. Passes stop earlier when those that add nothing make it
// unlikely that a missing row is only hiding (maxHidden). A listing's pages are about one request in a
// hundred of a survey pull's, so even the worst case costs the pull a few
// percent more requests; a stable service costs none.
const DefaultMaxPasses = 16

// MaxPages caps one pass: at the service's 100 rows a page it is ten
// million rows.
const MaxPages = 100_000

// ErrRunaway marks a listing stopped because it would not end: a page that
// repeats the previous one, rows far beyond what the service promised, or
// the page cap.
var ErrRunaway = errors.New("the listing does not end")

// IncompleteError is a listing that could not be shown whole: after its
// passes it still holds fewer distinct rows than the service reported.
type IncompleteError struct {
	// Listing names the search.
	Listing string
	// Reported is the largest total the service reported; Distinct is how
	// many distinct rows its pages gave.
	Reported, Distinct int64
	// Passes is how many times it was listed.
	Passes int
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%s reported %s but %s over its pages gave %d distinct: %d missing",
		e.Listing, plural.Count(int(e.Reported), "row", "rows"), plural.Count(e.Passes, "pass", "passes"), e.Distinct, e.Reported-e.Distinct)
}

// All yields every distinct row of the listing once, the first pass's rows
// in the service's order and then what later passes found. When the
// listing cannot be shown whole, or runs away, or a page fails, the last
// element is the error; rows yielded before it stand.
func (l Listing[Row]) All(ctx context.Context) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		r := reader[Row]{l: l, seen: map[string]struct{}{}, yield: yield}
		if r.l.MaxPasses <= 0 {
			r.l.MaxPasses = DefaultMaxPasses
		}
		var zero Row
		if err := r.run(ctx); err != nil && !errors.Is(err, errStopped) {
			yield(zero, err)
		}
	}
}

// errStopped ends a listing whose consumer stopped ranging.
var errStopped = errors.New("stopped")

type reader[Row any] struct {
	l     Listing[Row]
	seen  map[string]struct{}
	noID  int64 // rows without an ID, from the first pass
	yield func(Row, error) bool
	// reported is the largest sane total any page reported, -1 if none.
	reported int64
	// longest is the longest page the first pass saw: the service's
	// page size.
	longest int
}

func (r *reader[Row]) distinct() int64 { return int64(len(r.seen)) + r.noID }

// pass is what one pass over the pages saw.
type pass struct {
	added    int  // rows no earlier pass had
	overlap  bool // a row repeated within the pass
	shifted  bool // the total changed between pages
	cutShort bool // a short page ended the pass before the total
	last     int64
	covered  int // distinct rows the pass saw
}

// maxHidden is how unlikely it must be that a missing row is only hiding
// (see run) before the listing is declared incomplete. A pass over a stable
// listing sees all of it, so one pass that adds nothing is enough there;
// under an order that moves it takes up to ten (DefaultMaxPasses bounds
// them all).
const maxHidden = 0.001

func (r *reader[Row]) run(ctx context.Context) error {
	r.reported = -1
	// hidden is the chance that a row the service has slipped past every
	// pass since the last one that found something: each such pass saw a
	// share of the listing, and a row it missed by chance would have had
	// to be missed by all of them.
	hidden := 1.0
	for n := 1; ; n++ {
		p, err := r.pass(ctx, n)
		if err != nil {
			return err
		}
		target := r.reported
		if n == 1 {
			if !p.overlap && !p.shifted && !p.cutShort && (target < 0 || r.distinct() >= target) {
				return nil
			}
			continue
		}
		// A later pass: whole when it found nothing new and the listing
		// has reached what the service reports now.
		if p.last >= 0 {
			target = p.last
		}
		if p.added == 0 && (target < 0 || r.distinct() >= target) {
			return nil
		}
		if p.added > 0 {
			hidden = 1
		} else if whole := max(r.distinct(), target); whole > 0 {
			missed := 1 - min(1, float64(p.covered)/float64(whole))
			if p.overlap || p.shifted {
				// The order moved during this pass: misses are not spread
				// evenly but fall where pages were cut (rows that tie
				// across a page boundary), so a row may be missed by
				// half the passes however much of the rest they saw.
				missed = max(missed, 0.5)
			}
			hidden *= missed
		}
		if hidden < maxHidden || n >= r.l.MaxPasses {
			return &IncompleteError{Listing: r.l.Name, Reported: max(target, r.reported), Distinct: r.distinct(), Passes: n}
		}
	}
}

// pass lists the pages once, from page 1 until an empty page, one
// shorter than the longest so far (the service may cap the page size below
// the one asked), or a short first page that says it is the whole listing
// (wholeFirstPage), yielding rows no earlier pass yielded.
func (r *reader[Row]) pass(ctx context.Context, n int) (pass, error) {
	p := pass{last: -1}
	inPass := make(map[string]struct{})
	var previous []string // the previous page's IDs, for the repeat check
	rows, longest, stale := int64(0), 0, 0
	fetch := r.l.Fetch
	if n > 1 {
		// A repair pass reads pages whose order does not matter, as the
		// service's order moves anyway: several at once, so that a
		// repair costs about as many round trips as pages in flight.
		ahead := newPrefetch(ctx, r.l, aheadPages, r.lastPage())
		defer ahead.stop()
		fetch = func(_ context.Context, page, _ int) (Page[Row], error) { return ahead.page(page) }
	}
	for page := 1; ; page++ {
		if page > MaxPages {
			return p, fmt.Errorf("%s: %w: still paging after %d pages", r.l.Name, ErrRunaway, MaxPages)
		}
		if err := ctx.Err(); err != nil {
			return p, context.Cause(ctx)
		}
		got, err := fetch(ctx, page, r.l.PageSize)
		if err != nil {
			return p, fmt.Errorf("%s, page %d: %w", r.l.Name, page, err)
		}
		if got.Total >= 0 {
			if p.last >= 0 && got.Total != p.last {
				p.shifted = true
			}
			p.last = got.Total
			r.reported = max(r.reported, got.Total)
		}
		ids := make([]string, len(got.Rows))
		for i, row := range got.Rows {
			ids[i] = r.l.ID(row)
		}
		// A service that ignores paging shows it on the first pass. A
		// repair pass reads pages ahead, from an order that moves, where
		// two neighbouring pages can match by chance (an order rotated by
		// a page's length does it); MaxPages and the total bound it.
		if n == 1 && page > 1 && identified(ids) && equal(ids, previous) {
			return p, fmt.Errorf("%s: %w: page %d repeats the rows of page %d (the service ignores paging)", r.l.Name, ErrRunaway, page, page-1)
		}
		previous = ids
		fresh := false
		for i, row := range got.Rows {
			id := ids[i]
			if id == "" {
				if n > 1 {
					continue // cannot tell it from the first pass's
				}
				r.noID++
			} else {
				if _, dup := inPass[id]; dup {
					p.overlap = true
					continue
				}
				inPass[id] = struct{}{}
				fresh = true
				if _, old := r.seen[id]; old {
					continue
				}
				r.seen[id] = struct{}{}
			}
			p.added++
			if !r.yield(row, nil) {
				return p, errStopped
			}
		}
		rows += int64(len(got.Rows))
		if err := r.bound(rows); err != nil {
			return p, err
		}
		// Full pages that bring nothing this pass has not seen, several
		// in a row, are a service cycling through the same pages.
		if stale = stale + 1; fresh || !identified(ids) || len(got.Rows) < longest {
			stale = 0
		}
		// Under an order that moves, full pages that bring nothing new are
		// likely near the end of a pass of small pages; a service cycling
		// through its pages shows it past the end its total gives (or
		// with no total at all).
		if stale >= maxStalePages && (r.reported < 0 || rows > r.reported) {
			return p, fmt.Errorf("%s: %w: pages %d to %d brought no row that earlier pages had not (the service cycles through the same pages)", r.l.Name, ErrRunaway, page-maxStalePages+1, page)
		}
		if len(got.Rows) == 0 || len(got.Rows) < longest || wholeFirstPage(page, len(got.Rows), r.l.PageSize, got.Total, int64(len(inPass))+r.noIDIf(n)) {
			p.covered = len(inPass) + int(r.noIDIf(n))
			if r.reported >= 0 && int64(len(inPass))+r.noIDIf(n) < r.reported {
				p.cutShort = true
			}
			return p, nil
		}
		longest = max(longest, len(got.Rows))
		r.longest = max(r.longest, longest)
	}
}

// wholeFirstPage reports whether a first page of rows rows, shorter than
// the size asked, holds the whole listing: its own total says so, and
// its rows are that many distinct ones. A short first page alone cannot
// end a pass, as the service may cap its pages below the size asked (it
// is then the cap, not the end); the empty page after it would say so,
// and costs a request for every listing of one page, the most common
// kind (a company's enrollments, a channel's jobs). A service that both
// caps its pages and reports its cap as the total would lose rows here;
// one that reports no total or another one still gets the page after.
func wholeFirstPage(page, rows, asked int, total, distinct int64) bool {
	return page == 1 && rows > 0 && rows < asked && total == int64(rows) && distinct == total
}

// lastPage is the listing's last page by what the first pass saw: its
// largest total over its longest page, and one more for the empty page a
// full last page is followed by.
func (r *reader[Row]) lastPage() int {
	if r.longest == 0 {
		return 1
	}
	rows := max(r.reported, r.distinct())
	return int(min(rows/int64(r.longest)+1, MaxPages))
}

// noIDIf is how many rows without an ID count towards pass n's rows.
func (r *reader[Row]) noIDIf(n int) int64 {
	if n == 1 {
		return r.noID
	}
	return 0
}

// bound stops a pass that has run far past what the service promised: a
// hostile or broken service can send new rows forever. The margin (a page,
// or a tenth, whichever is more) leaves room for rows added while the
// listing is paged.
func (r *reader[Row]) bound(rows int64) error {
	if r.l.Unbounded {
		return nil
	}
	promised := max(r.reported, r.l.Promised)
	if promised < 0 || (promised == 0 && r.reported < 0) {
		return nil // nothing was promised
	}
	limit := promised + max(int64(r.l.PageSize), promised/10)
	if rows > limit {
		return fmt.Errorf("%s: %w: its pages hold %d rows, but the service promised %d", r.l.Name, ErrRunaway, rows, promised)
	}
	return nil
}

// maxStalePages is how many full pages in a row may bring nothing new.
const maxStalePages = 3

// identified reports whether any of the page's rows has an ID.
func identified(ids []string) bool {
	for _, id := range ids {
		if id != "" {
			return true
		}
	}
	return false
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
