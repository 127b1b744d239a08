package keepnettest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Every search answers through one pager: searchRequest.window decides
// which rows a page holds, and pageOf (or, for the lazily generated users
// of users/search, the slots themselves) builds them. A search added to the
// fake gets the service's paging faults by calling the two. With none of
// the paging options set, the window is today's offset slice of a listing
// that holds still, and the answers are unchanged to the byte.

// pagingConfig holds the paging options.
type pagingConfig struct {
	unstable  bool
	orderSeed uint64
	ties      int // rows tie in runs of this many; 0: all rows tie
	endless   map[string]bool
	repeating map[string]bool
	changes   []ListingChange
}

// WithUnstableOrder makes every search ignore orderBy and answer its rows in
// a different order on each request: a permutation derived from seed and
// how many requests that listing (route, path and company scope) has
// answered. The live service promises
// neither that orderBy is honoured nor that it is unique, and offset paging
// over an order that is not kept from one request to the next cuts each
// page from a different order: consecutive pages overlap, and rows fall
// between them. A client that counts rows instead of distinct IDs reports
// a listing whole that is not (155 companies over two pages gave 145
// distinct ones live). Here every row ties, so every page is shuffled; see
// WithUnstableTies for the milder, live-like form.
func WithUnstableOrder(seed uint64) Option {
	return func(c *config) { c.paging.unstable, c.paging.orderSeed, c.paging.ties = true, seed, 0 }
}

// WithUnstableTies is WithUnstableOrder where rows tie only in runs of
// runLength consecutive rows, as rows sharing one CreateTime do: each run
// comes back in a different order on each request, and only runs that
// straddle a page boundary make pages overlap and skip rows. The runs'
// boundaries are offset by an amount derived from seed, so they do not
// line up with pages of 100. runLength <= 1 keeps the stable order.
func WithUnstableTies(seed uint64, runLength int) Option {
	return func(c *config) {
		c.paging.unstable, c.paging.orderSeed, c.paging.ties = runLength > 1, seed, runLength
	}
}

// WithEndlessPages makes route (a search's Route* constant) answer every
// page full of rows never seen before, forever, while its
// totalNumberOfRecords (and, for users/search, the enrollment's summary)
// still says how many rows the listing really has: the first pages hold
// the real rows, every later one invented rows whose IDs end in
// "-endless-N" (users/search invents whole users instead; reading them by
// ID answers 404). A client that pages until it meets a short page never
// stops: tried live-like, one kept paging for hours. A listing with no row
// at all stays empty.
func WithEndlessPages(route string) Option {
	return func(c *config) {
		if c.paging.endless == nil {
			c.paging.endless = map[string]bool{}
		}
		c.paging.endless[route] = true
	}
}

// WithRepeatingPages makes route (a search's Route* constant) ignore
// pageNumber: every page answers the rows of the first page, with the
// pageNumber asked for and the listing's real totals. When the listing has
// more than one page, a client that pages until a short page never stops.
func WithRepeatingPages(route string) Option {
	return func(c *config) {
		if c.paging.repeating == nil {
			c.paging.repeating = map[string]bool{}
		}
		c.paging.repeating[route] = true
	}
}

// pager is a server's paging state when a paging option is set; a nil
// *pager pages as the stable default.
type pager struct {
	cfg pagingConfig

	mu       sync.Mutex
	requests map[string]uint64 // route -> pages cut so far
}

func newPager(cfg pagingConfig) *pager {
	if !cfg.unstable && len(cfg.endless) == 0 && len(cfg.repeating) == 0 {
		return nil
	}
	return &pager{cfg: cfg, requests: map[string]uint64{}}
}

// window is the page a search answers. start and end are positions in the
// listing as the stable default orders it. slots, when not nil, are the
// rows of the page instead, as natural positions: a slot at or past total
// is the (slot-total)th row invented beyond the listing's end.
type window struct {
	start, end, size, pages, total, number int
	slots                                  []int
}

// window is the page of a listing of total matching rows that q asks for,
// after the server-side cap on page size and the server's paging options.
// The response reports the page size actually used, and page counts that
// follow from it.
func (q searchRequest) window(total, sizeCap int) window {
	size := min(q.pageSize, sizeCap)
	pages := (total + size - 1) / size
	// Compared before multiplying: a huge pageNumber must not overflow.
	start := total
	if q.pageNumber-1 <= total/size {
		start = min((q.pageNumber-1)*size, total)
	}
	end := min(start+size, total)
	win := window{start: start, end: end, size: size, pages: pages, total: total, number: q.pageNumber}
	if q.pager != nil {
		q.pager.cut(q.route, q.listing, q.pageNumber, &win)
	}
	return win
}

