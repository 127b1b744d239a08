package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// enrollmentTypes returns the enrollmentType values enrollments/search
// takes.
func enrollmentTypes() []string {
	return []string{"Survey", "SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}
}

// newEnrollmentsCmd lists a company's enrollments.
func newEnrollmentsCmd(a *app) *cobra.Command {
	var (
		f    listingFlags
		kind string
	)
	cmd := &cobra.Command{
		Use:   "enrollments",
		Short: "List a company's enrollments, with their IDs, types and statuses",
		Long: `enrollments lists every enrollment of the company (all pages of
enrollments/search), newest first. Status "Scheduled" means created but not
sent yet; 'enroll' with the same name sends it.`,
		Example: `  keepnet-flow enrollments --company "Acme Manufacturing"
  keepnet-flow enrollments --company "Acme Manufacturing" --type Survey --output csv`,
		Args: cobra.NoArgs,
		RunE: listingRun(&f, func(ctx context.Context, format table.Format) error {
			canonical, err := enrollmentType(kind)
			if err != nil {
				return err
			}
			scope, err := a.scope(ctx, f.company)
			if err != nil {
				return err
			}
			list, err := workflows.ListEnrollments(ctx, scope, workflows.EnrollmentQuery{Type: canonical, Search: f.search})
			if err != nil {
				return err
			}
			t := table.Table{Headers: []string{"ID", "NAME", "TYPE", "STATUS", "TRAINING", "START", "CREATED"}}
			for _, e := range list {
				t.Rows = append(t.Rows, []string{e.ID, e.Name, e.Type, e.Status, e.TrainingName, e.StartDate, e.CreateTime})
			}
			if len(list) == 0 {
				a.noneFound(format, "enrollments", f.search)
			}
			return table.Write(a.stdout(), format, t, nonNil(list))
		}),
	}
	f.add(cmd, true)
	cmd.Flags().StringVar(&kind, "type", "", "only this enrollment type: "+strings.Join(enrollmentTypes(), ", "))
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(enrollmentTypes(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// enrollmentType returns the service's spelling of --type, which it matches
// case-insensitively; empty is every type.
func enrollmentType(kind string) (string, error) {
	kind = strings.TrimSpace(kind)
	if kind == "" {
		return "", nil
	}
	for _, t := range enrollmentTypes() {
		if strings.EqualFold(t, kind) {
			return t, nil
		}
	}
	return "", &workflows.InputError{Field: "type", Value: kind, Reason: "is not an enrollment type: one of " + strings.Join(enrollmentTypes(), ", ")}
}
