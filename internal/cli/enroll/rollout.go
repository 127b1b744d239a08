package enroll

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// rolloutRun is enroll across several companies: every company planned and
// checked before anything is written, then written a few at a time, with a
// row per company in what is printed.
func rolloutRun(ctx context.Context, opts *Options, format string, req workflows.RolloutRequest) error {
	dest, err := opts.Output.Open(opts.IO.Out)
	if err != nil {
		return err
	}
	defer dest.Abort()
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	plan, err := workflows.PlanRollout(ctx, c, req)
	if err != nil {
		return err
	}
	progress := opts.IO.Progress()
	noticeSkipped(progress, plan)
	for _, row := range plan.Companies {
		if row.Plan != nil {
			// The schedule is the same in every company.
			warnPastSchedule(progress, row.Plan, opts.Now())
			break
		}
	}
	width := 0
	if opts.Output.ToStdout() {
		width = opts.IO.TerminalWidth()
	}
	if opts.DryRun {
		if err := writeRolloutPlan(dest, format, plan, width); err != nil {
			return err
		}
		if err := dest.Commit(); err != nil {
			return err
		}
		return planFailures(plan)
	}
	res, err := plan.Apply(ctx)
	// What was done is written even when some companies failed: it is the
	// record of the enrollments that exist.
	werr := writeRolloutResult(dest, format, res, width)
	if werr == nil {
		werr = dest.Commit()
	}
	summarise(progress, res, err != nil)
	if err == nil {
		err = werr
	}
	return err
}

// noticeSkipped lists, on stderr, the companies --skip-missing skips.
func noticeSkipped(w io.Writer, plan *workflows.RolloutPlan) {
	var skipped []string
	for _, row := range plan.Companies {
		if row.Action == workflows.ActionSkip {
			skipped = append(skipped, fmt.Sprintf("%s (%s): %s", row.Company.Name, row.Company.ID, row.Reason))
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "keepnet-flow: skipping %d of %s, which lack the training or a group: %s\n", len(skipped), cmdutil.Count(len(plan.Companies), "company", "companies"), termsafe.String(strings.Join(skipped, "; ")))
	}
}

// planFailures is the error of a dry run in which some companies could not
// be planned (their listings could not be read): the plan is incomplete.
func planFailures(plan *workflows.RolloutPlan) error {
	var failed []string
	for _, row := range plan.Companies {
		if row.Action == workflows.ActionFail {
			failed = append(failed, fmt.Sprintf("%s (%s): %s", row.Company.Name, row.Company.ID, row.Reason))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("the plan could not be made in %d of %s: %s", len(failed), cmdutil.Count(len(plan.Companies), "company", "companies"), strings.Join(failed, "; "))
}

// summarise counts the companies by what was done, on stderr.
func summarise(w io.Writer, res workflows.RolloutResult, failed bool) {
	counts := map[string]int{}
	var order []string
	for _, row := range res.Companies {
		done := row.Enrollment.Done()
		if counts[done] == 0 {
			order = append(order, done)
		}
		counts[done]++
	}
	parts := make([]string, 0, len(order))
	for _, action := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[action], action))
	}
	hint := ""
	if failed {
		hint = "; run the same command again to finish the failed ones"
	}
	fmt.Fprintf(w, "keepnet-flow: %s: %s%s\n", cmdutil.Count(len(res.Companies), "company", "companies"), strings.Join(parts, ", "), hint)
}
