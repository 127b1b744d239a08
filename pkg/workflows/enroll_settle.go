package workflows

import (
	"context"
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/enrollstate"
	"slices"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// maxSettlePoll caps the spacing of look-ups while a rerun waits out a
// settle window.
const maxSettlePoll = 30 * time.Second

// settle lists the plan's name again after own was created, before it is
// sent, and says which of the same-named enrollments is the one to keep.
// Runs that raced (on other machines, or around the lock) each see the same
// listing and so choose the same winner (see pickWinner). While the listing
// does not show own yet, it is read again as the RecheckPolicy spaces it;
// if it never does, an enrollment it does show was created earlier and
// wins, and with none own is kept.
func (p *EnrollmentPlan) settle(ctx context.Context, own Enrollment) (winner Enrollment, ownWon bool, err error) {
	var listed []Enrollment
	for attempt := range p.recheck.Attempts {
		if err := p.recheck.wait(ctx, attempt); err != nil {
			return Enrollment{}, false, err
		}
		if listed, err = p.findByName(ctx); err != nil {
			return Enrollment{}, false, fmt.Errorf("enrollment %q (%s) was created but not sent: listing the name again, to make sure no other run created it too, failed: %w; run the same request again to send it", p.Name, own.ID, err)
		}
		if slices.ContainsFunc(listed, func(e Enrollment) bool { return e.ID == own.ID }) {
			w := pickWinner(listed)
			return w, w.ID == own.ID, nil
		}
	}
	if len(listed) == 0 {
		return own, true, nil
	}
	return pickWinner(listed), false, nil
}

// pickWinner chooses, from the enrollments listed with one name, the one
// every run keeps. The rule uses only what the service lists, so that
// every run reading the same listing chooses the same one: one already sent
// first (it cannot be taken back), then the earliest createTime, then the
// smallest ID. An unreadable createTime sorts last.
func pickWinner(same []Enrollment) Enrollment {
	return slices.MinFunc(same, func(a, b Enrollment) int {
		if sa, sb := !isScheduled(a.Status), !isScheduled(b.Status); sa != sb {
			if sa {
				return -1
			}
			return 1
		}
		switch {
		case a.created.IsZero() != b.created.IsZero():
			if a.created.IsZero() {
				return 1
			}
			return -1
		case !a.created.Equal(b.created):
			return a.created.Compare(b.created)
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// createdAt parses an enrollment's createTime. Slash dates are read day
// first: every run reads the same text the same way, which is what ordering
// racing runs needs, even where the company shows month first.
func createdAt(t keepnetdate.Time) time.Time {
	v, err := t.ParseAs(keepnetdate.DayFirst, time.UTC)
	if err != nil {
		return time.Time{}
	}
	return v
}

// yield gives way to another run's enrollment: own, a duplicate this run
// created and never sent, is archived, and the winner reported. An
// enrollment the listing shows as sent is never archived.
func (p *EnrollmentPlan) yield(ctx context.Context, own, winner Enrollment) (EnrollResult, error) {
	if now, found, err := p.lookupID(ctx, own.ID); err != nil {
		return EnrollResult{}, fmt.Errorf("enrollment %q was created twice by runs that raced; %s is kept, and this run's %s, not sent, is to be archived, but reading its status first failed: %w; run the same request again", p.Name, winner.ID, own.ID, err)
	} else if found && !isScheduled(now.Status) {
		res := p.result(now, ActionCreate)
		res.Note = fmt.Sprintf("enrollment %s with the same name was created by another run too; this one was sent by then, so neither was archived", winner.ID)
		return res, nil
	}
	if err := p.archive(ctx, own.ID); err != nil {
		return EnrollResult{}, fmt.Errorf("enrollment %q was created twice by runs that raced; %s is kept, and this run's %s was not sent, but archiving it failed: %w; archive %s in the Keepnet UI", p.Name, winner.ID, own.ID, err, own.ID)
	}
	note := fmt.Sprintf("another run created %s first; this run's duplicate %s was archived before it was sent", winner.ID, own.ID)
	if p.Send && isScheduled(winner.Status) {
		// The winner is its creator's to send; sending it here too could
		// send it twice. Wait for that, and if it does not come, say what
		// to do: the creator may have stopped (or been an earlier run whose
		// create seemed lost), and a rerun sends it.
		got, sent, err := p.awaitSent(ctx, winner.ID)
		switch {
		case sent:
			winner = got
		case err != nil:
			note += fmt.Sprintf("; reading whether it was sent failed (%v): if the run that created it has stopped, run the same request again to send it", err)
		default:
			note += "; it is still Scheduled: if the run that created it has stopped, run the same request again to send it"
		}
	}
	res := p.result(winner, ActionYield)
	res.Note = note
	return res, nil
}

// archive archives enrollment id (DELETE /api/enrollments/{id}). When the
// outcome is unknown, the listing tells: archived enrollments leave it.
func (p *EnrollmentPlan) archive(ctx context.Context, id string) error {
	resp, err := p.scope.API().ClientInterface.DeleteEnrollmentsResourceId(ctx, id)
	if err == nil {
		return resp.Body.Close()
	}
	if !errors.Is(err, keepnet.ErrOutcomeUnknown) {
		return err
	}
	for attempt := range p.recheck.Attempts {
		if werr := p.recheck.wait(ctx, attempt); werr != nil {
			return errors.Join(err, werr)
		}
		if _, found, lookErr := p.lookupID(ctx, id); lookErr == nil && !found {
			return nil
		}
	}
	return err
}

// awaitPending waits out the settle window of an earlier create whose
// outcome was unknown, re-listing the name, and returns what it finds; nil
// once the window has passed with nothing listed, when a create is due.
func (p *EnrollmentPlan) awaitPending(ctx context.Context, st *enrollstate.State) ([]Enrollment, error) {
	rec, ok, err := st.ReadRecord()
	if err != nil || !ok {
		return nil, err
	}
	until := rec.Time.Add(p.settleWindow)
	if !time.Now().Before(until) {
		return nil, nil
	}
	p.say(Wait{Option: "SettleWindow", Message: fmt.Sprintf("waiting until %s for enrollment %q to be listed in company %q before creating it: an earlier create, at %s, had an unknown outcome, and the service's listing can lag behind a create",
		until.Format(time.TimeOnly), p.Name, p.Company.Name, rec.Time.Format(time.DateTime))})
	for delay := max(p.recheck.Delay, 10*time.Millisecond); ; delay = min(2*delay, maxSettlePoll) {
		wait := min(delay, time.Until(until))
		if wait <= 0 {
			break
		}
		if err := ctxsleep.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		found, err := p.findByName(ctx)
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			return found, nil
		}
	}
	p.say(Wait{Message: fmt.Sprintf("enrollment %q was not listed by %s: the earlier create did not take; creating it", p.Name, until.Format(time.TimeOnly))})
	return nil, nil
}

// say tells the caller what the run is waiting for.
func (p *EnrollmentPlan) say(w Wait) {
	if p.progress != nil {
		p.progress(w)
	}
}
