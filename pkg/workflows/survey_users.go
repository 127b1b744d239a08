package workflows

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
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

		// Every request runs on a pool (see requestPool): the pull's own,
		// or one shared by every company of a pull across companies.
		pool := p.pool
		if pool == nil {
			pool = newRequestPool(p.concurrency)
			defer pool.close() // runs after the deferred stop below: see there
		}
		// submit starts a request once a slot is free; false when the pull
		// is stopping and the request will not run.
		submit := func(request func(context.Context)) bool { return pool.submit(ctx, request) }

		// The window is how many users may be in flight or done but not yet
		// yielded: enough to keep every slot busy while a user waiting to
		// retry (a second for a Retry-After: 1) holds up the ones behind
		// it, few enough to keep memory small.
		window := max(4*p.concurrency, minUserWindow)
		rows := make(chan userRow, usersPageSize)
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
		// cancel, let the producers stop, then (deferred above) the pull's
		// own workers.
		defer func() {
			cancel()
			producers.Wait()
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
	parts                           atomic.Int32
	done                            chan struct{}
	rowErr, timelineErr, answersErr error
}

// userRow is a users/search result as the pull reads it.
type userRow struct {
	TargetUserResourceID string           `json:"targetUserResourceId"`
	Email                string           `json:"email"`
	FirstName            string           `json:"firstName"`
	LastName             string           `json:"lastName"`
	Department           string           `json:"department"`
	Status               string           `json:"status"`
	LastInteractionDate  keepnetdate.Time `json:"lastInteractionDate"`

	// problem is what of the row could not be read; it becomes part of the
	// user's error.
	problem string
}

func newUserSlot(row userRow) *userSlot {
	slot := &userSlot{
		user: UserResult{
			TargetUserResourceID: row.TargetUserResourceID,
			Email:                row.Email,
			FirstName:            row.FirstName,
			LastName:             row.LastName,
			Department:           row.Department,
			Status:               row.Status,
			LastInteractionDate:  row.LastInteractionDate,
			Answers:              []Answer{},
			Interactions:         []Interaction{},
		},
		done: make(chan struct{}),
	}
	if row.problem != "" {
		slot.rowErr = fmt.Errorf("users/search: %s", row.problem)
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
	if err := errors.Join(s.rowErr, s.timelineErr, s.answersErr); err != nil {
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
	if p.reuse != nil {
		if known, ok := p.reuse(id); ok {
			slot.user, slot.rowErr = known, nil
			close(slot.done)
			return
		}
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
func (p *SurveyPull) listUsers(ctx context.Context, submit func(func(context.Context)) bool, rows chan<- userRow) error {
	type pageResult struct {
		rows []userRow
		err  error
	}
	// A server that ignores pageNumber would send page 1 forever, every one
	// full; allPages would stop only at its page cap, after millions of
	// duplicates. A page that starts where the previous one did ends it.
	var previousFirst string
	fetch := func(ctx context.Context, page, size int) ([]userRow, error) {
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
		first := r.rows[0].TargetUserResourceID
		if page > 1 && first != "" && first == previousFirst {
			return nil, fmt.Errorf("users/search sent the same rows for page %d as for page %d; it ignores paging", page, page-1)
		}
		previousFirst = first
		return r.rows, nil
	}
	listed := int64(0)
	for row, err := range allPages(ctx, usersPageSize, fetch) {
		if err != nil {
			return fmt.Errorf("list survey users of enrollment %s: %w", p.Enrollment.ID, err)
		}
		select {
		case rows <- row:
			listed++
		case <-ctx.Done():
			return nil
		}
	}
	// Paging ends on an empty or short page. If the server said there are
	// more users than it then listed, some were lost on the way (a page
	// that came back short): the pull must not look complete.
	if total := p.total.Load(); total > listed {
		return &ShortListingError{Listing: "users/search", Reported: int(total), Listed: int(listed)}
	}
	return nil
}

// fetchUsersPage fetches one users/search page and notes the server's
// user count from the first.
func (p *SurveyPull) fetchUsersPage(ctx context.Context, page, size int) ([]userRow, error) {
	body := gen.PostTrainingReportsEnrollmentIdUsersSearchJSONRequestBody{
		PageNumber:   page,
		PageSize:     size,
		OrderBy:      "Email",
		Ascending:    true,
		TrainingType: new(0),
	}
	body.Filter.Condition = new("AND")
	body.Filter.SearchInputTextValue = new("")
	answer, report, err := fetchJSON(ctx, func(ctx context.Context) (*http.Response, error) {
		return p.scope.API().PostTrainingReportsEnrollmentIdUsersSearch(ctx, p.Enrollment.ID, body)
	}, checkSearchPage[userRow])
	if err != nil {
		return nil, err
	}
	if page == 1 {
		p.total.Store(answer.total())
	}
	found, problems := answer.rows(report)
	for i := range found {
		found[i].problem = problems[i]
	}
	return found, nil
}

func (p *SurveyPull) fetchInteractions(ctx context.Context, userID string) ([]Interaction, error) {
	var events []Interaction
	_, _, err := fetchJSON(ctx, func(ctx context.Context) (*http.Response, error) {
		return p.scope.API().GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceId(ctx, p.Enrollment.ID, userID,
			&gen.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdParams{TrainingType: new(gen.TrainingTypeRequestEnum("0"))})
	}, func(body *timelineBody, r *keepnet.DecodeReport) (err error) {
		events, err = timelineOf(body, r)
		return err
	})
	if err != nil {
		return []Interaction{}, fmt.Errorf("interactions: %w", err)
	}
	return events, nil
}

func (p *SurveyPull) fetchAnswers(ctx context.Context, userID string) ([]Answer, error) {
	var answers []Answer
	_, _, err := fetchJSON(ctx, func(ctx context.Context) (*http.Response, error) {
		return p.scope.API().GetTrainingReportsExamResultSessionsTargetUserResourceId(ctx, p.Enrollment.ID, userID)
	}, func(body *sessionsBody, r *keepnet.DecodeReport) (err error) {
		answers, err = answersOfBody(body, r, p.Dates.Order)
		return err
	})
	if err != nil {
		return []Answer{}, fmt.Errorf("answers: %w", err)
	}
	return answers, nil
}
