package keepnet

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// paceCheck tests, on the answers to the requests sent at a cut's pace,
// whether the 429s that caused the cut followed the pace: a sequential
// likelihood-ratio test between a limit, which at the lower pace refuses
// next to nothing (paceCheckLimit), and faults, which go on refusing the
// share that caused the cut.
type paceCheck struct {
	active bool
	epoch  uint64  // of the requests sent at the cut's pace
	share  float64 // of fresh 429s in the window that caused the cut
	llr    float64 // log-likelihood of faults over a limit so far
	// from is the pace a verdict of faults restores: the pace before the
	// cut, or the first refused since the last cut if lower.
	from rate.Limit
}

// need is how many fresh 429s in the window w make a cut: enough that
// faults alone would rarely bring them. mu held.
func (p *pacer) need(w paceWindow) int {
	n := float64(max(w.all, 1))
	q := p.faults
	noise := q + 2*math.Sqrt(q*(1-q)/n)
	switch {
	case p.current == rate.Inf:
		return max(paceFirstCount, int(math.Ceil(max(paceFirstShare, noise)*n)))
	case p.measured && float64(p.current) > p.limit:
		// Above the measured limit a 429 is the limit until shown
		// otherwise.
		return max(1, int(math.Ceil(noise*n)))
	default:
		return max(paceCutCount, int(math.Ceil(max(paceCutShare, noise)*n)))
	}
}

// measure is the service's rate measured since the first fresh 429, and
// whether there was enough to measure it on. mu held.
func (p *pacer) measure(now time.Time) (float64, bool) {
	span := now.Sub(p.refusal.at)
	answers := paceMeasureAnswers
	if p.refusal.first {
		// The first measure of a short pull is the limit the pace
		// memory keeps: on eight answers, one more or less moved it by a
		// twelfth (24.2 or 26.1 for 25 a second, and 20.8 with a fault
		// among them).
		answers *= 2
	}
	if p.refusal.at.IsZero() || p.refusal.ok < answers || span < paceMeasureSpan {
		return 0, false
	}
	return float64(p.refusal.ok) / span.Seconds(), true
}

// unlimited reports whether the service, measured since the first fresh
// 429, accepts about all the client sends: whatever the 429s are, they are
// no limit at this pace. mu held.
func (p *pacer) unlimited(measure float64) bool {
	return measure >= (1-max(paceCutShare, 2*p.faults))*float64(p.current)
}

// settle ends a hold for a measure when the measure shows no limit, so
// that a trickle of 429s too thin to cut for does not stop the pace from
// rising; in the hold after the first estimate, it cuts on a measure that
// shows one. mu held.
func (p *pacer) settle(now time.Time) {
	if p.refusal.at.IsZero() {
		return
	}
	measure, ok := p.measure(now)
	switch {
	case !ok:
	case p.unlimited(measure):
		p.refusal = paceRefusal{}
	case p.refusal.first && p.refusal.f > 0:
		// The hold after the first estimate: the service has just shown
		// a limit, and a 429 since shows the pace above it, so the
		// measure alone makes the cut; waiting for the 429s a later cut
		// needs would cost a few more.
		p.cut(now, true)
	}
}

