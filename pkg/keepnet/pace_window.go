package keepnet

import "time"

// paceCounts counts the client's answers in buckets of paceBucket over the
// last paceBuckets·paceBucket (a second): accepted ones, all of them, and
// fresh 429s, the 429s to requests sent since the last cut.
type paceCounts [paceBuckets]struct {
	id             int64
	ok, all, fresh int
}

// add counts an answer at now. mu held.
func (c *paceCounts) add(now time.Time, ok, fresh bool) {
	id := now.UnixNano() / int64(paceBucket)
	b := &c[id%paceBuckets]
	if b.id != id {
		b.id, b.ok, b.all, b.fresh = id, 0, 0, 0
	}
	b.all++
	switch {
	case ok:
		b.ok++
	case fresh:
		b.fresh++
	}
}

// forgetFresh drops the fresh 429s: after a cut they are no longer 429s to
// the current pace. mu held.
func (c *paceCounts) forgetFresh() {
	for i := range c {
		c[i].fresh = 0
	}
}

// paceWindow is the last second of answers.
type paceWindow struct {
	all, fresh int // answers, and fresh 429s among them
	// accepted is the answers accepted over the last second, per second:
	// what the service was just seen to accept. A client younger than a
	// second counts the time before its first request as accepting
	// nothing, so that a burst the service allows at first is not taken
	// for its rate.
	accepted float64
}

// window sums the buckets of the last second. mu held.
func (c *paceCounts) window(now time.Time) paceWindow {
	id := now.UnixNano() / int64(paceBucket)
	var w paceWindow
	ok := 0
	for _, b := range c {
		if b.id <= id-paceBuckets || b.id > id {
			continue
		}
		w.all += b.all
		w.fresh += b.fresh
		ok += b.ok
	}
	w.accepted = float64(ok) / (paceBuckets * paceBucket).Seconds()
	return w
}
