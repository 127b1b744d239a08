package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// runRollout is enroll across several companies: every company planned and
// checked before anything is written, then written a few at a time, with a
// row per company in what is printed.
func runRollout(ctx context.Context, a *app, out *outputFlags, format string, req workflows.RolloutRequest, dryRun bool) error {
	dest, err := out.open(a)
	if err != nil {
		return err
	}
	defer dest.abort()
	c, err := a.client(ctx)
	if err != nil {
		return err
	}
	plan, err := workflows.PlanRollout(ctx, c, req)
	if err != nil {
		return err
	}
	noticeSkipped(a.progress(), plan)
	for _, row := range plan.Companies {
		if row.Plan != nil {
			// The schedule is the same in every company.
			warnPastSchedule(a.progress(), row.Plan, time.Now())
			break
		}
	}
	width := 0
	if out.toStdout() {
		width = a.terminalWidth()
	}
	if dryRun {
		if err := writeRolloutPlan(dest, format, plan, width); err != nil {
			return err
		}
		if err := dest.commit(); err != nil {
			return err
		}
		return planFailures(plan)
	}
	res, err := plan.Apply(ctx)
	// What was done is written even when some companies failed: it is the
	// record of the enrollments that exist.
	werr := writeRolloutResult(dest, format, res, width)
	if werr == nil {
		werr = dest.commit()
	}
	summarise(a.progress(), res, err != nil)
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
		fmt.Fprintf(w, "keepnet-flow: skipping %d of %d companies, which lack the training or a group: %s\n", len(skipped), len(plan.Companies), termsafe.String(strings.Join(skipped, "; ")))
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
	return fmt.Errorf("the plan could not be made in %d of %d companies: %s", len(failed), len(plan.Companies), strings.Join(failed, "; "))
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
	fmt.Fprintf(w, "keepnet-flow: %d companies: %s%s\n", len(res.Companies), strings.Join(parts, ", "), hint)
}

// writeRolloutPlan prints a rollout's dry run: what is the same in every
// company, then a row per company.
func writeRolloutPlan(w io.Writer, format string, plan *workflows.RolloutPlan, width int) error {
	if format == "json" {
		return writeJSON(w, struct {
			DryRun bool                   `json:"dryRun"`
			Plan   *workflows.RolloutPlan `json:"plan"`
		}{true, plan})
	}
	t := table.Table{
		Headers:  []string{"COMPANY", "COMPANY ID", "TRAINING ID", "GROUP IDS", "ACTION", "NOTE"},
		MaxWidth: width,
	}
	schedule := ""
	for _, row := range plan.Companies {
		note := row.Reason
		if row.Plan != nil {
			if schedule == "" {
				schedule = scheduleText(row.Plan)
			}
			if len(row.Plan.Existing) > 0 {
				e := row.Plan.Existing[0]
				note = fmt.Sprintf("enrollment %s, status %s", e.ID, e.Status)
			}
		}
		t.Rows = append(t.Rows, []string{row.Company.Name, row.Company.ID, row.TrainingID, joined(row.GroupIDs), string(row.Action), note})
	}
	if _, err := fmt.Fprintf(w, "Dry run: nothing was written.\nName: %s\n", termsafe.String(plan.Name)); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if schedule != "" {
		if _, err := fmt.Fprintf(w, "Schedule: %s\n", schedule); err != nil {
			return fmt.Errorf("write plan: %w", err)
		}
	}
	return table.Write(w, table.Text, t, nil)
}

// scheduleText is a plan's schedule in words.
func scheduleText(p *workflows.EnrollmentPlan) string {
	switch {
	case p.TimeZone == nil && !p.Send:
		return "not sent (created and left Scheduled)"
	case p.TimeZone == nil:
		return "now"
	case p.DueDate != "":
		return fmt.Sprintf("%s (%s), due %s", p.ScheduledDate, p.TimeZone.ID, p.DueDate)
	}
	return fmt.Sprintf("%s (%s)", p.ScheduledDate, p.TimeZone.ID)
}

// writeRolloutResult prints a row per company: the enrollment it ended
// with and what was done, or why nothing was.
func writeRolloutResult(w io.Writer, format string, res workflows.RolloutResult, width int) error {
	if format == "json" {
		return writeJSON(w, rolloutJSON(res))
	}
	t := table.Table{
		Headers:  []string{"COMPANY", "COMPANY ID", "ENROLLMENT", "STATUS", "ACTION", "NOTE"},
		MaxWidth: width,
	}
	for _, row := range res.Companies {
		e := row.Enrollment
		note := e.Note
		switch {
		case row.Error != "":
			note = row.Error
		case row.Skipped != "":
			note = row.Skipped
		}
		t.Rows = append(t.Rows, []string{row.Company.Name, row.Company.ID, e.ID, e.Status, e.Done(), note})
	}
	return table.Write(w, table.Text, t, nil)
}
