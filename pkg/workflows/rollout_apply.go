package workflows

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
)

// RolloutResult is a rollout's outcome, one row per company in the plan's
// order: each company's enrollment, as Enroll reports it (its Action says
// what was done, ActionSkip and ActionFail included), or why there is none.
type RolloutResult struct {
	Name      string           `json:"name"`
	Companies []CompanyOutcome `json:"companies"`
}

// Failed returns the outcomes of the companies that failed.
func (r RolloutResult) Failed() []CompanyOutcome {
	var out []CompanyOutcome
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
	// Failed are the failed companies' outcomes; Total is how many
	// companies the rollout had.
	Failed []CompanyOutcome
	Total  int
}

func (e *RolloutError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for _, row := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s (%s): %v", row.Company.Name, row.Company.ID, row.Err))
	}
	return fmt.Sprintf("the enrollment failed in %d of %s: %s", len(e.Failed), plural.Count(e.Total, "company", "companies"), strings.Join(parts, "; "))
}

// Apply carries the plan out company by company, a few companies at once,
// each exactly as EnrollmentPlan.Apply does for one: its lock, its record
// of unknown outcomes, its settle step. One company's failure does not stop
// the others. The result has a row for every company of the plan, skipped
// ones included; when any failed, the error is a *RolloutError listing them.
// A cancelled ctx stops companies not yet started, which are reported as
// failed.
func (p *RolloutPlan) Apply(ctx context.Context) (RolloutResult, error) {
	res := RolloutResult{Name: p.Name, Companies: make([]CompanyOutcome, len(p.Companies))}
	limit := p.concurrency
	if limit <= 0 {
		limit = defaultRolloutConcurrency
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
func applyCompany(ctx context.Context, name string, row CompanyPlan) CompanyOutcome {
	out := CompanyOutcome{Company: row.Company, Enrollment: &EnrollResult{Company: row.Company, Name: name}}
	failed := func(r *EnrollResult, err error) CompanyOutcome {
		r.Action = ActionFail
		out.Enrollment, out.Err, out.Error = r, err, err.Error()
		return out
	}
	switch {
	case row.Action == ActionSkip:
		out.Enrollment.Action, out.Skipped = ActionSkip, row.Reason
		return out
	case row.Plan == nil:
		err := row.err
		if err == nil {
			err = fmt.Errorf("no plan: %s", row.Reason)
		}
		return failed(out.Enrollment, err)
	}
	if err := ctx.Err(); err != nil {
		return failed(out.Enrollment, fmt.Errorf("not started: %w", err))
	}
	r, err := row.Plan.Apply(ctx)
	if err != nil {
		if r.ID == "" {
			r = *out.Enrollment
		}
		return failed(&r, err)
	}
	out.Enrollment = &r
	return out
}
