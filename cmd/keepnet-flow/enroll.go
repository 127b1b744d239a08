package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// newEnrollCmd creates a training enrollment and sends it, once.
func newEnrollCmd(a *app) *cobra.Command {
	var (
		req         workflows.EnrollRequest
		dryRun      bool
		skipMissing bool
		out         *outputFlags
		companies   *companyFlags
	)
	cmd := &cobra.Command{
		Use:   "enroll",
		Short: "Create a training enrollment for target groups and send it, exactly once",
		Long: `enroll creates a training enrollment in a customer company for one or more
target groups, and sends it. Company, training and groups are given by name or
ID (see the companies, trainings and groups commands): an exact name wins over
partial matches, a single partial match is accepted, then the same ignoring
accents, case, apostrophe style and runs of spaces or punctuation; anything
else is refused with the candidates or the closest names listed.

The enrollment's name identifies it in the company, so running the same
command again is safe: an enrollment with that name that was sent is reported
and left alone; one that was created but not sent (status Scheduled) is sent.
After a failure whose outcome is unknown (a timeout, a 5xx), enroll looks at
what is really there instead of creating again, and remembers the attempt: a
rerun that does not see the enrollment yet keeps looking for --settle-window
after that attempt before it creates one, and says so. Runs of the same
company and name on one machine wait for each other (a lock in the state
directory, $KEEPNET_FLOW_STATE_DIR or $XDG_STATE_HOME/keepnet-flow, by default
~/.local/state/keepnet-flow). Runs that race from two machines each list the
name after creating: all keep the earliest, and the others archive their own
before sending it and exit 0 with "already created by another run".
--allow-duplicate creates a new enrollment even if the name is taken.

Everything is checked before anything is written. --dry-run checks, resolves
and prints the plan and the exact create body, and writes nothing.

One rollout for many companies: repeat --company, or give --all-companies
(every company the credentials manage) or --companies-file FILE (one name or
ID a line; blank lines and lines starting with # are ignored). The training
and the name are the same in every company; the groups are resolved by name
in each. Every company is checked before anything is written anywhere: one
that lacks the training or a group is refused, all of them listed (exit 2),
unless --skip-missing, which lists and skips them. --dry-run then prints a
row per company: the training and group IDs and what a run would do
(create, resume, already sent, leave scheduled, skip). Companies are written
a few at a time, each exactly once as above, and one company's failure does
not stop the others: the result has a row per company, and the run exits 1
if any failed. Running the same command again finishes those and changes
nothing in the others.

Without --schedule the enrollment is sent now. --schedule and --due are
RFC 3339 date-times; --timezone is a Windows time-zone ID as the service
lists them ("GMT Standard Time", "Turkey Standard Time", ...). The service
takes a due date only within a schedule, so --due needs --schedule (for
"send now, due then", pass the current time); a --schedule in the past is
warned about. A dry run shows the create body only when a run would create.`,
		Example: `  keepnet-flow enroll --company "Acme Manufacturing" --training "Phishing Fundamentals" \
      --group Finance --group "All Staff" --name "Q2 Phishing Refresher" --dry-run
  keepnet-flow enroll --company k3AcmeMfg001 --training t5PhishFun01 --group g9AcmeFin001 \
      --name "Q2 Phishing Refresher" --schedule 2026-04-01T09:00:00Z --timezone "GMT Standard Time" \
      --due 2026-04-30T17:00:00Z --certificate --format json
  keepnet-flow enroll --all-companies --skip-missing --training "Phishing Fundamentals" \
      --group Finance --group "All Staff" --name "Q3 Phishing Refresher" --dry-run
  keepnet-flow enroll --companies-file customers.txt --training "Phishing Fundamentals" \
      --group "All Staff" --name "Q3 Phishing Refresher" --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := out.parse()
			if err != nil {
				return err
			}
			if req.SettleWindow <= 0 {
				return &workflows.InputError{Field: "settle-window", Value: req.SettleWindow.String(), Reason: "must be positive"}
			}
			req.Progress = func(msg string) { fmt.Fprintf(a.progress(), "keepnet-flow: %s\n", msg) }
			company, single := companies.single()
			if !single || skipMissing {
				sel, err := companies.selection()
				if err != nil {
					return err
				}
				return runRollout(cmd.Context(), a, out, format, workflows.RolloutRequest{
					Companies: sel, Enrollment: req, SkipMissing: skipMissing,
				}, dryRun)
			}
			req.Company = company
			dest, err := out.open(a)
			if err != nil {
				return err
			}
			defer dest.abort()
			ctx := cmd.Context()
			c, err := a.client(ctx)
			if err != nil {
				return err
			}
			plan, err := workflows.PlanEnrollment(ctx, c, req)
			if err != nil {
				return err
			}
			warnPastSchedule(a.progress(), plan, time.Now())
			if dryRun {
				if err := writePlan(dest, format, plan); err != nil {
					return err
				}
				return dest.commit()
			}
			res, err := plan.Apply(ctx)
			if res.ID != "" {
				// What was done is written even when the run then failed:
				// it is the record of an enrollment that exists.
				werr := writeEnrollResult(dest, format, res)
				if werr == nil {
					werr = dest.commit()
				}
				if err == nil {
					err = werr
				}
			}
			return err
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&req.Training, "training", "", "training, by name or ID")
	flags.StringArrayVar(&req.Groups, "group", nil, "target group, by name or ID; repeat for several")
	flags.StringVar(&req.Name, "name", "", "the enrollment's name; reruns with the same name change nothing")
	flags.StringVar(&req.Schedule, "schedule", "", "send at this RFC 3339 date-time instead of now (needs --timezone)")
	flags.StringVar(&req.TimeZone, "timezone", "", `time zone of the schedule, a Windows ID such as "GMT Standard Time"`)
	flags.StringVar(&req.Due, "due", "", "due date, RFC 3339, after --schedule")
	flags.BoolVar(&req.AwardCertificate, "certificate", false, "award a certificate on completion")
	flags.StringVar(&req.CertificateSendType, "certificate-send-type", "", "with --certificate: how it is sent, as enrollments/form-details lists it (e.g. SendAfterCompletion)")
	flags.BoolVar(&req.MarkedAsTest, "test", false, "mark the enrollment as a test")
	flags.BoolVar(&req.TeamsNotification, "teams", false, "also notify users in Microsoft Teams")
	flags.BoolVar(&req.NoSend, "no-send", false, "create it but do not send it (it stays Scheduled; a rerun without --no-send sends it)")
	flags.BoolVar(&req.AllowDuplicate, "allow-duplicate", false, "create a new enrollment even if one with this name exists (every such run creates one)")
	flags.DurationVar(&req.SettleWindow, "settle-window", workflows.DefaultSettleWindow, "after a create whose outcome was unknown, how long a rerun keeps looking for it before creating again")
	flags.BoolVar(&dryRun, "dry-run", false, "resolve and check everything, print the plan (and the create body, for one company), write nothing")
	flags.BoolVar(&skipMissing, "skip-missing", false, "skip, and list, the companies that lack the training or a group, instead of refusing the run")
	companies = addCompanyFlags(a, cmd)
	out = addOutputFlags(cmd, "text", "json")
	for _, name := range []string{"training", "group", "name"} {
		_ = cmd.MarkFlagRequired(name)
	}
	// The flags exist, so registering cannot fail.
	_ = cmd.RegisterFlagCompletionFunc("training", a.complete(a.completeTrainings))
	_ = cmd.RegisterFlagCompletionFunc("group", a.complete(a.completeGroups))
	_ = cmd.RegisterFlagCompletionFunc("timezone", a.complete(a.completeTimeZones))
	return cmd
}

// warnPastSchedule warns when the schedule has already passed: probably a
// typo in the date, and what the service does with it is not known.
func warnPastSchedule(w io.Writer, plan *workflows.EnrollmentPlan, now time.Time) {
	if plan.ScheduledDate == "" {
		return
	}
	at, err := time.Parse(time.RFC3339, plan.ScheduledDate)
	if err != nil || !at.Before(now) {
		return // the plan checked the date; unparsable cannot happen here
	}
	fmt.Fprintf(w, "keepnet-flow: warning: --schedule %s is in the past (it is now %s); check the date\n", plan.ScheduledDate, now.UTC().Format(time.RFC3339))
}

// writeEnrollResult prints what the run ended with.
func writeEnrollResult(w io.Writer, output string, res workflows.EnrollResult) error {
	if output == "json" {
		return writeJSON(w, resultJSON(res))
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

// writePlan prints a dry run: every name resolved to its ID, what a real run
// would do, and the exact create body when it would create one.
func writePlan(w io.Writer, output string, plan *workflows.EnrollmentPlan) error {
	if !plan.Creates() {
		// A body that will not be sent would read as if it were.
		shown := *plan
		shown.CreateBody = nil
		plan = &shown
	}
	if output == "json" {
		return writeJSON(w, struct {
			DryRun bool     `json:"dryRun"`
			Plan   planJSON `json:"plan"`
		}{true, enrollPlanJSON(plan)})
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Company:\t%s -> %s\n", termsafe.String(plan.Company.Name), plan.Company.ID)
	fmt.Fprintf(tw, "Training:\t%s -> %s\n", termsafe.String(plan.Training.Name), plan.Training.ID)
	for _, g := range plan.Groups {
		fmt.Fprintf(tw, "Group:\t%s -> %s (%d users)\n", termsafe.String(g.Name), g.ID, g.UserCount)
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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
