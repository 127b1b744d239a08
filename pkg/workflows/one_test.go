package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// in selects one company by name or ID.
func in(company string) workflows.CompanySelection {
	return workflows.CompanySelection{Companies: []string{company}}
}

// onePull is a survey pull from one company, seen as that company's survey:
// the shape most of these tests check.
type onePull struct {
	*workflows.Pull[workflows.SurveyRecord]
	Company    workflows.Company
	Enrollment *workflows.Source
	Summary    json.RawMessage
}

// openSurvey opens a one-company pull; a company whose survey could not be
// looked up is the open's error.
func openSurvey(ctx context.Context, c *keepnet.Client, req workflows.SurveyRequest) (*onePull, error) {
	p, err := workflows.OpenSurveyResults(ctx, c, req)
	if err != nil {
		return nil, err
	}
	if len(p.Failed) > 0 {
		return nil, p.Failed[0].Err
	}
	s := p.Sources[0]
	return &onePull{Pull: p, Company: s.Company, Enrollment: s, Summary: s.Summary}, nil
}

// Total is the company's user count as the service reported it.
func (p *onePull) Total() int { return p.Sources[0].Total() }

// Users streams the company's users; the company's failure, if any, is the
// sequence's error.
func (p *onePull) Users(ctx context.Context) iter.Seq2[workflows.UserResult, error] {
	return func(yield func(workflows.UserResult, error) bool) {
		for r, err := range p.Records(ctx) {
			if ce := (*workflows.CompanyError)(nil); errors.As(err, &ce) {
				err = ce.Err
			}
			if !yield(r.UserResult, err) || err != nil {
				return
			}
		}
	}
}

// pullSurvey opens and streams a one-company pull.
func pullSurvey(ctx context.Context, c *keepnet.Client, req workflows.SurveyRequest) iter.Seq2[workflows.UserResult, error] {
	return func(yield func(workflows.UserResult, error) bool) {
		p, err := openSurvey(ctx, c, req)
		if err != nil {
			yield(workflows.UserResult{}, err)
			return
		}
		for u, err := range p.Users(ctx) {
			if !yield(u, err) {
				return
			}
		}
	}
}

func isInputError(err error) bool {
	var ie *workflows.InputError
	return errors.As(err, &ie)
}
