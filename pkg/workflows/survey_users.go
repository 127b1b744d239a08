package workflows

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// usersPageSize is what users/search is asked for; the service caps pages
// at 100 rows and may return fewer, which allPages copes with.
const usersPageSize = 100

// minUserWindow is the fewest users a pull keeps in flight or waiting to be
// yielded, whatever its concurrency: a few seconds of users at full speed,
// so that a request retried twice (a second for each Retry-After: 1) does
// not hold up the ones behind it.
const minUserWindow = 1024

// Users streams the survey's users, one record each, in the order
// users/search lists them, so two pulls of the same survey give the same
// output. Users are fetched concurrently (Concurrency requests in flight,
// users/search pages included, the next page fetched while the current
// one's users are) and each record is yielded as soon as it and every
// record before it are complete. Memory is bounded by a window of users in
// flight, not by the survey's size.
//
// A user whose data could not be fetched after the client's retries still
// gets a record, with Error set; the sequence's error is only for failures
// that end the pull (a users/search page that keeps failing, a cancelled
// context). Breaking out of the loop stops every request in flight.
func (p *SurveyPull) Users(ctx context.Context) iter.Seq2[UserResult, error] {
	return func(yield func(UserResult, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		// Every request runs on a pool of workers rather than a goroutine of
		// its own: the workers' stacks stay grown and the scheduler has
		// little to do, which is most of the client's CPU per user after
		// decoding. Concurrency slots bound the requests under way; a
		// request waiting to retry gives its slot back, so another request
		// starts meanwhile. The pool has twice as many workers as slots, so
		// a free slot nearly always finds a free worker; when every worker
		// is taken (many requests waiting to retry), the request gets a
		// goroutine of its own.
		slots := keepnet.NewSlots(p.concurrency)
		requests := make(chan func())
		var workers sync.WaitGroup
		for range 2 * p.concurrency {
			workers.Go(func() {
				for request := range requests {
					request()
				}
			})
		}
		// submit starts a request once a slot is free; false when the pull
		// is stopping and the request will not run.
		submit := func(request func(context.Context)) bool {
			rctx, release, err := slots.Acquire(ctx)
			if err != nil {
				return false
			}
			run := func() {
				defer release()
				request(rctx)
			}
			select {
			case requests <- run:
			default:
				workers.Go(run)
			}
			return true
		}

		// The window is how many users may be in flight or done but not yet
		// yielded: enough to keep every slot busy while a user waiting to
		// retry (a second for a Retry-After: 1) holds up the ones behind
		// it, few enough to keep memory small.
		window := max(4*p.concurrency, minUserWindow)
		rows := make(chan gen.TrainingReportUsersSearchView, usersPageSize)
		pending := make(chan *userSlot, window)
		pageErr := make(chan error, 1)
		var producers sync.WaitGroup
		producers.Go(func() {
			defer close(rows)
			pageErr <- p.listUsers(ctx, submit, rows)
		})
		producers.Go(func() {
			defer close(pending)
			for row := range rows {
				slot := newUserSlot(row)
				select {
				case pending <- slot:
				case <-ctx.Done():
					return
				}
				p.startUser(ctx, slot, submit)
			}
		})
		// Whatever way the loop ends, nothing may outlive the iterator:
		// cancel, let the producers stop, then the workers.
		defer func() {
			cancel()
			producers.Wait()
			close(requests)
			workers.Wait()
		}()

		stopped := func() {
			yield(UserResult{}, fmt.Errorf("survey pull stopped: %w", context.Cause(ctx)))
		}
		for slot := range pending {
			select {
			case <-slot.done:
			case <-ctx.Done():
				stopped()
				return
			}
			if ctx.Err() != nil {
				stopped()
				return
			}
			if !yield(slot.result(), nil) {
				return
			}
		}
		if ctx.Err() != nil {
			stopped()
			return
		}
		// Uncancelled, pending closes only after rows is drained, and rows
		// only after listUsers returned, so its error is waiting.
		if err := <-pageErr; err != nil {
			yield(UserResult{}, err)
		}
	}
}

// userSlot is one user's record while its requests are in flight.
type userSlot struct {
	user UserResult
	// parts counts the requests still running; the last one to finish
	// closes done.
	parts                   atomic.Int32
	done                    chan struct{}
	timelineErr, answersErr error
}

func newUserSlot(row gen.TrainingReportUsersSearchView) *userSlot {
	slot := &userSlot{
		user: UserResult{
			TargetUserResourceID: orZero(row.TargetUserResourceId),
			Email:                orZero(row.Email),
			FirstName:            orZero(row.FirstName),
			LastName:             orZero(row.LastName),
			Department:           orZero(row.Department),
			Status:               orZero(row.Status),
			Answers:              []Answer{},
			Interactions:         []Interaction{},
		},
		done: make(chan struct{}),
	}
	if row.LastInteractionDate != nil {
		slot.user.LastInteractionDate = *row.LastInteractionDate
	}
	return slot
}

// partDone marks one of the slot's requests finished.
func (s *userSlot) partDone() {
	if s.parts.Add(-1) == 0 {
		close(s.done)
	}
}

// result is the finished record; call it only after done is closed.
func (s *userSlot) result() UserResult {
	if err := errors.Join(s.timelineErr, s.answersErr); err != nil {
		s.user.Error = err.Error()
	}
	return s.user
}

// startUser submits the user's two requests, the timeline and the answers.
// If the pull stops before both are submitted, the slot is never done; the
// consumer sees the cancellation instead.
func (p *SurveyPull) startUser(ctx context.Context, slot *userSlot, submit func(func(context.Context)) bool) {
	id := slot.user.TargetUserResourceID
	if id == "" {
		slot.answersErr = errNoUserID
		close(slot.done)
		return
	}
	slot.parts.Store(2)
	ok := submit(func(ctx context.Context) {
		slot.user.Interactions, slot.timelineErr = p.fetchInteractions(ctx, id)
		slot.partDone()
	})
	if ok {
		submit(func(ctx context.Context) {
			slot.user.Answers, slot.answersErr = p.fetchAnswers(ctx, id)
			slot.partDone()
		})
	}
}

// listUsers sends every users/search row to rows; each page is one request
// on the workers, like every other.
func (p *SurveyPull) listUsers(ctx context.Context, submit func(func(context.Context)) bool, rows chan<- gen.TrainingReportUsersSearchView) error {
	type pageResult struct {
		rows []gen.TrainingReportUsersSearchView
		err  error
	}
	// A server that ignores pageNumber would send page 1 forever, every one
	// full; allPages would stop only at its page cap, after millions of
	// duplicates. A page that starts where the previous one did ends it.
	var previousFirst string
	fetch := func(ctx context.Context, page, size int) ([]gen.TrainingReportUsersSearchView, error) {
		result := make(chan pageResult, 1)
		if !submit(func(ctx context.Context) {
			rows, err := p.fetchUsersPage(ctx, page, size)
			result <- pageResult{rows, err}
		}) {
			return nil, context.Cause(ctx)
		}
		r := <-result
		if r.err != nil || len(r.rows) == 0 {
			return nil, r.err
		}
		first := orZero(r.rows[0].TargetUserResourceId)
		if page > 1 && first != "" && first == previousFirst {
			return nil, fmt.Errorf("users/search sent the same rows for page %d as for page %d; it ignores paging", page, page-1)
		}
		previousFirst = first
		return r.rows, nil
	}
	for row, err := range allPages(ctx, usersPageSize, fetch) {
		if err != nil {
			return fmt.Errorf("list survey users of enrollment %s: %w", p.Enrollment.ID, err)
		}
		select {
		case rows <- row:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// fetchUsersPage fetches one users/search page and notes the server's
// user count from the first.
func (p *SurveyPull) fetchUsersPage(ctx context.Context, page, size int) ([]gen.TrainingReportUsersSearchView, error) {
	body := gen.PostTrainingReportsEnrollmentIdUsersSearchJSONRequestBody{
		PageNumber:   page,
		PageSize:     size,
		OrderBy:      "Email",
		Ascending:    true,
		TrainingType: new(0),
	}
	body.Filter.Condition = new("AND")
	body.Filter.SearchInputTextValue = new("")
	resp, err := p.scope.API().PostTrainingReportsEnrollmentIdUsersSearchWithResponse(ctx, p.Enrollment.ID, body)
	if err != nil {
		return nil, err
	}
	if resp.JSON200 == nil || resp.JSON200.Data == nil {
		return nil, nil
	}
	data := resp.JSON200.Data
	if page == 1 && data.TotalNumberOfRecords != nil && *data.TotalNumberOfRecords >= 0 {
		p.total.Store(int64(*data.TotalNumberOfRecords))
	}
	if data.Results == nil {
		return nil, nil
	}
	return *data.Results, nil
}

func (p *SurveyPull) fetchInteractions(ctx context.Context, userID string) ([]Interaction, error) {
	// The raw response, decoded by decodeTimeline: see timelineBody.
	resp, err := p.scope.API().GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceId(ctx, p.Enrollment.ID, userID,
		&gen.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdParams{TrainingType: new(gen.TrainingTypeRequestEnum("0"))})
	if err != nil {
		return []Interaction{}, fmt.Errorf("interactions: %w", err)
	}
	defer resp.Body.Close() // the connection layer has buffered the body; closing cannot fail
	events, err := decodeTimeline(resp.Body)
	if err != nil {
		return []Interaction{}, fmt.Errorf("interactions: %w", err)
	}
	return events, nil
}

func (p *SurveyPull) fetchAnswers(ctx context.Context, userID string) ([]Answer, error) {
	// The raw response, decoded by decodeAnswers: see sessionsBody for why
	// not the generated type.
	resp, err := p.scope.API().GetTrainingReportsExamResultSessionsTargetUserResourceId(ctx, p.Enrollment.ID, userID)
	if err != nil {
		return []Answer{}, fmt.Errorf("answers: %w", err)
	}
	defer resp.Body.Close() // the connection layer has buffered the body; closing cannot fail
	answers, err := decodeAnswers(resp.Body)
	if err != nil {
		return []Answer{}, fmt.Errorf("answers: %w", err)
	}
	return answers, nil
}
