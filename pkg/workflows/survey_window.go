package workflows

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// openSurveysStarted opens every survey enrollment started in w, in every
// company selected: a month's surveys for a report, whatever their names.
func openSurveysStarted(ctx context.Context, c *keepnet.Client, req SurveyRequest, w window) (*Pull[SurveyRecord], error) {
	if req.Enrollment != "" {
		return nil, &InputError{Field: "enrollment", Value: req.Enrollment, Reason: "cannot be combined with a window (since, until): name the survey, or give a window"}
	}
	if err := w.check(); err != nil {
		return nil, err
	}
	lookups := lookupLimit(req.Concurrency)
	return openPull(ctx, c, pullSpec[SurveyRecord]{
		companies:   req.Companies,
		concurrency: req.Concurrency,
		spoolDir:    req.SpoolDir,
		what:        "survey enrollments started in the window",
		open: func(ctx context.Context, co Company) (companySources[SurveyRecord], error) {
			return surveysStarted(ctx, c.ForCompany(co.ID), co, req, w, lookups)
		},
		skip:   noSuch,
		failed: func(r SurveyRecord) bool { return r.Error != "" },
	})
}

// surveysStarted looks up a company's survey enrollments and its date
// format side by side, picks those started in w, and reads their details
// and summaries side by side. One whose start cannot be placed, or whose
// details cannot be read, fails in its place; the others are pulled.
func surveysStarted(ctx context.Context, scope *keepnet.ScopedClient, co Company, req SurveyRequest, w window, lookups *semaphore.Weighted) (companySources[SurveyRecord], error) {
	var (
		found companySources[SurveyRecord]
		all   []Enrollment
		dates CompanyDates
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		dates = ReadCompanyDates(gctx, scope)
		return nil // never fails the pull: see ReadCompanyDates
	})
	g.Go(func() (err error) {
		if all, err = ListEnrollments(gctx, scope, EnrollmentQuery{Type: surveyEnrollmentType}); err != nil {
			return fmt.Errorf("find survey enrollments: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return found, err
	}
	picked, failed, none := startedIn(w, all, dates, "survey")
	sources := make([]opened[SurveyRecord], len(picked))
	g, gctx = errgroup.WithContext(ctx)
	for i, e := range picked {
		src := &Source{Company: co, ID: e.ID, Name: e.Name, Type: e.Type, Status: e.Status,
			StartDate: keepnetdate.FromString(e.StartDate), Dates: dates, unbounded: req.Unbounded}
		src.total.Store(-1)
		if err := failed[e.ID]; err != nil {
			sources[i] = failedSource[SurveyRecord](src, err)
			continue
		}
		g.Go(func() error {
			if err := limited(gctx, lookups, func() error { return readEnrollmentHeader(gctx, scope, src) }); err != nil {
				if gctx.Err() != nil {
					return err
				}
				// The other surveys go on; this one fails in its place.
				sources[i] = failedSource[SurveyRecord](src, err)
				return nil
			}
			s := &surveySource{scope: scope, src: src, reuse: req.Reuse}
			sources[i] = opened[SurveyRecord]{source: src, run: s.run()}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return found, err
	}
	found.sources, found.none = sources, none
	return found, nil
}
