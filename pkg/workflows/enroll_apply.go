package workflows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/enrollstate"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Apply carries the plan out so that running the same request again, after
// any failure, and two runs of it at once, converge to exactly one
// enrollment with the plan's name in the company, sent once:
//
//   - Runs of the same company and name on this machine take turns, by a
//     lock file in the state directory (see DefaultStateDir) that the
//     kernel releases when its holder exits, however it exits.
//   - It first looks the name up in the company (all enrollments, exact
//     case-insensitive name). One that has been sent is reported and left
//     alone; one still Scheduled is sent (resumed), unless the plan says not
//     to send. AllowDuplicate skips this and always creates. A listing that
//     cannot be read is an error, never "none exists".
//   - A create is never retried. It is recorded in the state directory
//     before it is sent, and the record is removed once its outcome is
//     known. When the outcome is unknown (5xx, timeout, reset after the
//     request went out, or a 2xx whose body names no ID) Apply looks the
//     enrollment up by name a few times, spaced by the plan's RecheckPolicy,
//     and carries on from what is there; if nothing shows, it stops and
//     says so, and keeps the record. A rerun that finds the record and no
//     enrollment keeps looking until the settle window after that create
//     has passed before it creates again.
//   - After a create, and before the send, it lists the name again. When
//     runs raced (from two machines, say) and created one each, every run
//     picks the same one to keep; a run whose own lost archives its own,
//     unsent, and reports the other with ActionYield. A sent
//     enrollment is never archived.
//   - A send whose outcome is unknown is judged by the enrollment's status:
//     no longer Scheduled means it was sent.
func (p *EnrollmentPlan) Apply(ctx context.Context) (res EnrollResult, err error) {
	st, err := enrollstate.Open(p.stateDir, p.Company.ID, p.Name)
	if err != nil {
		return EnrollResult{}, err
	}
	unlock, err := st.Lock(ctx, func() {
		p.say(Wait{Message: fmt.Sprintf("waiting for another keepnet-flow run enrolling %q in company %q on this machine to finish", p.Name, p.Company.Name)})
	})
	if err != nil {
		return EnrollResult{}, err
	}
	defer func() { err = errors.Join(err, unlock()) }()

	existing, err := p.findByName(ctx)
	if err != nil {
		return EnrollResult{}, err
	}
	if !p.AllowDuplicate && len(existing) == 0 {
		if existing, err = p.awaitPending(ctx, st); err != nil {
			return EnrollResult{}, err
		}
	}
	if len(existing) > 0 {
		if err := st.ClearRecord(); err != nil {
			return EnrollResult{}, err
		}
	}
	d, err := p.decide(ctx, existing)
	if err != nil {
		return EnrollResult{}, err
	}
	switch d.action {
	case ActionAlreadySent, ActionLeaveScheduled:
		return p.result(*d.existing, d.action), nil
	case ActionResume:
		return p.sendAndReport(ctx, *d.existing, ActionResume)
	}
	created, note, err := p.create(ctx, st, existing)
	if err != nil {
		return EnrollResult{}, err
	}
	// The create's outcome is known now. A record left behind costs a
	// later rerun a wait, not a duplicate, so failing to remove it does not
	// stop the send; it is reported with the result.
	defer func() { err = errors.Join(err, st.ClearRecord()) }()
	if !isScheduled(created.Status) {
		// Found after an unknown outcome and already sent (by an earlier
		// run, or by someone in the UI): sending again is what must not
		// happen.
		return p.withNote(p.result(created, ActionCreate), note), nil
	}
	if !p.AllowDuplicate {
		winner, won, err := p.settle(ctx, created)
		if err != nil {
			return EnrollResult{}, err
		}
		if !won {
			return p.yield(ctx, created, winner)
		}
		created = winner
	}
	if !p.Send {
		return p.withNote(p.result(created, ActionCreate), note), nil
	}
	res, err = p.sendAndReport(ctx, created, ActionCreate)
	return p.withNote(res, note), err
}

