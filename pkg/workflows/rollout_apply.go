package workflows

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

const (
	// EnrollSkipped: a rollout skipped the company, which lacks the
	// training or a group.
	EnrollSkipped EnrollAction = "skipped"
	// EnrollFailed: a rollout's enrollment in the company failed; the
	// row's Error says how, and a rerun finishes it.
	EnrollFailed EnrollAction = "failed"
)

// CompanyResult is what a rollout ended with in one company: the
// enrollment, as Enroll reports it, or why there is none.
type CompanyResult struct {
	EnrollResult
	// Error says why the company failed; the row's ID is still set when
	// the enrollment exists (created, but the send failed, say).
	Error string `json:"error,omitempty"`
	// Err is the company's error, for errors.Is and errors.As.
	Err error `json:"-"`
}

// RolloutResult is a rollout's outcome, one row per company in the plan's
// order.
type RolloutResult struct {
	Name      string          `json:"name"`
	Companies []CompanyResult `json:"companies"`
}

// Failed returns the rows of the companies that failed.
func (r RolloutResult) Failed() []CompanyResult {
	var out []CompanyResult
	for _, row := range r.Companies {
		if row.Err != nil {
			out = append(out, row)
		}
	}
	return out
}

// RolloutError means a rollout finished with some companies failed; every
// other company's enrollment was made. Running the same rollout again
// finishes the failed ones and changes nothing in the others.
type RolloutError struct {
	// Failed are the failed companies' rows; Total is how many companies
	// the rollout had.
	Failed []CompanyResult
	Total  int
}

func (e *RolloutError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for _, row := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s (%s): %s", row.Company.Name, row.Company.ID, row.Error))
	}
	return fmt.Sprintf("the enrollment failed in %d of %d companies: %s", len(e.Failed), e.Total, strings.Join(parts, "; "))
}

// Apply carries the plan out company by company, a few companies at once,
// each exactly as EnrollmentPlan.Apply does for one: its lock, its record
// of unknown outcomes, its settle step. One company's failure does not stop
// the others. The result has a row for every company of the plan, skipped
// ones included; when any failed, the error is a *RolloutError listing them.
// A cancelled ctx stops companies not yet started, which are reported as
// failed.
func (p *RolloutPlan) Apply(ctx context.Context) (RolloutResult, error) {
	res := RolloutResult{Name: p.Name, Companies: make([]CompanyResult, len(p.Companies))}
	limit := p.concurrency
	if limit <= 0 {
		limit = DefaultRolloutConcurrency
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, row := range p.Companies {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res.Companies[i] = applyCompany(ctx, p.Name, row)
		})
	}
	wg.Wait()
	if failed := res.Failed(); len(failed) > 0 {
		return res, &RolloutError{Failed: failed, Total: len(res.Companies)}
	}
	return res, nil
}

// applyCompany carries out one company's row of the plan.
func applyCompany(ctx context.Context, name string, row CompanyPlan) CompanyResult {
	base := EnrollResult{Company: row.Company, Name: name}
	switch {
	case row.Action == RolloutSkip:
		base.Action, base.Note = EnrollSkipped, row.Reason
		return CompanyResult{EnrollResult: base}
	case row.Plan == nil:
		err := row.err
		if err == nil {
			err = fmt.Errorf("no plan: %s", row.Reason)
		}
		base.Action = EnrollFailed
		return CompanyResult{EnrollResult: base, Error: err.Error(), Err: err}
	}
	if err := ctx.Err(); err != nil {
		base.Action = EnrollFailed
		err = fmt.Errorf("not started: %w", err)
		return CompanyResult{EnrollResult: base, Error: err.Error(), Err: err}
	}
	r, err := row.Plan.Apply(ctx)
	if err != nil {
		if r.ID == "" {
			r = base
		}
		r.Action = EnrollFailed
		return CompanyResult{EnrollResult: r, Error: err.Error(), Err: err}
	}
	return CompanyResult{EnrollResult: r}
}