// cut lowers the pace if the fresh 429s call for it, or, measuredOnly, if
// the measure since the first fresh 429 does; true if it did. mu held.
func (p *pacer) cut(now time.Time, measuredOnly bool) bool {
	w := p.counts.window(now)
	if !measuredOnly && w.fresh < p.need(w) {
		return false
	}
	from := p.current
	measure, measured := p.measure(now)
	share := float64(p.refusal.f) / float64(max(p.refusal.n, 1))
	probing := p.measured && float64(p.current) > p.limit
	est, next := w.accepted, 0.0
	rough := false
	switch {
	case p.current == rate.Inf && est == 0:
		// Nothing accepted yet (a run that starts on a spent limit): no
		// estimate to set the pace from, and a pace from nothing would be
		// the floor, a request every few seconds. The refused requests
		// wait out their Retry-After or backoff meanwhile; the first 429s
		// after something is accepted set the pace.
		return false
	case p.current == rate.Inf:
		// The first estimate: what the service accepted over the last
		// second.
		next = est
		p.searching = true
	case measured && p.unlimited(measure):
		p.refusal = paceRefusal{}
		return false
	case measured:
		est = measure
		next = paceCutFactor * min(est, float64(p.current))
		p.searching = false
		p.limit, p.measured = est, true
		p.learned = est
	case p.refusal.f >= paceHoldCount && share >= paceHoldShare:
		// Refused too often to wait for a measure: the service accepted
		// this share of what went at this pace. A rough limit: the pace
		// rises past it fast.
		est = float64(p.refusal.pace) * (1 - share)
		if span := now.Sub(p.refusal.at); span >= paceMeasureSpan && p.refusal.ok > 1 {
			est = float64(p.refusal.ok) / span.Seconds() // a rough measure
		}
		next = paceCutFactor * min(est, float64(p.current))
		p.searching = false
		p.limit, p.measured = est, false
		rough = true
	case probing:
		// Above the measured limit, and refused: most likely the limit
		// has not moved. Back below it, or below what was accepted lately
		// if that is lower.
		est = min(est, float64(p.refusal.pace), p.limit)
		next = paceCutFactor * min(est, float64(p.current))
	default:
		return false // the pace holds until there is a measure
	}
	p.set(rate.Limit(next))
	// The service has just refused: its bucket is empty, and the turn the
	// limiter holds would go at once.
	p.lim.ReserveN(now, 1)
	p.epoch++
	// Faults undo the cut to the pace of the first request refused since
	// the last cut, not to the pace before this one: holding for a
	// measure, a search may have risen far past the limit, and a check
	// that takes a limit for faults (a cut that landed just above it
	// refuses about as much) must not send the client there.
	restore := from
	if p.refusal.pace > 0 && p.refusal.pace < restore {
		restore = p.refusal.pace
	}
	p.check = paceCheck{epoch: p.epoch, share: float64(w.fresh) / float64(max(w.all, 1)), from: restore}
	// The first cut is not tested: undoing it would send unpaced again.
	// Nor is a rough one: a quarter of the answers refused is more than
	// faults are taken to be (paceMaxFaults), and such a cut can land just
	// above the limit, which goes on refusing about as much, so that the
	// check would take the limit for faults and undo the cut.
	p.check.active = from != rate.Inf && p.check.share > 2*paceCheckLimit && !rough
	p.counts.forgetFresh()
	p.refusal = paceRefusal{}
	if from == rate.Inf {
		// The first estimate counts a burst the service allowed at first
		// over a whole second, and is usually near the limit, on either
		// side. The service's bucket is empty now, so the pace holds at the
		// estimate until what the service accepts measures its rate: the
		// measured cut that follows lands below the limit at once, where a
		// search upward from below it would cross the limit first.
		p.refusal = paceRefusal{at: now, pace: p.current, first: true}
	}
	p.lastCut, p.lastGrow, p.lastLogged = now, now, p.current
	p.cuts.Add(1)
	p.log.Debug("keepnet: pace lowered after 429s", "rate", p.rateNow(), "accepted", math.Round(est*10)/10, "measured", measured, "refused", w.fresh, "of", w.all)
	return true
}

// checkAnswer counts an answer to a request sent at the last cut's pace
// towards the cut's check. Faults undo the cut: the pace goes back to where
// it was (at most where the service first refused), searching again, and
// their share is what the next cuts must exceed. A limit halves that
// share. mu held.
func (p *pacer) checkAnswer(epoch uint64, refused bool) {
	c := &p.check
	if !c.active || epoch != c.epoch {
		return
	}
	if refused {
		c.llr += math.Log(c.share / paceCheckLimit)
	} else {
		c.llr += math.Log((1 - c.share) / (1 - paceCheckLimit))
	}
	switch {
	case c.llr <= -math.Log(paceCheckOdds):
		c.active = false
		p.faults /= 2
	case c.llr >= math.Log(paceCheckOdds):
		c.active = false
		p.faults = min(max(p.faults, c.share), paceMaxFaults)
		p.limit, p.measured, p.searching = 0, false, true
		p.set(c.from)
		p.epoch++
		p.counts.forgetFresh()
		p.refusal = paceRefusal{}
		p.lastCut = p.now()
		p.undone.Add(1)
		p.log.Debug("keepnet: 429s did not follow the pace: taken for faults, pace restored", "share", math.Round(c.share*1000)/1000, "rate", p.rateNow())
	}
}

// grow raises the pace after an accepted answer, if the pace is what holds
// the client back. mu held.
func (p *pacer) grow(now time.Time) {
	if p.current == rate.Inf {
		return
	}
	p.settle(now)
	dt := min(now.Sub(p.lastGrow), time.Second).Seconds()
	p.lastGrow = now
	// A client sending slower than its pace (waiting for a page, or with
	// few requests left) would raise it untested.
	if now.Sub(p.boundAt) > max(2*paceBucket, time.Duration(2*float64(time.Second)/float64(p.current))) {
		return
	}
	next, ceil := p.current, rate.Inf
	switch {
	case !p.refusal.at.IsZero():
		return // holding for a measure
	case p.searching:
		g := min(paceSearchGrowth*(1+float64(now.Sub(p.lastCut))/float64(paceSearchRamp)), paceSearchMax)
		next *= rate.Limit(1 + g*dt)
	case !p.measured:
		next *= rate.Limit(1 + paceFastGrowth*dt)
	case float64(p.current) < paceProbeFrom*p.limit:
		next *= rate.Limit(1 + paceFastGrowth*dt)
		ceil = rate.Limit(paceProbeFrom * p.limit)
	default:
		g := min(paceProbeGrowth*(1+now.Sub(p.lastCut).Seconds()), paceFastGrowth)
		next *= rate.Limit(1 + g*dt)
	}
	p.set(min(next, ceil, max(p.ceiling, p.current)))
	if p.current >= p.lastLogged*paceLogStep {
		p.lastLogged = p.current
		p.log.Debug("keepnet: pace raised", "rate", p.rateNow())
	}
}
