package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// RolloutRequest asks for the same enrollment in several customer
// companies: the same training and name in each, sent to the groups of
// those names in each company.
type RolloutRequest struct {
	// Companies says which companies.
	Companies CompanySelection
	// Enrollment is what to enroll in each company. Every field applies
	// in each, except Company, which must be empty; its names (training,
	// groups) are resolved in each company separately.
	Enrollment EnrollRequest
	// SkipMissing skips the companies that lack the training or one of
	// the groups, and says so in the plan, instead of refusing the
	// rollout.
	SkipMissing bool
	// Concurrency is how many companies are planned, and written, at
	// once; zero means 4. Requests stay within the
	// client's own limits whatever it is.
	Concurrency int
}

// defaultRolloutConcurrency is how many companies a rollout works on at
// once unless told otherwise: enough to overlap the waits of a few
// companies' look-ups, few enough that a failing service is not hit by many
// creates at once.
const defaultRolloutConcurrency = 4

// CompanyPlan is one company's row of a rollout's plan.
type CompanyPlan struct {
	Company Company `json:"company"`
	Action  Action  `json:"action"`
	// TrainingID and GroupIDs are the request's names as resolved in this
	// company; empty when it was skipped or failed.
	TrainingID string   `json:"trainingId,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
	// Reason says why the company is skipped or failed.
	Reason string `json:"reason,omitempty"`
	// Plan is the company's enrollment plan, as PlanEnrollment makes it;
	// nil when it was skipped or failed.
	Plan *EnrollmentPlan `json:"plan,omitempty"`

	err error
}

// RolloutPlan is a rollout validated in every selected company before
// anything is written: one row per company, in the order selected.
type RolloutPlan struct {
	Name      string        `json:"name"`
	Companies []CompanyPlan `json:"companies"`

	concurrency int
}

// Rollout plans the request and applies the plan: the whole rollout in one
// call. See PlanRollout and RolloutPlan.Apply.
func Rollout(ctx context.Context, c *keepnet.Client, req RolloutRequest) (RolloutResult, error) {
	plan, err := PlanRollout(ctx, c, req)
	if err != nil {
		return RolloutResult{}, err
	}
	return plan.Apply(ctx)
}

// PlanRollout resolves the companies and plans the enrollment in each of
// them, as PlanEnrollment does for one, making read calls only. All
// validation of all companies is done before it returns, so a rollout that
// is refused has written nothing anywhere.
//
// Bad input in any company is one *InputError listing every company's
// problem: a company lacking the training or a group (unless SkipMissing),
// an ambiguous name, a name already used there for another training or
// other groups. A company whose listings could not be read is not bad input:
// its row says ActionFail with the reason, and Apply reports it as
// failed without writing to it, while the other companies go ahead.
func PlanRollout(ctx context.Context, c *keepnet.Client, req RolloutRequest) (*RolloutPlan, error) {
	if strings.TrimSpace(req.Enrollment.Company) != "" {
		return nil, &InputError{Field: "company", Value: req.Enrollment.Company, Reason: "goes in the rollout's company selection, not in its enrollment"}
	}
	checked, err := checkEnrollRequest(req.Enrollment)
	if err != nil {
		return nil, err
	}
	companies, err := ResolveCompanies(ctx, c, req.Companies)
	if err != nil {
		return nil, err
	}
	plan := &RolloutPlan{Name: checked.name, Companies: make([]CompanyPlan, len(companies)), concurrency: req.Concurrency}
	if plan.concurrency <= 0 {
		plan.concurrency = defaultRolloutConcurrency
	}
	sem := make(chan struct{}, plan.concurrency)
	var wg sync.WaitGroup
	for i, co := range companies {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			plan.Companies[i] = planCompany(ctx, c, req, checked, co)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var bad, missing []string
	for i := range plan.Companies {
		row := &plan.Companies[i]
		var ie *InputError
		if !errors.As(row.err, &ie) {
			continue
		}
		what := fmt.Sprintf("%s (%s): %s", row.Company.Name, row.Company.ID, ie.Error())
		switch {
		case !lacks(ie):
			bad = append(bad, what)
		case req.SkipMissing:
			row.Action, row.Reason, row.err = ActionSkip, ie.Error(), nil
		default:
			missing = append(missing, what)
		}
	}
	if len(bad)+len(missing) == 0 {
		return plan, nil
	}
	reason := fmt.Sprintf("%d of the %s cannot take this enrollment: %s", len(bad)+len(missing), plural.Count(len(companies), "company", "companies"), strings.Join(append(missing, bad...), "; "))
	ie := &InputError{Field: "rollout", Reason: reason}
	if len(missing) > 0 {
		// Those lacking the training or a group could be skipped.
		ie.Option = "SkipMissing"
	}
	return nil, ie
}

// lacks reports whether ie says the company has no such training or group,
// which SkipMissing forgives; an ambiguous name or a name conflict it does
// not.
func lacks(ie *InputError) bool {
	return ie.Unknown() && (ie.Field == "training" || ie.Field == "group")
}

// planCompany plans the enrollment in one company and classifies the
// outcome; row.err keeps an *InputError for PlanRollout to judge.
func planCompany(ctx context.Context, c *keepnet.Client, req RolloutRequest, checked checkedRequest, co Company) CompanyPlan {
	one := req.Enrollment
	one.Company = co.Name // what errors about the company quote
	if progress := req.Enrollment.Progress; progress != nil {
		one.Progress = func(w Wait) {
			w.Message = co.Name + ": " + w.Message
			progress(w)
		}
	}
	row := CompanyPlan{Company: co}
	p, err := planInCompany(ctx, c, one, checked, co)
	if err != nil {
		row.Action, row.Reason, row.err = ActionFail, err.Error(), err
		return row
	}
	row.Plan, row.TrainingID, row.GroupIDs, row.Action = p, p.Training.ID, p.groupIDs(), p.Action
	return row
}
