package cmdutil

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// completionTimeout bounds a completion's calls to the service: a shell
// waiting on Tab should give up quickly rather than hang.
const completionTimeout = 3 * time.Second

// Lister lists the values of one flag for completion: value and
// description pairs.
type Lister func(ctx context.Context, f *Factory, cmd *cobra.Command) ([][2]string, error)

// Complete turns a lister into a cobra completion function. Any failure
// (no credentials, no network, no --company yet) completes nothing: the
// shell then simply offers no values.
func Complete(f *Factory, list Lister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
		defer cancel()
		f.IOStreams.SetQuiet(true) // the sandbox's notice is no completion
		values, err := list(ctx, f, cmd)
		if err != nil {
			cobra.CompDebugln("keepnet-flow: completion: "+err.Error(), false) // to BASH_COMP_DEBUG_FILE, if set
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := make([]cobra.Completion, 0, len(values))
		for _, v := range values {
			out = append(out, cobra.CompletionWithDesc(v[0], v[1]))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteCompanies lists the managed companies' names.
func CompleteCompanies(ctx context.Context, f *Factory, _ *cobra.Command) ([][2]string, error) {
	c, err := f.Client(ctx)
	if err != nil {
		return nil, err
	}
	companies, err := workflows.ListCompanies(ctx, c, "")
	if err != nil {
		return nil, err
	}
	out := make([][2]string, 0, len(companies))
	for _, co := range companies {
		out = append(out, [2]string{co.Name, co.ID})
	}
	return out, nil
}

// completionScope resolves the --company already on the command line; of
// a repeated one (enroll's), the first: names are completed from it.
func completionScope(ctx context.Context, f *Factory, cmd *cobra.Command) (*keepnet.ScopedClient, error) {
	if many, err := cmd.Flags().GetStringArray("company"); err == nil {
		first := ""
		if len(many) > 0 {
			first = many[0]
		}
		return Scope(ctx, f, first)
	}
	company, err := cmd.Flags().GetString("company")
	if err != nil {
		return nil, err
	}
	return Scope(ctx, f, company)
}

// CompleteTrainings lists the trainings of --company.
func CompleteTrainings(ctx context.Context, f *Factory, cmd *cobra.Command) ([][2]string, error) {
	scope, err := completionScope(ctx, f, cmd)
	if err != nil {
		return nil, err
	}
	trainings, err := workflows.ListTrainings(ctx, scope, "")
	if err != nil {
		return nil, err
	}
	out := make([][2]string, 0, len(trainings))
	for _, t := range trainings {
		out = append(out, [2]string{t.Name, t.ID})
	}
	return out, nil
}

// CompleteGroups lists the target groups of --company.
func CompleteGroups(ctx context.Context, f *Factory, cmd *cobra.Command) ([][2]string, error) {
	scope, err := completionScope(ctx, f, cmd)
	if err != nil {
		return nil, err
	}
	groups, err := workflows.ListTargetGroups(ctx, scope, "")
	if err != nil {
		return nil, err
	}
	out := make([][2]string, 0, len(groups))
	for _, g := range groups {
		out = append(out, [2]string{g.Name, g.ID})
	}
	return out, nil
}

// CompleteTimeZones lists the time zones the service offers --company.
func CompleteTimeZones(ctx context.Context, f *Factory, cmd *cobra.Command) ([][2]string, error) {
	scope, err := completionScope(ctx, f, cmd)
	if err != nil {
		return nil, err
	}
	zones, err := workflows.ListTimeZones(ctx, scope)
	if err != nil {
		return nil, err
	}
	out := make([][2]string, 0, len(zones))
	for _, z := range zones {
		out = append(out, [2]string{z.ID, z.DisplayName})
	}
	return out, nil
}

// Scope resolves a --company and returns the company-scoped client.
func Scope(ctx context.Context, f *Factory, company string) (*keepnet.ScopedClient, error) {
	c, err := f.Client(ctx)
	if err != nil {
		return nil, err
	}
	cos, err := workflows.ResolveCompanies(ctx, c, workflows.CompanySelection{Companies: []string{company}})
	if err != nil {
		return nil, err
	}
	return c.ForCompany(cos[0].ID), nil
}
