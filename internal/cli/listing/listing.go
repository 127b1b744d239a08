// Package listing is what the discovery commands (companies, trainings,
// groups, enrollments) share: their flags, and how a listing is written
// whole or not at all.
package listing

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the flags and streams every discovery command shares.
type Options struct {
	IO     *iostreams.IOStreams
	Client func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	// Scope resolves Company to the company-scoped client.
	Scope func(ctx context.Context, company string) (*keepnet.ScopedClient, error)

	Company string // empty for the companies listing
	Search  string
	CSVRaw  bool
	Output  *cmdutil.OutputFlags
}

// NewOptions are the options of a discovery command of f's run.
func NewOptions(f *cmdutil.Factory) *Options {
	return &Options{
		IO:     f.IOStreams,
		Client: f.Client,
		Scope: func(ctx context.Context, company string) (*keepnet.ScopedClient, error) {
			return cmdutil.Scope(ctx, f, company)
		},
	}
}

// AddFlags registers --search, --csv-raw, --format and --output, and
// --company when the listing is of one company's things.
func AddFlags(f *cmdutil.Factory, cmd *cobra.Command, opts *Options, withCompany bool) {
	if withCompany {
		cmd.Flags().StringVar(&opts.Company, "company", "", "customer company, by name or ID (see 'keepnet-flow companies')")
		_ = cmd.MarkFlagRequired("company")
		_ = cmd.RegisterFlagCompletionFunc("company", cmdutil.Complete(f, cmdutil.CompleteCompanies))
	}
	cmd.Flags().StringVar(&opts.Search, "search", "", "only names containing this text (case-insensitive)")
	cmd.Flags().BoolVar(&opts.CSVRaw, "csv-raw", false, "csv: keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
	opts.Output = cmdutil.AddOutputFlags(cmd, string(table.Text), string(table.JSON), string(table.CSV))
}

// Listing is what a discovery command found: the table people read, the
// typed value JSON renders, and what the rows are, for "none found".
type Listing struct {
	Table table.Table
	Value any
	What  string
	// Unreadable says, for each row of which something could not be read
	// (a field of an unexpected JSON type), which row and what.
	Unreadable []string
}

// UnreadableRows lists the rows of items that carry an error, by ID (or
// position when the ID itself was unreadable).
func UnreadableRows[T any](items []T, id func(T) string, rowErr func(T) string) []string {
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

// Run checks the flags and creates the output file before any call, lists,
// and writes the listing; the file appears only once the listing is
// written whole. A listing the service would not give whole is an error,
// and nothing is written: a partial table would read as the whole.
// format is the --format the flags chose.
func Run(ctx context.Context, opts *Options, list func(ctx context.Context, format table.Format) (Listing, error)) error {
	name, err := opts.Output.Parse()
	if err != nil {
		return err
	}
	format := table.Format(name)
	dest, err := opts.Output.Open(opts.IO.Out)
	if err != nil {
		return err
	}
	defer dest.Abort()
	l, err := list(ctx, format)
	if err != nil {
		return err
	}
	if len(l.Table.Rows) == 0 {
		noneFound(opts, format, l.What)
	}
	if opts.Output.ToStdout() {
		l.Table.MaxWidth = opts.IO.TerminalWidth()
	}
	l.Table.CSVRaw = opts.CSVRaw
	if err := table.Write(dest, format, l.Table, l.Value); err != nil {
		return err
	}
	if err := dest.Commit(); err != nil {
		return err
	}
	// Rows the service sent in a shape that could not be read in full
	// are listed as far as they could be, and said so: exit 3.
	for _, u := range l.Unreadable {
		fmt.Fprintf(opts.IO.ErrOut, "keepnet-flow: %s\n", termsafe.String(u))
	}
	if n := len(l.Unreadable); n > 0 {
		return fmt.Errorf("%d of the %d %s listed could not be read completely (each is named above; json output carries the error): %w", n, len(l.Table.Rows), l.What, workflows.ErrIncomplete)
	}
	return nil
}

// noneFound tells a person, on stderr, that an empty table is not an error.
func noneFound(opts *Options, format table.Format, what string) {
	if format != table.Text {
		return
	}
	if opts.Search != "" {
		fmt.Fprintf(opts.IO.Progress(), "keepnet-flow: no %s match %q\n", what, opts.Search)
		return
	}
	fmt.Fprintf(opts.IO.Progress(), "keepnet-flow: no %s found\n", what)
}

// NonNil makes an empty listing render as [] in JSON, not null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Itoa is a count as a table cell.
func Itoa(n int) string { return strconv.Itoa(n) }

// Joined is a list as a table cell.
func Joined(s []string) string { return strings.Join(s, ", ") }