// create records the attempt, posts the plan's body and returns the new
// enrollment, with a note when what happened needs saying. known are the
// same-named enrollments that existed before, so that a look-up after an
// unknown outcome does not mistake one of them for the new one.
func (p *EnrollmentPlan) create(ctx context.Context, st *enrollstate.State, known []Enrollment) (Enrollment, string, error) {
	if !p.AllowDuplicate {
		if err := st.WriteRecord(enrollstate.Pending{Company: enrollstate.Company{ID: p.Company.ID, Name: p.Company.Name}, Name: p.Name, Time: time.Now()}); err != nil {
			return Enrollment{}, "", err
		}
	}
	id, err := p.postCreate(ctx)
	switch {
	case err == nil:
		// The service creates enrollments Scheduled; they are sent by a
		// separate call.
		return Enrollment{ID: id, Name: p.Name, Status: statusScheduled, TrainingName: p.Training.Name}, "", nil
	case errors.Is(err, errCreateUnreadable):
		// Created, but the answer cannot be read: find it like an
		// unknown outcome rather than fail and invite a second create.
	case !errors.Is(err, keepnet.ErrOutcomeUnknown):
		// Refused: nothing was created.
		return Enrollment{}, "", errors.Join(fmt.Errorf("create enrollment %q in company %q: %w", p.Name, p.Company.Name, err), st.ClearRecord())
	}
	found, ok, lookErr := p.awaitNew(ctx, known)
	switch {
	case ok:
		return found, fmt.Sprintf("the create's answer could not be used (%v); the enrollment was found by name", err), nil
	case lookErr != nil:
		return Enrollment{}, "", fmt.Errorf("create enrollment %q in company %q: %w; and looking it up failed: %v; run the same request again: it looks the enrollment up before creating anything", p.Name, p.Company.Name, err, lookErr)
	case errors.Is(err, errCreateUnreadable):
		return Enrollment{}, "", fmt.Errorf("create enrollment %q in company %q: %w; the service said it was created, but the listing did not show it after %d look-ups; run the same request again: it waits up to %s for it to be listed before creating anything", p.Name, p.Company.Name, err, p.recheck.Attempts, p.settleWindow)
	}
	return Enrollment{}, "", fmt.Errorf("create enrollment %q in company %q: %w; no enrollment with that name appeared after %d look-ups, so it was probably not created; run the same request again: it looks the enrollment up before creating anything, and waits up to %s for this one to be listed", p.Name, p.Company.Name, err, p.recheck.Attempts, p.settleWindow)
}

// errCreateUnreadable marks a create the service answered 2xx without an ID
// that can be read: it was created, but which enrollment it is is unknown.
var errCreateUnreadable = errors.New("the create response could not be read")

// maxCreateBody bounds the create response read; it is about 1 KB.
const maxCreateBody = 1 << 20

// postCreate sends POST /api/enrollments and returns the new ID. It reads
// the raw response rather than the generated parse, which fails the whole
// answer when any of its 17 fields comes with another JSON type: only the
// ID matters here.
func (p *EnrollmentPlan) postCreate(ctx context.Context) (string, error) {
	resp, err := p.scope.API().ClientInterface.PostEnrollmentsWithBody(ctx, "application/json", bytes.NewReader(p.CreateBody))
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }() // the body has been read or abandoned; closing cannot lose anything
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCreateBody))
	if err != nil {
		return "", fmt.Errorf("%w (HTTP %d, reading it failed: %v)", errCreateUnreadable, resp.StatusCode, err)
	}
	if id := createdEnrollmentID(body); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("%w (HTTP %d, %s): it names no ID at data.id", errCreateUnreadable, resp.StatusCode, contentType(resp))
}

// withNote adds note to r, if there is one.
func (p *EnrollmentPlan) withNote(r EnrollResult, note string) EnrollResult {
	if note != "" && r.Note == "" {
		r.Note = note
	}
	return r
}

// sendAndReport sends e and reports it with its status afterwards.
func (p *EnrollmentPlan) sendAndReport(ctx context.Context, e Enrollment, action Action) (EnrollResult, error) {
	// Nothing of the answer is needed: the raw call, so that a send the
	// service did is never reported as failed because its answer drifted.
	resp, err := p.scope.API().PostEnrollmentsResourceIdSend(ctx, e.ID)
	if err == nil {
		_ = resp.Body.Close() // buffered by the connection layer
	}
	if err != nil {
		if !errors.Is(err, keepnet.ErrOutcomeUnknown) {
			// A refusal can mean someone else sent it meanwhile (the
			// service refuses to send what is not Scheduled): then the
			// goal is met, and saying "not sent" would be wrong.
			if now, found, lookErr := p.lookupID(ctx, e.ID); lookErr == nil && found && !isScheduled(now.Status) {
				return p.result(now, action), nil
			}
			return EnrollResult{}, fmt.Errorf("send enrollment %q (%s), which exists but was not sent; run the same request again to send it: %w", p.Name, e.ID, err)
		}
		got, sent, lookErr := p.awaitSent(ctx, e.ID)
		switch {
		case sent:
			return p.result(got, action), nil
		case lookErr != nil:
			return EnrollResult{}, fmt.Errorf("send enrollment %q (%s): %w; and reading its status failed: %v; run the same request again: it sends only if the enrollment is still Scheduled", p.Name, e.ID, err, lookErr)
		}
		return EnrollResult{}, fmt.Errorf("send enrollment %q (%s): %w; it was still Scheduled after %d look-ups, so it was probably not sent; run the same request again to send it", p.Name, e.ID, err, p.recheck.Attempts)
	}
	after, found, err := p.lookupID(ctx, e.ID)
	if err != nil {
		r := p.result(e, action)
		r.Status = ""
		return r, fmt.Errorf("enrollment %q (%s) was sent, but reading its status failed: %w", p.Name, e.ID, err)
	}
	if !found {
		// Sent, but not listed yet: the status is not known.
		after = e
		after.Status = ""
	}
	return p.result(after, action), nil
}

