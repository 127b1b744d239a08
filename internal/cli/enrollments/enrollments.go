// Package enrollments is the enrollments command.
package enrollments

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/listing"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the enrollments command's.
type Options struct {
	*listing.Options
	Type string // --type, as typed
}

// Types returns the enrollmentType values enrollments/search takes.
func Types() []string {
	return []string{"Survey", "SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}
}

// NewCmdEnrollments lists a company's enrollments.
func NewCmdEnrollments(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Options: listing.NewOptions(f)}
	cmd := &cobra.Command{
		Use:   "enrollments",
		Short: "List a company's enrollments, with their IDs, types and statuses",
		Long: `enrollments lists every enrollment of the company (all pages of
enrollments/search), newest first. Status "Scheduled" means created but not
sent yet; 'enroll' with the same name sends it. The table shows dates in
ISO 8601 (json and csv keep them as the service sent them).`,
		Example: `  keepnet-flow enrollments --company "Acme Manufacturing"
  keepnet-flow enrollments --company "Acme Manufacturing" --type Survey --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return enrollmentsRun(cmd.Context(), opts)
		},
	}
	listing.AddFlags(f, cmd, opts.Options, true)
	cmd.Flags().StringVar(&opts.Type, "type", "", "only this enrollment type: "+strings.Join(Types(), ", "))
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(Types(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func enrollmentsRun(ctx context.Context, opts *Options) error {
	// The flags are checked before the output is created.
	if _, err := opts.Output.Parse(); err != nil {
		return err
	}
	kind, err := canonicalType(opts.Type)
	if err != nil {
		return err
	}
	return listing.Run(ctx, opts.Options, func(ctx context.Context, format table.Format) (listing.Listing, error) {
		scope, err := opts.Scope(ctx, opts.Company)
		if err != nil {
			return listing.Listing{}, err
		}
		list, err := workflows.ListEnrollments(ctx, scope, workflows.EnrollmentQuery{Type: kind, Search: opts.Search})
		if err != nil {
			return listing.Listing{}, err
		}
		order := dateOrder(workflows.ReadCompanyDates(ctx, scope), list)
		newestFirst(list, order)
		date := func(s string) string { return s }
		if format == table.Text {
			date = func(s string) string { return tableDate(s, order) }
		}
		t := table.Table{
			Headers: []string{"ID", "NAME", "TYPE", "STATUS", "TRAINING", "START", "CREATED"},
			Keys:    []string{"id", "name", "type", "status", "trainingName", "startDate", "createTime"},
		}
		for _, e := range list {
			t.Rows = append(t.Rows, []string{e.ID, e.Name, e.Type, e.Status, e.TrainingName, date(e.StartDate), date(e.CreateTime)})
		}
		return listing.Listing{Table: t, Value: listing.NonNil(list), What: "enrollments",
			Unreadable: listing.UnreadableRows(list, func(x workflows.Enrollment) string { return x.ID }, func(x workflows.Enrollment) string { return x.Error })}, nil
	})
}

// canonicalType returns the service's spelling of --type, which it matches
// case-insensitively; empty is every type.
func canonicalType(kind string) (string, error) {
	kind = strings.TrimSpace(kind)
	if kind == "" {
		return "", nil
	}
	for _, t := range Types() {
		if strings.EqualFold(t, kind) {
			return t, nil
		}
	}
	return "", cmdutil.InvalidValue("type", kind, "is not an enrollment type: one of "+strings.Join(Types(), ", "))
}
