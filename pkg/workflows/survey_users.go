package workflows

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"

	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// usersPageSize is what users/search is asked for; the service caps pages
// at 100 rows and may return fewer, which allPages copes with.
const usersPageSize = 100

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

		slots := semaphore.NewWeighted(int64(p.concurrency))
		// The window is how many users may be in flight or done but not yet
		// yielded. Four users a request slot keeps every slot busy while a
		// slow user holds up the ones behind it, and keeps memory small.
		window := 4 * p.concurrency
		rows := make(chan gen.TrainingReportUsersSearchView, usersPageSize)
		pending := make(chan chan UserResult, window)
		pageErr := make(chan error, 1)
		var wg sync.WaitGroup

		wg.Go(func() {
			defer close(rows)
			pageErr <- p.listUsers(ctx, slots, rows)
		})
		wg.Go(func() {
			defer close(pending)
			for row := range rows {
				done := make(chan UserResult, 1)
				select {
				case pending <- done:
				case <-ctx.Done():
					return
				}
				wg.Go(func() { done <- p.fetchUser(ctx, slots, row) })
			}
		})
		// Whatever way the loop ends, nothing may outlive the iterator.
		defer wg.Wait()
		defer cancel()

		for done := range pending {
			user := <-done
			if err := ctx.Err(); err != nil {
				yield(UserResult{}, fmt.Errorf("survey pull stopped: %w", context.Cause(ctx)))
				return
			}
			if !yield(user, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(UserResult{}, fmt.Errorf("survey pull stopped: %w", context.Cause(ctx)))
			return
		}
		// Uncancelled, pending closes only after rows is drained, and rows
		// only after listUsers returned, so its error is waiting.
		if err := <-pageErr; err != nil {
			yield(UserResult{}, err)
		}
	}
}

// listUsers sends every users/search row to rows, holding a request slot
// only while a page is being fetched.
func (p *SurveyPull) listUsers(ctx context.Context, slots *semaphore.Weighted, rows chan<- gen.TrainingReportUsersSearchView) error {
	api := p.scope.API()
	// A server that ignores pageNumber would send page 1 forever, every one
	// full; allPages would stop only at its page cap, after millions of
	// duplicates. A page that starts where the previous one did ends it.
	var previousFirst string
	fetch := func(ctx context.Context, page, size int) ([]gen.TrainingReportUsersSearchView, error) {
		body := gen.PostTrainingReportsEnrollmentIdUsersSearchJSONRequestBody{
			PageNumber:   page,
			PageSize:     size,
			OrderBy:      "Email",
			Ascending:    true,
			TrainingType: new(0),
		}
		body.Filter.Condition = new("AND")
		body.Filter.SearchInputTextValue = new("")
		if err := slots.Acquire(ctx, 1); err != nil {
			return nil, err
		}
		resp, err := api.PostTrainingReportsEnrollmentIdUsersSearchWithResponse(ctx, p.Enrollment.ID, body)
		slots.Release(1)
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
		if data.Results == nil || len(*data.Results) == 0 {
			return nil, nil
		}
		first := orZero((*data.Results)[0].TargetUserResourceId)
		if page > 1 && first != "" && first == previousFirst {
			return nil, fmt.Errorf("users/search sent the same rows for page %d as for page %d; it ignores paging", page, page-1)
		}
		previousFirst = first
		return *data.Results, nil
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

// fetchUser builds one user's record: the users/search row, the
// interaction timeline and the answers, the two fetched at once.
func (p *SurveyPull) fetchUser(ctx context.Context, slots *semaphore.Weighted, row gen.TrainingReportUsersSearchView) UserResult {
	user := UserResult{
		TargetUserResourceID: orZero(row.TargetUserResourceId),
		Email:                orZero(row.Email),
		FirstName:            orZero(row.FirstName),
		LastName:             orZero(row.LastName),
		Department:           orZero(row.Department),
		Status:               orZero(row.Status),
		Answers:              []Answer{},
		Interactions:         []Interaction{},
	}
	if row.LastInteractionDate != nil {
		user.LastInteractionDate = *row.LastInteractionDate
	}
	if user.TargetUserResourceID == "" {
		user.Error = errNoUserID.Error()
		return user
	}
	var timelineErr, answersErr error
	var wg sync.WaitGroup
	wg.Go(func() { user.Interactions, timelineErr = p.fetchInteractions(ctx, slots, user.TargetUserResourceID) })
	wg.Go(func() { user.Answers, answersErr = p.fetchAnswers(ctx, slots, user.TargetUserResourceID) })
	wg.Wait()
	if err := errors.Join(timelineErr, answersErr); err != nil {
		user.Error = err.Error()
	}
	return user
}

func (p *SurveyPull) fetchInteractions(ctx context.Context, slots *semaphore.Weighted, userID string) ([]Interaction, error) {
	if err := slots.Acquire(ctx, 1); err != nil {
		return []Interaction{}, err
	}
	// The raw response, decoded by decodeTimeline: see timelineBody.
	resp, err := p.scope.API().GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceId(ctx, p.Enrollment.ID, userID,
		&gen.GetTrainingReportsEnrollmentIdInteractionsTargetUserResourceIdParams{TrainingType: new(gen.TrainingTypeRequestEnum("0"))})
	slots.Release(1)
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

func (p *SurveyPull) fetchAnswers(ctx context.Context, slots *semaphore.Weighted, userID string) ([]Answer, error) {
	if err := slots.Acquire(ctx, 1); err != nil {
		return []Answer{}, err
	}
	// The raw response, decoded by decodeAnswers: see sessionsBody for why
	// not the generated type.
	resp, err := p.scope.API().GetTrainingReportsExamResultSessionsTargetUserResourceId(ctx, p.Enrollment.ID, userID)
	slots.Release(1)
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
