package enroll

import "github.com/keepnet-flow/keepnet-flow/pkg/workflows"

// The enroll command's JSON shapes. They keep what scripts have read from
// the start: an action in the past tense ("created", "already sent"), and a
// plan's intent in words, where the library carries one workflows.Action
// for plans and results alike.

// enrollResultJSON is one enrollment a run ended with; across companies,
// with the company's error.
type enrollResultJSON struct {
	Company workflows.Company `json:"company"`
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Status  string            `json:"status"`
	Action  string            `json:"action"`
	Note    string            `json:"note,omitempty"`
	Error   string            `json:"error,omitempty"`
}

func resultJSON(r workflows.EnrollResult) enrollResultJSON {
	return enrollResultJSON{Company: r.Company, ID: r.ID, Name: r.Name, Status: r.Status, Action: r.Done(), Note: r.Note}
}

// rolloutResultJSON is a rollout's result: a row per company.
type rolloutResultJSON struct {
	Name      string             `json:"name"`
	Companies []enrollResultJSON `json:"companies"`
}

func rolloutJSON(res workflows.RolloutResult) rolloutResultJSON {
	out := rolloutResultJSON{Name: res.Name, Companies: make([]enrollResultJSON, 0, len(res.Companies))}
	for _, row := range res.Companies {
		r := resultJSON(*row.Enrollment)
		if row.Skipped != "" {
			r.Note = row.Skipped
		}
		r.Error = row.Error
		out.Companies = append(out.Companies, r)
	}
	return out
}

// planJSON is an enrollment plan with its intent in words.
type planJSON struct {
	*workflows.EnrollmentPlan
	Intent string `json:"intent"`
}

func enrollPlanJSON(p *workflows.EnrollmentPlan) planJSON {
	return planJSON{EnrollmentPlan: p, Intent: p.Intent()}
}
