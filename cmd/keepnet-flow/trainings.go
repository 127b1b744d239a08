package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// newTrainingsCmd lists the trainings a company can enroll users in.
func newTrainingsCmd(a *app) *cobra.Command {
	var f listingFlags
	cmd := &cobra.Command{
		Use:   "trainings",
		Short: "List the trainings a company can enroll users in, with their IDs",
		Long: `trainings lists every training of the company's library (all pages of
trainings/search). Pass a name or an ID from here to 'enroll --training'.`,
		Example: `  keepnet-flow trainings --company "Acme Manufacturing"
  keepnet-flow trainings --company "Acme Manufacturing" --search phishing --format csv`,
		Args: cobra.NoArgs,
		RunE: listingRun(a, &f, func(ctx context.Context) (listing, error) {
			scope, err := a.scope(ctx, f.company)
			if err != nil {
				return listing{}, err
			}
			trainings, err := workflows.ListTrainings(ctx, scope, f.search)
			if err != nil {
				return listing{}, err
			}
			t := table.Table{
				Headers: []string{"ID", "NAME", "TYPE", "CATEGORY", "LEVEL", "DURATION", "LANGUAGES"},
				Keys:    []string{"id", "name", "type", "category", "level", "duration", "languages"},
			}
			for _, tr := range trainings {
				t.Rows = append(t.Rows, []string{tr.ID, tr.Name, tr.Type, tr.Category, tr.Level, tr.Duration, joined(tr.Languages)})
			}
			return listing{table: t, value: nonNil(trainings), what: "trainings",
				unreadable: unreadableRows(trainings, func(x workflows.Training) string { return x.ID }, func(x workflows.Training) string { return x.Error })}, nil
		}),
	}
	f.add(a, cmd, true)
	return cmd
}
