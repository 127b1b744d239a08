package workflows

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// open looks up a company's training enrollments: its enrollments of the
// types asked for and its date format side by side, then the selected
// ones' details and summaries side by side.
func (f *trainingFlow) open(ctx context.Context, scope *keepnet.ScopedClient, co Company) (companySources[TrainingRecord], error) {
	var found companySources[TrainingRecord]
	listed := make([][]Enrollment, len(f.types))
	var dates CompanyDates
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		dates = ReadCompanyDates(gctx, scope)
		return nil // never fails the pull: see readCompanyDates
	})
	for i, typ := range f.types {
		g.Go(func() (err error) {
			listed[i], err = ListEnrollments(gctx, scope, EnrollmentQuery{Type: typ})
			if err != nil {
				return fmt.Errorf("find %s enrollments: %w", f.kind, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return found, err
	}
	var all []Enrollment
	for _, l := range listed {
		for _, e := range l {
			if e.ID == "" || !listsEnrollment(all, e.ID) {
				all = append(all, e)
			}
		}
	}

	picked, failed, none, err := f.pick(ctx, scope, all, dates)
	if err != nil {
		return found, err
	}
	sources := make([]opened[TrainingRecord], len(picked))
	g, gctx = errgroup.WithContext(ctx)
	for i, e := range picked {
		src := &Source{Company: co, ID: e.ID, Name: e.Name, Type: e.Type, Status: e.Status,
			StartDate: keepnetdate.FromString(e.StartDate), Dates: dates}
		src.total.Store(-1)
		if err := failed[e.ID]; err != nil {
			sources[i] = failedSource[TrainingRecord](src, err)
			continue
		}
		g.Go(func() error {
			if err := limited(gctx, f.lookups, func() error { return readEnrollmentHeader(gctx, scope, src) }); err != nil {
				if gctx.Err() != nil {
					return err
				}
				// The other enrollments go on; this one fails in its place.
				sources[i] = failedSource[TrainingRecord](src, err)
				return nil
			}
			ts := &trainingSource{scope: scope, src: src, reuse: f.req.Reuse}
			sources[i] = opened[TrainingRecord]{source: src, run: ts.run()}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return found, err
	}
	found.sources, found.none = sources, none
	return found, nil
}

// pick selects the enrollments the request names, or those started in its
// window, from all (the company's trainings of the types asked for), in
// all's order. failed holds, by ID, those that fail in their place: a
// start date that cannot be placed in the window. none says why nothing
// was picked.
func (f *trainingFlow) pick(ctx context.Context, scope *keepnet.ScopedClient, all []Enrollment, dates CompanyDates) (picked []Enrollment, failed map[string]error, none string, err error) {
	failed = map[string]error{}
	if len(f.req.Enrollments) > 0 {
		named, misses, err := resolveNames(f.req.Enrollments, f.req.Companies.All, &f.matched, func(q string) (Enrollment, error) {
			return matchEnrollment(ctx, scope, all, f.kind, q)
		})
		if err != nil {
			return nil, nil, "", err
		}
		for _, e := range all {
			if listsEnrollment(named, e.ID) {
				picked = append(picked, e)
			}
		}
		return picked, failed, misses, nil
	}

	picked, failed, none = startedIn(f.window, all, dates, f.kind)
	return picked, failed, none, nil
}

// startedIn picks, from all (a company's enrollments of one kind, named in
// errors), those whose start date falls in w, in all's order. failed holds,
// by ID, those that fail in their place: a row that cannot be read, a
// start date that cannot be placed in the window. none says why nothing
// was picked.
func startedIn(w window, all []Enrollment, dates CompanyDates, kind string) (picked []Enrollment, failed map[string]error, none string) {
	failed = map[string]error{}
	seen := make([]keepnetdate.Time, 0, 2*len(all))
	for _, e := range all {
		seen = append(seen, keepnetdate.FromString(e.StartDate), keepnetdate.FromString(e.CreateTime))
	}
	order := dateOrder(dates, seen)
	for n, e := range all {
		if e.ID == "" {
			// A row that cannot be followed would be an enrollment
			// silently missing from the window: say so in its place.
			e.ID = fmt.Sprintf("(row %d)", n+1)
			failed[e.ID] = fmt.Errorf("enrollments/search gave a row that cannot be read: %s", e.Error)
			picked = append(picked, e)
			continue
		}
		in, err := w.place(keepnetdate.FromString(e.StartDate), order)
		switch {
		case err != nil:
			failed[e.ID] = fmt.Errorf("enrollment %q (%s): %w", e.Name, e.ID, err)
		case !in:
			continue
		}
		picked = append(picked, e)
	}
	if len(picked) == 0 {
		none = fmt.Sprintf("no %s enrollment started in the window", kind)
	}
	return picked, failed, none
}
