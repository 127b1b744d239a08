package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// newCompaniesCmd lists the customer companies the credentials manage.
func newCompaniesCmd(a *app) *cobra.Command {
	var f listingFlags
	cmd := &cobra.Command{
		Use:   "companies",
		Short: "List the customer companies these credentials manage, with their IDs",
		Long: `companies lists every customer company the reseller credentials manage
(all pages of companies/search), sub-companies included. Pass a name or an ID
from here to --company of the other commands.`,
		Example: `  keepnet-flow companies
  keepnet-flow companies --search acme --format json`,
		Args: cobra.NoArgs,
		RunE: listingRun(a, &f, func(ctx context.Context) (listing, error) {
			c, err := a.client(ctx)
			if err != nil {
				return listing{}, err
			}
			companies, err := workflows.ListCompanies(ctx, c, f.search)
			if err != nil {
				return listing{}, err
			}
			t := table.Table{Headers: []string{"ID", "NAME"}, Keys: []string{"id", "name"}}
			for _, co := range companies {
				t.Rows = append(t.Rows, []string{co.ID, co.Name})
			}
			return listing{table: t, value: nonNil(companies), what: "companies",
				unreadable: unreadableRows(companies, func(x workflows.Company) string { return x.ID }, func(x workflows.Company) string { return x.Error })}, nil
		}),
	}
	f.add(a, cmd, false)
	return cmd
}