// awaitNew looks the plan's name up until an enrollment shows that is not
// among known.
func (p *EnrollmentPlan) awaitNew(ctx context.Context, known []Enrollment) (Enrollment, bool, error) {
	var lastErr error
	for attempt := range p.recheck.Attempts {
		if err := p.recheck.wait(ctx, attempt); err != nil {
			return Enrollment{}, false, err
		}
		found, err := p.findByName(ctx)
		if err != nil {
			lastErr = err
			continue
		}
		lastErr = nil
		for _, e := range found {
			if !slices.ContainsFunc(known, func(k Enrollment) bool { return k.ID == e.ID }) {
				return e, true, nil
			}
		}
	}
	return Enrollment{}, false, lastErr
}

// awaitSent reads id's status until it is no longer Scheduled.
func (p *EnrollmentPlan) awaitSent(ctx context.Context, id string) (Enrollment, bool, error) {
	var lastErr error
	for attempt := range p.recheck.Attempts {
		if err := p.recheck.wait(ctx, attempt); err != nil {
			return Enrollment{}, false, err
		}
		e, found, err := p.lookupID(ctx, id)
		if err != nil {
			lastErr = err
			continue
		}
		lastErr = nil
		if found && !isScheduled(e.Status) {
			return e, true, nil
		}
	}
	return Enrollment{}, false, lastErr
}

// wait sleeps before look-up number attempt (from 0): not at all before the
// first, then Delay, doubling.
func (r RecheckPolicy) wait(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return nil
	}
	return ctxsleep.Sleep(ctx, r.Delay<<(attempt-1))
}

// findByName lists the company's enrollments with the plan's name. It reads
// every enrollment of the company rather than asking the service to search
// for the name: the search is a partial, multi-field match whose exact rules
// are not documented, and missing an existing enrollment here means
// employees get the training twice. The company header scopes the listing,
// so a same-named enrollment of another customer is never seen.
func (p *EnrollmentPlan) findByName(ctx context.Context) ([]Enrollment, error) {
	all, err := ListEnrollments(ctx, p.scope, EnrollmentQuery{})
	if err != nil {
		return nil, fmt.Errorf("look up enrollment %q: %w", p.Name, err)
	}
	var same []Enrollment
	for _, e := range all {
		// Case is ignored: "Q1 phishing" next to "Q1 Phishing" is a
		// slip of the keyboard far more often than a second campaign.
		if strings.EqualFold(strings.TrimSpace(e.Name), p.Name) {
			same = append(same, e)
		}
	}
	return same, nil
}

// lookupID finds enrollment id among those with the plan's name.
func (p *EnrollmentPlan) lookupID(ctx context.Context, id string) (Enrollment, bool, error) {
	same, err := p.findByName(ctx)
	if err != nil {
		return Enrollment{}, false, err
	}
	for _, e := range same {
		if e.ID == id {
			return e, true, nil
		}
	}
	return Enrollment{}, false, nil
}

func (p *EnrollmentPlan) result(e Enrollment, action Action) EnrollResult {
	name := e.Name
	if name == "" {
		name = p.Name
	}
	return EnrollResult{Company: p.Company, ID: e.ID, Name: name, Status: e.Status, Action: action}
}

func isScheduled(status string) bool {
	return strings.EqualFold(strings.TrimSpace(status), statusScheduled)
}

// contentType names a response's Content-Type for an error message.
func contentType(r *http.Response) string {
	if r == nil || r.Header.Get("Content-Type") == "" {
		return "no Content-Type"
	}
	return "Content-Type " + r.Header.Get("Content-Type")
}
