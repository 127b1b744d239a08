package enroll

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// writeResult prints what a one-company run ended with.
func writeResult(w io.Writer, format string, res workflows.EnrollResult) error {
	if format == "json" {
		return cmdutil.WriteJSON(w, resultJSON(res))
	}
	status := res.Status
	if status == "" {
		status = "(not known yet)"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Done:\t%s\n", res.Done())
	fmt.Fprintf(tw, "Enrollment:\t%s\n", res.ID)
	fmt.Fprintf(tw, "Name:\t%s\n", termsafe.String(res.Name))
	fmt.Fprintf(tw, "Company:\t%s (%s)\n", termsafe.String(res.Company.Name), res.Company.ID)
	fmt.Fprintf(tw, "Status:\t%s\n", status)
	if res.Note != "" {
		fmt.Fprintf(tw, "Note:\t%s\n", termsafe.String(res.Note))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// writePlan prints a dry run: every name resolved to its ID, what a real
// run would do, and the exact create body when it would create one.
func writePlan(w io.Writer, format string, plan *workflows.EnrollmentPlan) error {
	if !plan.Creates() {
		// A body that will not be sent would read as if it were.
		shown := *plan
		shown.CreateBody = nil
		plan = &shown
	}
	if format == "json" {
		return cmdutil.WriteJSON(w, struct {
			DryRun bool     `json:"dryRun"`
			Plan   planJSON `json:"plan"`
		}{true, enrollPlanJSON(plan)})
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Company:\t%s -> %s\n", termsafe.String(plan.Company.Name), plan.Company.ID)
	fmt.Fprintf(tw, "Training:\t%s -> %s\n", termsafe.String(plan.Training.Name), plan.Training.ID)
	for _, g := range plan.Groups {
		fmt.Fprintf(tw, "Group:\t%s -> %s (%s)\n", termsafe.String(g.Name), g.ID, cmdutil.Count(g.UserCount, "user", "users"))
	}
	fmt.Fprintf(tw, "Name:\t%s\n", termsafe.String(plan.Name))
	switch {
	case plan.TimeZone == nil:
		fmt.Fprintf(tw, "Schedule:\tnow\n")
	case plan.DueDate != "":
		fmt.Fprintf(tw, "Schedule:\t%s (%s), due %s\n", plan.ScheduledDate, plan.TimeZone.ID, plan.DueDate)
	default:
		fmt.Fprintf(tw, "Schedule:\t%s (%s)\n", plan.ScheduledDate, plan.TimeZone.ID)
	}
	for _, e := range plan.Existing {
		fmt.Fprintf(tw, "Existing:\t%s, status %s\n", e.ID, e.Status)
	}
	fmt.Fprintf(tw, "Would:\t%s\n", termsafe.String(plan.Intent()))
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	if plan.CreateBody == nil {
		_, err := fmt.Fprintf(w, "Dry run: nothing was written.\n%s", b.String())
		return err
	}
	var body bytes.Buffer
	if err := json.Indent(&body, plan.CreateBody, "", "  "); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	_, err := fmt.Fprintf(w, "Dry run: nothing was written.\n%sCreate body (POST /api/enrollments):\n%s\n", b.String(), body.String())
	return err
}

// writeRolloutPlan prints a rollout's dry run: what is the same in every
// company, then a row per company.
func writeRolloutPlan(w io.Writer, format string, plan *workflows.RolloutPlan, width int) error {
	if format == "json" {
		return cmdutil.WriteJSON(w, struct {
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
		t.Rows = append(t.Rows, []string{row.Company.Name, row.Company.ID, row.TrainingID, strings.Join(row.GroupIDs, ", "), string(row.Action), note})
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
		return cmdutil.WriteJSON(w, rolloutJSON(res))
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
