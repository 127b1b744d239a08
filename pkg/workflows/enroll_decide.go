package workflows

import (
	"context"
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"net/http"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// decision is what a run does about the enrollments already named like the
// plan, and the one it is about.
type decision struct {
	action   Action
	existing *Enrollment
}

// decide picks what to do given the same-named enrollments in the company.
// An existing enrollment is only taken for this request's own if it is for
// the same training and the same groups: resuming someone else's Scheduled
// enrollment, or calling a different one "already sent", would be wrong.
func (p *EnrollmentPlan) decide(ctx context.Context, existing []Enrollment) (decision, error) {
	if p.AllowDuplicate || len(existing) == 0 {
		return decision{action: ActionCreate}, nil
	}
	if len(existing) > 1 {
		ids := make([]string, 0, len(existing))
		for _, e := range existing {
			ids = append(ids, fmt.Sprintf("%s (%s)", e.ID, e.Status))
		}
		return decision{}, &InputError{
			Field: "name", Value: p.Name,
			Reason: fmt.Sprintf("is used by %s in company %q already: %s; pick another name, or allow a duplicate", plural.Count(len(existing), "enrollment", "enrollments"), p.Company.Name, strings.Join(ids, ", ")),
			Option: "AllowDuplicate",
		}
	}
	e := existing[0]
	if err := p.checkSameEnrollment(ctx, e); err != nil {
		return decision{}, err
	}
	switch {
	case !isScheduled(e.Status):
		return decision{action: ActionAlreadySent, existing: &e}, nil
	case !p.Send:
		return decision{action: ActionLeaveScheduled, existing: &e}, nil
	}
	return decision{action: ActionResume, existing: &e}, nil
}

// checkSameEnrollment reads e's details and compares its training and target
// groups with the plan's.
func (p *EnrollmentPlan) checkSameEnrollment(ctx context.Context, e Enrollment) error {
	details, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return p.scope.API().GetEnrollmentsResourceId(ctx, e.ID)
	}, func(d *enrollmentDetails, _ *keepnet.DecodeReport) error {
		if d.Data == nil {
			return reqctx.Hollow("the enrollment's details have no data")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read enrollment %q (%s): %w", e.Name, e.ID, err)
	}
	if !report.OK() {
		// What it was created for cannot be told: resuming or reporting it
		// could be someone else's enrollment.
		return fmt.Errorf("read enrollment %q (%s): %s", e.Name, e.ID, wire.ProblemText(report.Problems))
	}
	trainingID, groupIDs := details.Data.TrainingID, details.Data.TargetGroupResourceIDs
	var differs string
	switch {
	case trainingID != "" && trainingID != p.Training.ID,
		trainingID == "" && e.TrainingName != "" && !strings.EqualFold(e.TrainingName, p.Training.Name):
		what := e.TrainingName
		if what == "" {
			what = trainingID
		}
		differs = fmt.Sprintf("training %q", what)
	case len(groupIDs) > 0 && !sameSet(groupIDs, p.groupIDs()):
		differs = "target groups " + strings.Join(groupIDs, ", ")
	}
	if differs == "" {
		return nil
	}
	return &InputError{
		Field: "name", Value: p.Name,
		Reason: fmt.Sprintf("already names enrollment %s (%s) in company %q, for %s; pick another name, or allow a duplicate", e.ID, e.Status, p.Company.Name, differs),
		Option: "AllowDuplicate",
	}
}

func (p *EnrollmentPlan) groupIDs() []string {
	ids := make([]string, 0, len(p.Groups))
	for _, g := range p.Groups {
		ids = append(ids, g.ID)
	}
	return ids
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// Intent says in words what Apply would do, for a dry run.
func (p *EnrollmentPlan) Intent() string {
	switch p.Action {
	case ActionAlreadySent:
		return fmt.Sprintf("nothing: enrollment %s with this name exists and was sent (status %s)", p.existing.ID, p.existing.Status)
	case ActionLeaveScheduled:
		return fmt.Sprintf("nothing: enrollment %s with this name exists and is still Scheduled (not sending, as asked)", p.existing.ID)
	case ActionResume:
		return fmt.Sprintf("send enrollment %s, which exists with this name and is still Scheduled", p.existing.ID)
	}
	what := "create the enrollment"
	if len(p.Existing) > 0 {
		what = fmt.Sprintf("create another enrollment with this name (%d exist already; duplicates allowed)", len(p.Existing))
	}
	if !p.Send {
		return what + " and leave it Scheduled, not sent"
	}
	if p.TimeZone != nil {
		return fmt.Sprintf("%s and send it, scheduled for %s (%s)", what, p.ScheduledDate, p.TimeZone.ID)
	}
	return what + " and send it now"
}

// scopeError turns a 403 PRIVACY_ERROR on a company-scoped call into an
// *InputError naming the company as the user gave it: the credentials do
// not manage that company, which is a matter of input, not a failure.
func scopeError(err error, query string, company Company) error {
	var apiErr *keepnet.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden && strings.EqualFold(apiErr.Status, "PRIVACY_ERROR") {
		return &InputError{
			Field: "company", Value: query,
			Reason: fmt.Sprintf("(%s) is not managed by these credentials: the service refused it with PRIVACY_ERROR", company.ID),
		}
	}
	return err
}

// enrollmentDetails is GET /api/enrollments/{id} as the enroll flow reads
// it: what the enrollment was created for.
type enrollmentDetails struct {
	Data *struct {
		TrainingID             string   `json:"trainingId"`
		TargetGroupResourceIDs []string `json:"targetGroupResourceIds"`
	} `json:"data"`
}

// formDetails is enrollments/form-details as the enroll flow reads it.
type formDetails struct {
	Data *struct {
		EnumNameValuePairs map[string][]struct {
			ID          int32  `json:"id"`
			Name        string `json:"name"`
			DisplayName string `json:"displayName"`
		} `json:"enumNameValuePairs"`
	} `json:"data"`
}

// readFormEnums reads enrollments/form-details' data.enumNameValuePairs.
// An enum whose values could not be read is left out, with its problem, so
// that only a flow that needs it fails.
func readFormEnums(ctx context.Context, scope *keepnet.ScopedClient) (formEnums, error) {
	body, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return scope.API().GetEnrollmentsFormDetails(ctx)
	}, func(d *formDetails, r *keepnet.DecodeReport) error {
		if prob, bad := r.Problem("data.enumNameValuePairs"); bad {
			return fmt.Errorf("unusable form details: %s", prob)
		}
		if d.Data == nil || d.Data.EnumNameValuePairs == nil {
			return reqctx.Hollow("the form details have no data.enumNameValuePairs")
		}
		return nil
	})
	if err != nil {
		return formEnums{}, fmt.Errorf("read enrollment form details: %w", err)
	}
	out := formEnums{values: map[string][]formEnum{}, problems: map[string]string{}}
	for name, values := range body.Data.EnumNameValuePairs {
		if problems := report.Within("data.enumNameValuePairs." + name); len(problems) > 0 {
			out.problems[strings.ToLower(name)] = wire.ProblemText(problems)
			continue
		}
		for _, v := range values {
			out.values[name] = append(out.values[name], formEnum{ID: v.ID, Name: v.Name, DisplayName: v.DisplayName})
		}
	}
	return out, nil
}

// formEnums are the enums of enrollments/form-details, and what could not
// be read of those that came in another shape.
type formEnums struct {
	values   map[string][]formEnum
	problems map[string]string // by lower-case enum name
}

// formEnumNamed finds an enum by name, ignoring case (the service's key
// casing varies). An enum the service sent in a shape that could not be
// read is an error, not a missing enum.
func formEnumNamed(enums formEnums, name string) ([]formEnum, bool, error) {
	if problem, bad := enums.problems[strings.ToLower(name)]; bad {
		return nil, false, fmt.Errorf("enrollment form details: %s: %s", name, problem)
	}
	for k, v := range enums.values {
		if strings.EqualFold(k, name) {
			return v, true, nil
		}
	}
	return nil, false, nil
}
