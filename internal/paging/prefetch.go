package paging

import "context"

// aheadPages is how many pages a repair pass has in flight at once.
const aheadPages = 8

// prefetch fetches the pages after the one being read, up to depth at
// once, for a repair pass.
type prefetch[Row any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	l      Listing[Row]
	depth  int
	last   int
	next   int // the next page to start
	slots  map[int]chan result[Row]
}

type result[Row any] struct {
	page Page[Row]
	err  error
}

// newPrefetch reads ahead no further than page last (the listing's last
// page, by its total), so that a pass does not ask for pages past its end.
func newPrefetch[Row any](ctx context.Context, l Listing[Row], depth, last int) *prefetch[Row] {
	ctx, cancel := context.WithCancel(ctx)
	return &prefetch[Row]{ctx: ctx, cancel: cancel, l: l, depth: depth, last: last, next: 1, slots: map[int]chan result[Row]{}}
}

// page returns page n, the pages before it having been asked for in order.
func (p *prefetch[Row]) page(n int) (Page[Row], error) {
	for p.next <= max(n, min(n+p.depth-1, p.last)) {
		ch := make(chan result[Row], 1)
		p.slots[p.next] = ch
		go func(page int) {
			got, err := p.l.Fetch(p.ctx, page, p.l.PageSize)
			ch <- result[Row]{got, err}
		}(p.next)
		p.next++
	}
	res := <-p.slots[n]
	delete(p.slots, n)
	return res.page, res.err
}

// stop cancels the pages fetched ahead and not read, and waits for them.
func (p *prefetch[Row]) stop() {
	p.cancel()
	for _, ch := range p.slots {
		<-ch
	}
}
