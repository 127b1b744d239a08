// Package enroll is the enroll command: a training enrollment created and
// sent exactly once, in one company or rolled out across many.
package enroll

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Options are the enroll command's.
type Options struct {
	IO     *iostreams.IOStreams
	Client func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	Now    func() time.Time

	Request     workflows.EnrollRequest
	DryRun      bool
	SkipMissing bool
	Companies   *cmdutil.CompanyFlags
	Output      *cmdutil.OutputFlags
}

// NewCmdEnroll creates a training enrollment and sends it, once.
func NewCmdEnroll(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, Now: time.Now}
	req := &opts.Request
	cmd := &cobra.Command{
		Use:   "enroll",
		Short: "Create a training enrollment for target groups and send it, exactly once",
		Long: `enroll creates a training enrollment in a customer company for one or more
target groups, and sends it. Company, training and groups are given by name or
ID (see the companies, trainings and groups commands).

The enrollment's name identifies it in the company, so running the same
command again is safe: one that was sent is reported and left alone, one
created but not sent is sent. After a failure whose outcome is unknown, a
rerun keeps looking for the enrollment for --settle-window before creating
it again, and says so. --allow-duplicate creates one even if the name is
taken. --dry-run checks and resolves everything and writes nothing.

Several companies (repeat --company, --companies-file or --all-companies)
are a rollout: every company is checked before anything is written, then
each is enrolled exactly once; one that lacks the training or a group is
refused, or skipped with --skip-missing. See docs/enroll.md for the details.`,
		Example: `  keepnet-flow enroll --company "Acme Manufacturing" --training "Phishing Fundamentals" \
      --group Finance --group "All Staff" --name "Q2 Phishing Refresher" --dry-run
  keepnet-flow enroll --company k3AcmeMfg001 --training t5PhishFun01 --group g9AcmeFin001 \
      --name "Q2 Phishing Refresher" --schedule 2026-04-01T09:00:00Z --timezone "GMT Standard Time" \
      --due 2026-04-30T17:00:00Z --certificate --format json
  keepnet-flow enroll --all-companies --skip-missing --training "Phishing Fundamentals" \
      --group Finance --group "All Staff" --name "Q3 Phishing Refresher" --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return enrollRun(cmd.Context(), opts)
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
	flags.BoolVar(&opts.DryRun, "dry-run", false, "resolve and check everything, print the plan (and the create body, for one company), write nothing")
	flags.BoolVar(&opts.SkipMissing, "skip-missing", false, "skip, and list, the companies that lack the training or a group, instead of refusing the run")
	opts.Companies = cmdutil.AddCompanyFlags(f, cmd, "every company these credentials manage")
	cmd.MarkFlagsOneRequired("company", "all-companies", "companies-file")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "company")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "companies-file")
	opts.Output = cmdutil.AddOutputFlags(cmd, "text", "json")
	for _, name := range []string{"training", "group", "name"} {
		_ = cmd.MarkFlagRequired(name)
	}
	// The flags exist, so registering cannot fail.
	_ = cmd.RegisterFlagCompletionFunc("training", cmdutil.Complete(f, cmdutil.CompleteTrainings))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.Complete(f, cmdutil.CompleteGroups))
	_ = cmd.RegisterFlagCompletionFunc("timezone", cmdutil.Complete(f, cmdutil.CompleteTimeZones))
	return cmd
}

func enrollRun(ctx context.Context, opts *Options) error {
	format, err := opts.Output.Parse()
	if err != nil {
		return err
	}
	req := opts.Request
	if req.SettleWindow <= 0 {
		return cmdutil.InvalidValue("settle-window", req.SettleWindow.String(), "must be positive")
	}
	req.Progress = func(w workflows.Wait) {
		msg := w.Message
		if flag := cmdutil.OptionFlag(w.Option); flag != "" {
			msg += " (" + flag + " sets how long)"
		}
		fmt.Fprintf(opts.IO.Progress(), "keepnet-flow: %s\n", msg)
	}
	company, single := opts.Companies.Single()
	if !single || opts.SkipMissing {
		sel, err := opts.Companies.Selection()
		if err != nil {
			return err
		}
		return rolloutRun(ctx, opts, format, workflows.RolloutRequest{Companies: sel, Enrollment: req, SkipMissing: opts.SkipMissing})
	}
	req.Company = company
	dest, err := opts.Output.Open(opts.IO.Out)
	if err != nil {
		return err
	}
	defer dest.Abort()
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	plan, err := workflows.PlanEnrollment(ctx, c, req)
	if err != nil {
		return err
	}
	warnPastSchedule(opts.IO.Progress(), plan, opts.Now())
	if opts.DryRun {
		if err := writePlan(dest, format, plan); err != nil {
			return err
		}
		return dest.Commit()
	}
	res, err := plan.Apply(ctx)
	if res.ID != "" {
		// What was done is written even when the run then failed: it is
		// the record of an enrollment that exists.
		werr := writeResult(dest, format, res)
		if werr == nil {
			werr = dest.Commit()
		}
		if err == nil {
			err = werr
		}
	}
	return err
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
