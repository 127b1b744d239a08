// Package companies is the companies command.
package companies

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/listing"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// NewCmdCompanies lists the customer companies the credentials manage.
func NewCmdCompanies(f *cmdutil.Factory, runF func(context.Context, *listing.Options) error) *cobra.Command {
	opts := listing.NewOptions(f)
	cmd := &cobra.Command{
		Use:   "companies",
		Short: "List the customer companies these credentials manage, with their IDs",
		Long: `companies lists every customer company the reseller credentials manage
(all pages of companies/search), sub-companies included. Pass a name or an ID
from here to --company of the other commands.`,
		Example: `  keepnet-flow companies
  keepnet-flow companies --search acme --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return companiesRun(cmd.Context(), opts)
		},
	}
	listing.AddFlags(f, cmd, opts, false)
	return cmd
}

func companiesRun(ctx context.Context, opts *listing.Options) error {
	return listing.Run(ctx, opts, func(ctx context.Context, _ table.Format) (listing.Listing, error) {
		c, err := opts.Client(ctx)
		if err != nil {
			return listing.Listing{}, err
		}
		companies, err := workflows.ListCompanies(ctx, c, opts.Search)
		if err != nil {
			return listing.Listing{}, err
		}
		t := table.Table{Headers: []string{"ID", "NAME"}, Keys: []string{"id", "name"}}
		for _, co := range companies {
			t.Rows = append(t.Rows, []string{co.ID, co.Name})
		}
		return listing.Listing{Table: t, Value: listing.NonNil(companies), What: "companies",
			Unreadable: listing.UnreadableRows(companies, func(x workflows.Company) string { return x.ID }, func(x workflows.Company) string { return x.Error })}, nil
	})
}
