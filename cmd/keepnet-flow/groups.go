package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// newGroupsCmd lists a company's target groups.
func newGroupsCmd(a *app) *cobra.Command {
	var f listingFlags
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List a company's target groups, with their IDs and user counts",
		Long: `groups lists every target group of the company (all pages of
target-groups/search/current-company). Pass a name or an ID from here to
'enroll --group'.`,
		Example: `  keepnet-flow groups --company "Acme Manufacturing"
  keepnet-flow groups --company k3AcmeMfg001 --search finance --format json`,
		Args: cobra.NoArgs,
		RunE: listingRun(a, &f, func(ctx context.Context) (listing, error) {
			scope, err := a.scope(ctx, f.company)
			if err != nil {
				return listing{}, err
			}
			groups, err := workflows.ListTargetGroups(ctx, scope, f.search)
			if err != nil {
				return listing{}, err
			}
			t := table.Table{
				Headers: []string{"ID", "NAME", "USERS", "PRIORITY"},
				Keys:    []string{"id", "name", "userCount", "priority"},
			}
			for _, g := range groups {
				t.Rows = append(t.Rows, []string{g.ID, g.Name, itoa(g.UserCount), g.Priority})
			}
			return listing{table: t, value: nonNil(groups), what: "target groups",
				unreadable: unreadableRows(groups, func(x workflows.TargetGroup) string { return x.ID }, func(x workflows.TargetGroup) string { return x.Error })}, nil
		}),
	}
	f.add(a, cmd, true)
	return cmd
}
