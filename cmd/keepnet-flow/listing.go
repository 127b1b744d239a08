package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// listingFlags are the flags every discovery command shares.
type listingFlags struct {
	company string
	search  string
	csvRaw  bool
	out     *outputFlags
	// check, when set, validates the command's own flags, before anything
	// is created or fetched.
	check func() error
}

// add registers --search, --format and --output, and --company when the
// listing is of one company's things.
func (f *listingFlags) add(a *app, cmd *cobra.Command, withCompany bool) {
	if withCompany {
		cmd.Flags().StringVar(&f.company, "company", "", "customer company, by name or ID (see 'keepnet-flow companies')")
		_ = cmd.MarkFlagRequired("company")
		_ = cmd.RegisterFlagCompletionFunc("company", a.complete(a.completeCompanies))
	}
	cmd.Flags().StringVar(&f.search, "search", "", "only names containing this text (case-insensitive)")
	cmd.Flags().BoolVar(&f.csvRaw, "csv-raw", false, "csv: keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
	f.out = addOutputFlags(cmd, string(table.Text), string(table.JSON), string(table.CSV))
}

// scope resolves --company and returns the company-scoped connection.
func (a *app) scope(ctx context.Context, company string) (*keepnet.ScopedClient, error) {
	c, err := a.client(ctx)
	if err != nil {
		return nil, err
	}
	cos, err := workflows.ResolveCompanies(ctx, c, workflows.CompanySelection{Companies: []string{company}})
	if err != nil {
		return nil, err
	}
	return c.ForCompany(cos[0].ID), nil
}

// listing is what a discovery command found: the table people read, the
// typed value JSON renders, and what the rows are, for "none found".
type listing struct {
	table table.Table
	value any
	what  string
	// unreadable says, for each row of which something could not be read
	// (a field of an unexpected JSON type), which row and what.
	unreadable []string
}

// unreadableRows lists the rows of items that carry an error, by ID (or
// position when the ID itself was unreadable).
func unreadableRows[T any](items []T, id func(T) string, rowErr func(T) string) []string {
	var out []string
	for i, it := range items {
		if e := rowErr(it); e != "" {
			who := id(it)
			if who == "" {
				who = fmt.Sprintf("row %d", i+1)
			}
			out = append(out, who+": "+e)
		}
	}
	return out
}

// listingRun wraps a listing's RunE: the flags are checked and the output
// file created before any call, and the file appears only once the listing
// is written whole.
func listingRun(a *app, f *listingFlags, list func(ctx context.Context) (listing, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		name, err := f.out.parse()
		if err != nil {
			return err
		}
		format := table.Format(name)
		if f.check != nil {
			if err := f.check(); err != nil {
				return err
			}
		}
		dest, err := f.out.open(a)
		if err != nil {
			return err
		}
		defer dest.abort()
		l, err := list(cmd.Context())
		if err != nil {
			return err
		}
		if len(l.table.Rows) == 0 {
			a.noneFound(format, l.what, f.search)
		}
		if f.out.toStdout() {
			l.table.MaxWidth = a.terminalWidth()
		}
		l.table.CSVRaw = f.csvRaw
		if err := table.Write(dest, format, l.table, l.value); err != nil {
			return err
		}
		if err := dest.commit(); err != nil {
			return err
		}
		// Rows the service sent in a shape that could not be read in full
		// are listed as far as they could be, and said so: exit 3.
		for _, u := range l.unreadable {
			fmt.Fprintf(a.stderr(), "keepnet-flow: %s\n", termsafe.String(u))
		}
		if n := len(l.unreadable); n > 0 {
			return fmt.Errorf("%d of the %d %s listed could not be read completely (each is named above; json output carries the error): %w", n, len(l.table.Rows), l.what, workflows.ErrIncomplete)
		}
		return nil
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
