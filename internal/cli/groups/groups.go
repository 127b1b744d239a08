// Package groups is the groups command.
package groups

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/listing"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// NewCmdGroups lists a company's target groups.
func NewCmdGroups(f *cmdutil.Factory, runF func(context.Context, *listing.Options) error) *cobra.Command {
	opts := listing.NewOptions(f)
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List a company's target groups, with their IDs and user counts",
		Long: `groups lists every target group of the company (all pages of
target-groups/search/current-company). Pass a name or an ID from here to
'enroll --group'.`,
		Example: `  keepnet-flow groups --company "Acme Manufacturing"
  keepnet-flow groups --company k3AcmeMfg001 --search finance --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return groupsRun(cmd.Context(), opts)
		},
	}
	listing.AddFlags(f, cmd, opts, true)
	return cmd
}

func groupsRun(ctx context.Context, opts *listing.Options) error {
	return listing.Run(ctx, opts, func(ctx context.Context, _ table.Format) (listing.Listing, error) {
		scope, err := opts.Scope(ctx, opts.Company)
		if err != nil {
			return listing.Listing{}, err
		}
		groups, err := workflows.ListTargetGroups(ctx, scope, opts.Search)
		if err != nil {
			return listing.Listing{}, err
		}
		t := table.Table{
			Headers: []string{"ID", "NAME", "USERS", "PRIORITY"},
			Keys:    []string{"id", "name", "userCount", "priority"},
		}
		for _, g := range groups {
			t.Rows = append(t.Rows, []string{g.ID, g.Name, listing.Itoa(g.UserCount), g.Priority})
		}
		return listing.Listing{Table: t, Value: listing.NonNil(groups), What: "target groups",
			Unreadable: listing.UnreadableRows(groups, func(x workflows.TargetGroup) string { return x.ID }, func(x workflows.TargetGroup) string { return x.Error })}, nil
	})
}
