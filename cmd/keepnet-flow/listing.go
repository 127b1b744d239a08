package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// listingFlags are the flags every discovery command shares.
type listingFlags struct {
	company string
	search  string
	output  string
}

// add registers --search and --output, and --company when the listing is
// of one company's things.
func (f *listingFlags) add(cmd *cobra.Command, withCompany bool) {
	if withCompany {
		cmd.Flags().StringVar(&f.company, "company", "", "customer company, by name or ID (see 'keepnet-flow companies')")
		_ = cmd.MarkFlagRequired("company")
	}
	cmd.Flags().StringVar(&f.search, "search", "", "only names containing this text (case-insensitive)")
	cmd.Flags().StringVarP(&f.output, "output", "o", string(table.Text), "output format: table, json or csv")
}

// format reads --output; a bad value is input the command cannot act on.
func (f *listingFlags) format() (table.Format, error) {
	format, err := table.ParseFormat(f.output)
	if err != nil {
		return "", &workflows.InputError{Field: "output", Value: f.output, Reason: "is not one of table, json, csv"}
	}
	return format, nil
}

// scope resolves --company and returns the company-scoped connection.
func (a *app) scope(ctx context.Context, company string) (*keepnet.Company, error) {
	c, err := a.client(ctx)
	if err != nil {
		return nil, err
	}
	co, err := workflows.ResolveCompany(ctx, c, company)
	if err != nil {
		return nil, err
	}
	return c.ForCompany(co.ID), nil
}

// listingRun wraps a listing's RunE: --output is checked before any call.
func listingRun(f *listingFlags, list func(ctx context.Context, format table.Format) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		format, err := f.format()
		if err != nil {
			return err
		}
		return list(cmd.Context(), format)
	}
}

// nonNil makes an empty listing render as [] in JSON, not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

func joined(s []string) string { return strings.Join(s, ", ") }

// noneFound tells a person, on stderr, that an empty table is not an error.
func (a *app) noneFound(format table.Format, what, search string) {
	if format != table.Text {
		return
	}
	if search != "" {
		fmt.Fprintf(a.progress(), "keepnet-flow: no %s match %q\n", what, search)
		return
	}
	fmt.Fprintf(a.progress(), "keepnet-flow: no %s found\n", what)
}