// cut sets the slots of win for route's options; it leaves win as it is
// when none applies to route. Orders are counted per listing, so that a
// client paging many listings at once meets, in each, the same orders
// from one run to the next.
func (p *pager) cut(route, listing string, pageNumber int, win *window) {
	endless, repeating := p.cfg.endless[route], p.cfg.repeating[route]
	if !p.cfg.unstable && !endless && !repeating {
		return
	}
	key := route + "\x00" + listing
	p.mu.Lock()
	n := p.requests[key]
	p.requests[key] = n + 1
	p.mu.Unlock()

	from, to := win.start, win.end
	switch {
	case repeating:
		from, to = 0, min(win.size, win.total)
	case endless && win.total > 0:
		// Bounded so that no pageNumber overflows the position.
		page := min(pageNumber-1, 1<<40/win.size)
		from = page * win.size
		to = from + win.size
	}
	win.slots = make([]int, 0, to-from)
	order := p.order(route, key, n, win.total)
	for pos := from; pos < to; pos++ {
		slot := pos
		if pos < win.total && !repeating {
			slot = order(pos)
		}
		win.slots = append(win.slots, slot)
	}
}

// order is the order of request n of a listing of route: position ->
// natural position. Without WithUnstableOrder it is the natural order.
func (p *pager) order(route, listing string, n uint64, total int) func(int) int {
	if !p.cfg.unstable {
		return func(pos int) int { return pos }
	}
	key := mix(p.cfg.orderSeed, "order", listing, strconv.FormatUint(n, 10))
	if p.cfg.ties <= 1 {
		perm := newPermutation(total, key)
		return perm.at
	}
	ties := p.cfg.ties
	phase := int(mix(p.cfg.orderSeed, "ties", route) % uint64(ties))
	return func(pos int) int {
		run := (pos + phase) / ties
		lo := max(run*ties-phase, 0)
		hi := min(run*ties-phase+ties, total)
		return lo + newPermutation(hi-lo, splitmix(key^uint64(run))).at(pos-lo)
	}
}

func (win window) data(results any) pageData {
	return pageData{
		PageNumber:           win.number,
		PageSize:             win.size,
		TotalNumberOfPages:   win.pages,
		TotalNumberOfRecords: win.total,
		Results:              results,
	}
}

// pageOf returns the page of items the window selects.
func pageOf[T any](items []T, win window) []T {
	if win.slots == nil {
		out := items[win.start:win.end]
		if out == nil {
			out = []T{}
		}
		return out
	}
	out := make([]T, 0, len(win.slots))
	for _, slot := range win.slots {
		switch {
		case slot < len(items):
			out = append(out, items[slot])
		case len(items) > 0:
			k := slot - len(items)
			out = append(out, inventRow(items[k%len(items)], k))
		}
	}
	return out
}

// inventRow makes a row never seen before out of row, for endless pages:
// every string member whose name ends in "id" (companyResourceId,
// enrollmentId, resourceId…) gets the suffix "-endless-k". It works on
// the JSON, so it serves every row type, the ones other files add included.
func inventRow[T any](row T, k int) T {
	var fields map[string]json.RawMessage
	if json.Unmarshal(mustMarshal(row), &fields) != nil {
		return row
	}
	suffix := fmt.Sprintf("-endless-%d", k)
	for name, v := range fields {
		var s string
		if !strings.HasSuffix(strings.ToLower(name), "id") || json.Unmarshal(v, &s) != nil {
			continue
		}
		fields[name] = mustMarshal(s + suffix)
	}
	var out T
	if json.Unmarshal(mustMarshal(fields), &out) != nil {
		return row
	}
	return out
}

// each calls f with the listing position of every row of the page, in the
// page's order: the offset slice, or the slots the paging options cut.
func (win window) each(f func(pos int)) {
	if win.slots == nil {
		for pos := win.start; pos < win.end; pos++ {
			f(pos)
		}
		return
	}
	for _, pos := range win.slots {
		f(pos)
	}
}
