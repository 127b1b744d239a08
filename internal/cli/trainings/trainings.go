// Package trainings is the trainings command.
package trainings

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/listing"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// NewCmdTrainings lists the trainings a company can enroll users in.
func NewCmdTrainings(f *cmdutil.Factory, runF func(context.Context, *listing.Options) error) *cobra.Command {
	opts := listing.NewOptions(f)
	cmd := &cobra.Command{
		Use:   "trainings",
		Short: "List the trainings a company can enroll users in, with their IDs",
		Long: `trainings lists every training of the company's library (all pages of
trainings/search). Pass a name or an ID from here to 'enroll --training'.`,
		Example: `  keepnet-flow trainings --company "Acme Manufacturing"
  keepnet-flow trainings --company "Acme Manufacturing" --search phishing --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return trainingsRun(cmd.Context(), opts)
		},
	}
	listing.AddFlags(f, cmd, opts, true)
	return cmd
}

func trainingsRun(ctx context.Context, opts *listing.Options) error {
	return listing.Run(ctx, opts, func(ctx context.Context, _ table.Format) (listing.Listing, error) {
		scope, err := opts.Scope(ctx, opts.Company)
		if err != nil {
			return listing.Listing{}, err
		}
		trainings, err := workflows.ListTrainings(ctx, scope, opts.Search)
		if err != nil {
			return listing.Listing{}, err
		}
		t := table.Table{
			Headers: []string{"ID", "NAME", "TYPE", "CATEGORY", "LEVEL", "DURATION", "LANGUAGES"},
			Keys:    []string{"id", "name", "type", "category", "level", "duration", "languages"},
		}
		for _, tr := range trainings {
			t.Rows = append(t.Rows, []string{tr.ID, tr.Name, tr.Type, tr.Category, tr.Level, tr.Duration, listing.Joined(tr.Languages)})
		}
		return listing.Listing{Table: t, Value: listing.NonNil(trainings), What: "trainings",
			Unreadable: listing.UnreadableRows(trainings, func(x workflows.Training) string { return x.ID }, func(x workflows.Training) string { return x.Error })}, nil
	})
}
