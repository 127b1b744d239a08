package surveyreport

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// KeyOf is the key under which a pull's source is reported.
func KeyOf(s *workflows.Source) Key {
	return Key{CompanyID: s.Company.ID, CompanyName: s.Company.Name, EnrollmentID: s.ID, EnrollmentName: s.Name}
}

// AddPull aggregates a survey pull into the builder, every company's
// survey under its own key, in the order named, a survey nobody answered
// yet included. A company that fails is counted with what it gave and once
// more as incomplete, and the others go on; seen, if set, is told of each
// record and each company's failure as they come. The error is the pull's
// own (a cancelled context).
func (b *Builder) AddPull(ctx context.Context, p *workflows.Pull[workflows.SurveyRecord], seen func(workflows.SurveyRecord, *workflows.CompanyError)) (Stats, error) {
	keys := map[string]Key{}
	for _, s := range p.Sources {
		keys[s.Company.ID] = KeyOf(s)
		b.Start(keys[s.Company.ID])
	}
	var st Stats
	for rec, err := range p.Records(ctx) {
		var ce *workflows.CompanyError
		switch {
		case errors.As(err, &ce):
			st.Incomplete++
		case err != nil:
			return st, fmt.Errorf("survey pull: %w", err)
		default:
			st.Users++
			if rec.Error != "" {
				st.Incomplete++
			}
			b.Add(keys[rec.CompanyID], rec.UserResult)
		}
		if seen != nil {
			seen(rec, ce)
		}
	}
	return st, nil
}
