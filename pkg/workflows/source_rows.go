package workflows

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/paging"
	"github.com/keepnet-flow/keepnet-flow/internal/pull"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// What every flow's sources share: their rows are a listing read whole on
// the pull's pool, each row becoming its record's task.

// usersPageSize is what users/search is asked for; the service caps pages
// at 100 rows and may return fewer, which paging copes with.
const usersPageSize = 100

// onPool runs a listing's page requests on the pull's pool, and makes the
// first page's total the source's (see Source.Total).
func onPool[Row any](do pull.Do, src *Source, fetch func(ctx context.Context, page, size int) (paging.Page[Row], error)) func(ctx context.Context, page, size int) (paging.Page[Row], error) {
	return func(ctx context.Context, page, size int) (paging.Page[Row], error) {
		var got paging.Page[Row]
		var err error
		if derr := do(ctx, func(ctx context.Context) { got, err = fetch(ctx, page, size) }); derr != nil {
			return got, derr
		}
		if err == nil && page == 1 {
			src.total.Store(got.Total)
		}
		return got, err
	}
}

// listedTasks turns each row of a listing into its record's task, in the
// listing's order. A listing that ends whole then runs done, if set, before
// the source ends; one that does not ends the source with its error.
func listedTasks[Row, R any](ctx context.Context, listing paging.Listing[Row], task func(Row) pull.Task[R], done func()) iter.Seq2[pull.Task[R], error] {
	return func(yield func(pull.Task[R], error) bool) {
		for row, err := range listing.All(ctx) {
			if err != nil {
				yield(pull.Task[R]{}, err)
				return
			}
			if !yield(task(row), nil) {
				return
			}
		}
		if done != nil {
			done()
		}
	}
}

// failedSource is a source that cannot be read at all (an enrollment whose
// start date cannot be placed in the window, a job whose summary would not
// come): it ends with err in its place, before any record, and the pull's
// other sources go on.
func failedSource[R any](src *Source, err error) opened[R] {
	src.total.Store(0) // it has no rows to count
	return opened[R]{source: src, run: pull.Source[R]{
		Tasks: func(context.Context, pull.Do) iter.Seq2[pull.Task[R], error] {
			return func(yield func(pull.Task[R], error) bool) { yield(pull.Task[R]{}, err) }
		},
		Total: src.Total,
	}}
}

// enrollmentUsers is the users/search listing of an enrollment of any
// type, its rows decoded as Row; withProblem attaches to a row what of it
// could not be read.
func enrollmentUsers[Row any](scope *keepnet.ScopedClient, src *Source, do pull.Do, id func(Row) string, withProblem func(Row, string) Row) paging.Listing[Row] {
	return paging.Listing[Row]{
		Name:      fmt.Sprintf("users/search of enrollment %s", src.ID),
		PageSize:  usersPageSize,
		Promised:  src.promised,
		Unbounded: src.unbounded,
		ID:        id,
		Fetch: onPool(do, src, func(ctx context.Context, page, size int) (paging.Page[Row], error) {
			body := gen.PostTrainingReportsEnrollmentIdUsersSearchJSONRequestBody{
				PageNumber:   page,
				PageSize:     size,
				OrderBy:      "Email",
				Ascending:    true,
				TrainingType: new(0),
			}
			body.Filter.Condition = new("AND")
			body.Filter.SearchInputTextValue = new("")
			return wire.FetchPage(ctx, func(ctx context.Context) (*http.Response, error) {
				return scope.API().PostTrainingReportsEnrollmentIdUsersSearch(ctx, src.ID, body)
			}, withProblem)
		}),
	}
}

// readEnrollmentHeader fetches an enrollment's details and summary side by
// side into src: what the outputs carry before the first user.
func readEnrollmentHeader(ctx context.Context, scope *keepnet.ScopedClient, src *Source) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return readEnrollmentDetails(gctx, scope, src) })
	g.Go(func() error { return readEnrollmentSummary(gctx, scope, src) })
	return g.Wait()
}

// readEnrollmentDetails fetches an enrollment's details into src.
func readEnrollmentDetails(ctx context.Context, scope *keepnet.ScopedClient, src *Source) error {
	details, err := wire.FetchData(ctx, func(ctx context.Context) (*http.Response, error) {
		return scope.API().GetEnrollmentsResourceId(ctx, src.ID)
	})
	if err != nil {
		return fmt.Errorf("enrollment %s details: %w", src.ID, err)
	}
	src.Details = details
	return nil
}

// readEnrollmentSummary fetches an enrollment's summary into src, with
// the user count it promises.
func readEnrollmentSummary(ctx context.Context, scope *keepnet.ScopedClient, src *Source) error {
	summary, err := wire.FetchData(ctx, func(ctx context.Context) (*http.Response, error) {
		return scope.API().GetTrainingReportsEnrollmentIdSummary(ctx, src.ID,
			&gen.GetTrainingReportsEnrollmentIdSummaryParams{TrainingType: new(gen.TrainingTypeRequestEnum("0"))})
	})
	if err != nil {
		return fmt.Errorf("enrollment %s summary: %w", src.ID, err)
	}
	src.Summary, src.promised = summary, summaryUsers(summary)
	return nil
}

// lookupLimit bounds the lookups a flow's companies make side by side
// before the pull starts (an enrollment's details and summary, a job's
// summary, a campaign's details) by the pull's concurrency: a company can
// have hundreds of jobs or enrollments in a window, each with its own.
func lookupLimit(concurrency int) *semaphore.Weighted {
	return semaphore.NewWeighted(int64(max(1, cmp.Or(concurrency, DefaultConcurrency))))
}

// limited runs fetch once limit has room for it.
func limited(ctx context.Context, limit *semaphore.Weighted, fetch func() error) error {
	if err := limit.Acquire(ctx, 1); err != nil {
		return context.Cause(ctx)
	}
	defer limit.Release(1)
	return fetch()
}

// summaryUsers is the number of target users a summary gives, or 0 when it
// gives none that can be read.
func summaryUsers(summary json.RawMessage) int64 {
	var s struct {
		Users json.Number `json:"totalTargetUserCount"`
	}
	if json.Unmarshal(summary, &s) != nil {
		return 0
	}
	n, err := s.Users.Int64()
	if err != nil || n < 0 {
		return 0
	}
	return n
}
