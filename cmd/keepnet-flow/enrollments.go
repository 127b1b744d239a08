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
		// canonical is --type as the service spells it, set by f.check.
		canonical string
	)
	cmd := &cobra.Command{
		Use:   "enrollments",
		Short: "List a company's enrollments, with their IDs, types and statuses",
		Long: `enrollments lists every enrollment of the company (all pages of
enrollments/search), newest first. Status "Scheduled" means created but not
sent yet; 'enroll' with the same name sends it.`,
		Example: `  keepnet-flow enrollments --company "Acme Manufacturing"
  keepnet-flow enrollments --company "Acme Manufacturing" --type Survey --format csv`,
		Args: cobra.NoArgs,
		RunE: listingRun(a, &f, func(ctx context.Context) (listing, error) {
			scope, err := a.scope(ctx, f.company)
			if err != nil {
				return listing{}, err
			}
			list, err := workflows.ListEnrollments(ctx, scope, workflows.EnrollmentQuery{Type: canonical, Search: f.search})
			if err != nil {
				return listing{}, err
			}
			t := table.Table{
				Headers: []string{"ID", "NAME", "TYPE", "STATUS", "TRAINING", "START", "CREATED"},
				Keys:    []string{"id", "name", "type", "status", "trainingName", "startDate", "createTime"},
			}
			for _, e := range list {
				t.Rows = append(t.Rows, []string{e.ID, e.Name, e.Type, e.Status, e.TrainingName, e.StartDate, e.CreateTime})
			}
			return listing{table: t, value: nonNil(list), what: "enrollments",
				unreadable: unreadableRows(list, func(x workflows.Enrollment) string { return x.ID }, func(x workflows.Enrollment) string { return x.Error })}, nil
		}),
	}
	f.add(a, cmd, true)
	f.check = func() (err error) {
		canonical, err = enrollmentType(kind)
		return err
	}
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
