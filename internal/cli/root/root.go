// Package root is the keepnet-flow command tree, and the one place a run
// starts: Main for the process, Run for tests.
package root

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/companies"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/enroll"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/enrollments"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/factory"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/groups"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/phishingresults"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/report"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/sandbox"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/surveyresults"
	synccmd "github.com/keepnet-flow/keepnet-flow/internal/cli/sync"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/trainingresults"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/trainings"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/version"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// NewCmdRoot builds the command tree of one run; the global flags are
// parsed into settings, which the factory's client reads.
func NewCmdRoot(f *cmdutil.Factory, settings *factory.Settings) *cobra.Command {
	var showVersion, quiet bool
	root := &cobra.Command{
		Use:   "keepnet-flow",
		Short: "Run Keepnet Labs reseller flows: survey, training and phishing results and enrollments across customers",
		Long: `keepnet-flow runs the Keepnet Labs API flows a reseller (MSSP) needs across its
customer companies: pulling survey, training and phishing simulation results
user by user, and creating and sending training enrollments exactly once.

Credentials come from KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET (Company >
Company Settings > REST API), or the secret from a file
(KEEPNET_CLIENT_SECRET_FILE, --client-secret-file; - reads stdin); no flag
takes the secret itself. KEEPNET_BASE_URL overrides
https://api.keepnetlabs.com. With --sandbox every command runs against a
built-in fake API instead, created fresh on every run, with no credentials
needed ('keepnet-flow sandbox' serves one that lasts).

Every command writes its data to stdout in the format --format (-f) picks;
--output (-o) FILE writes it to FILE instead, which appears only when the
output is complete.`,
		Example: `  keepnet-flow --sandbox survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey" --format csv-wide
  keepnet-flow sandbox`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// The root runs only when no command matched: with arguments that is
		// an unknown command, without it is a request for help.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if showVersion {
				if _, err := fmt.Fprintln(cmd.OutOrStdout(), version.Line(keepnet.Build())); err != nil {
					return fmt.Errorf("write version: %w", err)
				}
				return nil
			}
			if len(args) == 0 {
				return cmd.Help()
			}
			return unknownCommand(cmd, args[0])
		},
		// Required-flag and flag-group checks would otherwise surface as
		// plain errors (exit 1); checking them here first marks them as
		// usage errors.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := cmd.ValidateRequiredFlags(); err != nil {
				return cmdutil.FlagErrorWrap(err, cmd.CommandPath())
			}
			if err := cmd.ValidateFlagGroups(); err != nil {
				return cmdutil.FlagErrorWrap(err, cmd.CommandPath())
			}
			if quiet {
				f.IOStreams.SetQuiet(true)
			}
			settings.SandboxDriftSet = cmd.Flags().Changed("sandbox-drift")
			settings.SandboxUnstableSet = cmd.Flags().Changed("sandbox-unstable")
			for _, flag := range []string{"sandbox-drift", "sandbox-unstable"} {
				if cmd.Flags().Changed(flag) && !settings.Sandbox {
					return cmdutil.FlagErrorWrap(fmt.Errorf("--%s needs --sandbox", flag), cmd.CommandPath())
				}
			}
			return nil
		},
	}
	// Find sets this default only on its own error path, which the root's
	// Args bypass; SuggestionsFor needs it.
	root.SuggestionsMinimumDistance = 2
	// --version prints the same line as the version command. It is our flag,
	// not cobra's: cobra prints any other line than its own through
	// text/template, and a template package in the binary keeps every
	// method of gen/ in it (TestCLILinksNoTemplatePackage says why).
	root.Flags().BoolVarP(&showVersion, "version", "v", false, "version for keepnet-flow")
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return cmdutil.FlagErrorWrap(err, cmd.CommandPath())
	})

	flags := root.PersistentFlags()
	flags.BoolVar(&settings.Sandbox, "sandbox", false, "run against a built-in fake Keepnet API (no credentials needed; a fresh world every run)")
	flags.Uint64Var(&settings.SandboxDrift, "sandbox-drift", 0, "with --sandbox: the fake sends JSON types other than the spec's, as the live service may, drifted by this seed")
	flags.Uint64Var(&settings.SandboxUnstable, "sandbox-unstable", 0, "with --sandbox: the fake pages in an order that moves between requests, shuffled by this seed, in pages of 10 rows")
	flags.BoolVar(&settings.Debug, "debug", false, "trace HTTP requests, retries and changes of pace to stderr (secrets and tokens redacted)")
	flags.BoolVarP(&quiet, "quiet", "q", false, "no progress or notices on stderr; errors only")
	flags.StringVar(&settings.SecretFile, "client-secret-file", "", "read the client secret from `FILE` (- for stdin) instead of KEEPNET_CLIENT_SECRET")
	flags.BoolVar(&settings.NoPaceMemory, "no-pace-memory", false, "find the service's rate limit afresh: do not start at the pace earlier runs learned, nor keep this run's")

	root.AddCommand(
		sandbox.NewCmdSandbox(f, nil),
		version.NewCmdVersion(f, nil),
		surveyresults.NewCmdSurveyResults(f, nil),
		surveyreport.NewCmdSurveyReport(f, nil),
		trainingresults.NewCmdTrainingResults(f, nil),
		phishingresults.NewCmdPhishingResults(f, nil),
		report.NewCmdReport(f, nil),
		enroll.NewCmdEnroll(f, nil),
		companies.NewCmdCompanies(f, nil),
		trainings.NewCmdTrainings(f, nil),
		groups.NewCmdGroups(f, nil),
		enrollments.NewCmdEnrollments(f, nil),
		synccmd.NewCmdSync(f, nil),
	)
	markArgErrors(root)
	return root
}

// unknownCommand is the usage error of a word that names no command, with
// the closest command when one is near.
func unknownCommand(root *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q for %q", word, root.CommandPath())
	if s := root.SuggestionsFor(word); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return cmdutil.FlagErrorWrap(errors.New(msg), root.CommandPath())
}

// markArgErrors wraps every command's argument check so that wrong
// arguments are usage errors (exit 2), not failures.
func markArgErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return cmdutil.FlagErrorWrap(err, c.CommandPath())
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markArgErrors(sub)
	}
}
