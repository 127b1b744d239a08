package report

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Stats says what an input gave.
type Stats struct {
	Records int
	// Incomplete counts records that carry an error: the user's data
	// could not all be fetched.
	Incomplete int
}

func (s *Stats) add(o Stats) {
	s.Records += o.Records
	s.Incomplete += o.Incomplete
}

// AddTrainingPull collects a training pull: every company it looked at,
// those with nothing in it included, and every record. A company or
// enrollment that fails is a problem of its company's, and the others go
// on; step, if set, is called for each record. The error is the pull's
// own (a cancelled context).
func (c *Collector) AddTrainingPull(ctx context.Context, p *workflows.Pull[workflows.TrainingRecord], step func()) (Stats, error) {
	return addPull(ctx, c, p, step, func(r workflows.TrainingRecord) (workflows.Company, string) {
		c.AddTraining(r, "the service")
		return workflows.Company{ID: r.CompanyID, Name: r.CompanyName}, r.Error
	})
}

// AddPhishingPull collects a simulation pull, as AddTrainingPull does.
func (c *Collector) AddPhishingPull(ctx context.Context, p *workflows.Pull[workflows.PhishingRecord], step func()) (Stats, error) {
	return addPull(ctx, c, p, step, func(r workflows.PhishingRecord) (workflows.Company, string) {
		c.AddPhishing(r, "the service")
		return workflows.Company{ID: r.CompanyID, Name: r.CompanyName}, r.Error
	})
}

// AddSurveyPull collects a survey pull, as AddTrainingPull does.
func (c *Collector) AddSurveyPull(ctx context.Context, p *workflows.Pull[workflows.SurveyRecord], step func()) (Stats, error) {
	return addPull(ctx, c, p, step, func(r workflows.SurveyRecord) (workflows.Company, string) {
		c.AddSurvey(r, "the service")
		return workflows.Company{ID: r.CompanyID, Name: r.CompanyName}, r.Error
	})
}

func addPull[R any](ctx context.Context, c *Collector, p *workflows.Pull[R], step func(), add func(R) (workflows.Company, string)) (Stats, error) {
	for _, s := range p.Sources {
		c.Company(s.Company, s.Dates.Order)
	}
	for _, o := range p.Skipped {
		c.Company(o.Company, 0)
	}
	var st Stats
	incomplete := map[workflows.Company]int{}
	var order []workflows.Company
	for rec, err := range p.Records(ctx) {
		var ce *workflows.CompanyError
		switch {
		case errors.As(err, &ce):
			c.Problem(ce.Company, ce.Err.Error())
			continue
		case err != nil:
			return st, err
		}
		st.Records++
		co, recErr := add(rec)
		if recErr != "" {
			st.Incomplete++
			if incomplete[co] == 0 {
				order = append(order, co)
			}
			incomplete[co]++
		}
		if step != nil {
			step()
		}
	}
	for _, co := range order {
		c.Problem(co, fmt.Sprintf("%d users' data could not be fetched completely", incomplete[co]))
	}
	return st, nil
}
