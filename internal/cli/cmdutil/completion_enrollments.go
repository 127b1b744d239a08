package cmdutil

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// surveyType is enrollments/search's type of the surveys --enrollment
// names.
const surveyType = "Survey"

// defaultTrainingType is the training type a pull takes without --type,
// as workflows.TrainingRequest does.
const defaultTrainingType = "SCORM"

// CompleteSurveys lists the survey enrollments --enrollment may name (see
// completeEnrollments).
func CompleteSurveys(ctx context.Context, f *Factory, cmd *cobra.Command) ([][2]string, error) {
	return completeEnrollments(ctx, f, cmd, []string{surveyType})
}

// CompleteTrainingEnrollments lists the training enrollments --enrollment
// may name: of the types given with --type so far, else SCORM (see
// completeEnrollments).
func CompleteTrainingEnrollments(ctx context.Context, f *Factory, cmd *cobra.Command) ([][2]string, error) {
	types, _ := cmd.Flags().GetStringArray("type") // absent: the default
	if len(types) == 0 {
		types = []string{defaultTrainingType}
	}
	return completeEnrollments(ctx, f, cmd, types)
}

// completeEnrollments lists the enrollments of types that --enrollment
// may name: of the companies named with --company so far, else of every
// company the credentials manage, each name once. A name found in one
// company is described by its ID, one found in several by how many.
func completeEnrollments(ctx context.Context, f *Factory, cmd *cobra.Command, types []string) ([][2]string, error) {
	c, err := f.Client(ctx)
	if err != nil {
		return nil, err
	}
	named, _ := cmd.Flags().GetStringArray("company") // absent: every company
	companies, err := workflows.ResolveCompanies(ctx, c, workflows.CompanySelection{Companies: named, All: len(named) == 0})
	if err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex
		ids   = map[string][]string{}
		order []string
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4) // a few companies at once: the shell is waiting, the service is shared
	for _, co := range companies {
		for _, typ := range types {
			g.Go(func() error {
				list, err := workflows.ListEnrollments(gctx, c.ForCompany(co.ID), workflows.EnrollmentQuery{Type: typ})
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				for _, e := range list {
					if _, seen := ids[e.Name]; !seen {
						order = append(order, e.Name)
					}
					if !slices.Contains(ids[e.Name], e.ID) {
						ids[e.Name] = append(ids[e.Name], e.ID)
					}
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.Sort(order) // companies answer in any order; the shell shows a stable list
	out := make([][2]string, 0, len(order))
	for _, name := range order {
		desc := ids[name][0]
		if n := len(ids[name]); n > 1 {
			desc = fmt.Sprintf("in %d companies", n)
		}
		out = append(out, [2]string{name, desc})
	}
	return out, nil
}
