package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Exit codes, decided in exitCode only.
const (
	exitOK         = 0
	exitFailure    = 1 // the API or the network failed, or anything unforeseen
	exitUsage      = 2 // bad flags or arguments, bad input, bad configuration
	exitIncomplete = 3 // finished, but some records could not be fetched
)

// app is one run of the program: the global flags, where output goes, and
// the state commands share. Commands receive it in their constructors; there
// are no package-level variables.
type app struct {
	sandbox bool
	debug   bool
	quiet   bool

	out    io.Writer
	errOut io.Writer

	// ownsProcess is set when the app is the whole process (main), so a
	// command may tune the Go runtime for itself; tests share their process
	// and leave it unset.
	ownsProcess bool

	// fake is the in-process sandbox, started on first use by client() under
	// --sandbox and closed when the run ends.
	fake *keepnettest.Server
	// api is the client, built once per run.
	api *keepnet.Client
	// clientOpts are options a command adds from its own flags (say,
	// survey-results' --rate) before its first call to client().
	clientOpts []keepnet.Option
}

// stdout is where a command writes its data (CSV, JSON, tables).
func (a *app) stdout() io.Writer { return a.out }

// stderr is where diagnostics and errors go.
func (a *app) stderr() io.Writer { return a.errOut }

// progress is where progress and notices go: stderr, or nowhere under
// --quiet.
func (a *app) progress() io.Writer {
	if a.quiet {
		return io.Discard
	}
	return a.errOut
}

// client returns the Keepnet client for this run. Credentials and base URL
// come from the environment (KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET,
// KEEPNET_BASE_URL), or, under --sandbox, from an in-process fake that needs
// none. --debug adds a redacted HTTP trace and the client's debug log
// (retries, changes of pace) on stderr.
func (a *app) client(ctx context.Context) (*keepnet.Client, error) {
	if a.api != nil {
		return a.api, nil
	}
	opts := append([]keepnet.Option(nil), a.clientOpts...)
	if a.debug {
		// The trace shows each exchange; the log, the client's decisions:
		// retries and each change of pace.
		opts = append(opts, keepnet.WithTrace(a.errOut),
			keepnet.WithLogger(slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if a.sandbox {
		fake, err := a.startSandbox(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, keepnet.WithBaseURL(fake.URL), keepnet.WithCredentials(fake.ClientID, fake.ClientSecret))
	}
	c, err := keepnet.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to Keepnet: %w", err)
	}
	a.api = c
	return c, nil
}

// startSandbox starts the in-process fake once.
func (a *app) startSandbox(ctx context.Context) (*keepnettest.Server, error) {
	if a.fake != nil {
		return a.fake, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fake, err := keepnettest.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	a.fake = fake
	fmt.Fprintf(a.progress(), "keepnet-flow: --sandbox: using the built-in fake Keepnet API at %s\n", fake.URL)
	return fake, nil
}

// close releases what the run started.
func (a *app) close() {
	if a.fake != nil {
		a.fake.Close()
		a.fake = nil
	}
}

// usageError marks mistakes in how the program was called (flags,
// arguments, unknown commands): exit 2.
type usageError struct {
	err error
	cmd string // the command's path, for the help hint
}

func (e *usageError) Error() string {
	return fmt.Sprintf("%v (see '%s --help')", e.err, e.cmd)
}

func (e *usageError) Unwrap() error { return e.err }

// newRootCmd builds the command tree for one run.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "keepnet-flow",
		Short: "Run Keepnet Labs reseller flows: survey results and enrollments across customers",
		Long: `keepnet-flow runs the Keepnet Labs API flows a reseller (MSSP) needs across its
customer companies: pulling survey results user by user, and creating and
sending training enrollments exactly once.

Credentials come from KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET (Platform >
Company > API); KEEPNET_BASE_URL overrides https://api.keepnetlabs.com.
With --sandbox every command runs against a built-in fake API instead, with
no credentials needed.`,
		Example: `  keepnet-flow --sandbox survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey" --format csv-wide
  keepnet-flow sandbox`,
		Version:       keepnet.Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// The root runs only when no command matched: with arguments that is
		// an unknown command, without it is a request for help.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf("; did you mean %q?", s[0])
			}
			return &usageError{err: errors.New(msg), cmd: cmd.CommandPath()}
		},
		// Required-flag and flag-group checks would otherwise surface as
		// plain errors (exit 1); checking them here first marks them as
		// usage errors.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := cmd.ValidateRequiredFlags(); err != nil {
				return &usageError{err: err, cmd: cmd.CommandPath()}
			}
			if err := cmd.ValidateFlagGroups(); err != nil {
				return &usageError{err: err, cmd: cmd.CommandPath()}
			}
			return nil
		},
	}
	// Find sets this default only on its own error path, which the root's
	// Args bypass; SuggestionsFor needs it.
	root.SuggestionsMinimumDistance = 2
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err: err, cmd: cmd.CommandPath()}
	})

	flags := root.PersistentFlags()
	flags.BoolVar(&a.sandbox, "sandbox", false, "run against a built-in fake Keepnet API (no credentials needed)")
	flags.BoolVar(&a.debug, "debug", false, "trace HTTP requests, retries and changes of pace to stderr (secrets and tokens redacted)")
	flags.BoolVarP(&a.quiet, "quiet", "q", false, "no progress or notices on stderr; errors only")

	root.AddCommand(newSandboxCmd(a))
	// ---- command registrations: each owner adds its own line here ----
	root.AddCommand(newSurveyResultsCmd(a))
	root.AddCommand(newEnrollCmd(a), newCompaniesCmd(a), newTrainingsCmd(a), newGroupsCmd(a), newEnrollmentsCmd(a))
	// ---- end of command registrations ----

	markArgErrors(root)
	return root
}

// markArgErrors wraps every command's argument check so that wrong
// arguments are usage errors (exit 2), not failures.
func markArgErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return &usageError{err: err, cmd: c.CommandPath()}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markArgErrors(sub)
	}
}

// run executes the program with args (without the program name), as part
// of a process it shares, and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runApp(ctx, &app{out: stdout, errOut: stderr}, args)
}

// runApp executes the program for a and returns its exit code. Interrupts
// (Ctrl-C, SIGTERM) cancel ctx.
func runApp(ctx context.Context, a *app, args []string) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	return execute(ctx, a, args)
}

// execute runs the command tree for a, prints a failure as one line on a's
// stderr and returns the exit code.
func execute(ctx context.Context, a *app, args []string) int {
	defer a.close()
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr(), "keepnet-flow: %s\n", oneLine(err.Error()))
	}
	return exitCode(err)
}

// exitCode maps an error to the exit code; this is the only place that does.
func exitCode(err error) int {
	var (
		usage  *usageError
		input  *workflows.InputError
		config *keepnet.ConfigError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage), errors.As(err, &input), errors.As(err, &config):
		return exitUsage
	case errors.Is(err, workflows.ErrIncomplete):
		return exitIncomplete
	default:
		return exitFailure
	}
}

// oneLine keeps the error on one line of stderr, as scripts expect.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
