package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
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
	// After a signal: 128 + its number, as shells report a process the
	// signal killed (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
	exitSignalBase = 128
)

// app is one run of the program: the global flags, where output goes, and
// the state commands share. Commands receive it in their constructors; there
// are no package-level variables.
type app struct {
	sandbox    bool
	debug      bool
	quiet      bool
	secretFile string // --client-secret-file
	// noPaceMemory is --no-pace-memory: neither start from the pace
	// earlier runs learned nor keep this run's.
	noPaceMemory bool
	// sandboxDrift is --sandbox-drift's seed, meant only when
	// sandboxDriftSet (0 is a seed like any other).
	sandboxDrift    uint64
	sandboxDriftSet bool

	in     io.Reader // for --client-secret-file -; nil when there is none
	out    io.Writer
	errOut io.Writer
	// term is how data reaches out: escaped when it is a terminal (output.go).
	term stdoutState

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

	// stoppedBy holds the syscall.Signal that stopped the run, if any.
	stoppedBy atomic.Value
	// howFar, set by a command, says how far it got and what it leaves
	// at its output, for the line printed when a signal stops it.
	howFar func() string
}

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
// (retries, changes of pace) on stderr. The pace the service allowed is
// kept in the state directory for the next run, unless --no-pace-memory
// says not to; not under --sandbox, whose fake is new on every run.
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
	} else {
		creds, err := a.secretFileOption()
		if err != nil {
			return nil, fmt.Errorf("connecting to Keepnet: %w", err)
		}
		if creds != nil {
			opts = append(opts, creds)
		}
		if !a.noPaceMemory {
			// Without a state directory (no home), the run just starts
			// without a memory.
			if dir, err := workflows.DefaultStateDir(); err == nil {
				opts = append(opts, keepnet.WithPaceMemory(filepath.Join(dir, "pace")))
			}
		}
	}
	c, err := keepnet.New(opts...)
	var config *keepnet.ConfigError
	if errors.As(err, &config) && (strings.Contains(config.Setting, keepnet.EnvClientID) || strings.Contains(config.Setting, keepnet.EnvClientSecret)) {
		// Missing credentials is where a newcomer stops; the sandbox needs
		// none.
		return nil, fmt.Errorf("connecting to Keepnet: %w; or add --sandbox to try keepnet-flow against its built-in fake API", err)
	}
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
	var opts []keepnettest.Option
	if a.sandboxDriftSet {
		opts = append(opts, keepnettest.WithTypeDrift(a.sandboxDrift))
	}
	fake, err := keepnettest.Start(opts...)
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
	var showVersion bool
	root := &cobra.Command{
		Use:   "keepnet-flow",
		Short: "Run Keepnet Labs reseller flows: survey results and enrollments across customers",
		Long: `keepnet-flow runs the Keepnet Labs API flows a reseller (MSSP) needs across its
customer companies: pulling survey results user by user, and creating and
sending training enrollments exactly once.

Credentials come from KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET (Company >
Company Settings > REST API); the secret can instead be read from a file
named by KEEPNET_CLIENT_SECRET_FILE or --client-secret-file (- reads stdin).
No flag takes the secret itself. KEEPNET_BASE_URL overrides
https://api.keepnetlabs.com. With --sandbox every command runs against a
built-in fake API instead, with no credentials needed; its world is created
fresh on every run, so an enrollment created in one run is gone in the next
(for a world that lasts, run 'keepnet-flow sandbox' and point
KEEPNET_BASE_URL at it).

Every command writes its data to stdout in the format --format (-f) picks,
in any case; --output (-o) FILE writes it to FILE instead, which appears
only when the output is complete.`,
		Example: `  keepnet-flow --sandbox survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey" --format csv-wide
  keepnet-flow sandbox`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// The root runs only when no command matched: with arguments that is
		// an unknown command, without it is a request for help.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if showVersion {
				if _, err := fmt.Fprintln(cmd.OutOrStdout(), versionLine(keepnet.Build())); err != nil {
					return fmt.Errorf("write version: %w", err)
				}
				return nil
			}
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
			a.sandboxDriftSet = cmd.Flags().Changed("sandbox-drift")
			if a.sandboxDriftSet && !a.sandbox {
				return &usageError{err: errors.New("--sandbox-drift needs --sandbox"), cmd: cmd.CommandPath()}
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
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err: err, cmd: cmd.CommandPath()}
	})

	flags := root.PersistentFlags()
	flags.BoolVar(&a.sandbox, "sandbox", false, "run against a built-in fake Keepnet API (no credentials needed; a fresh world every run)")
	flags.Uint64Var(&a.sandboxDrift, "sandbox-drift", 0, "with --sandbox: the fake sends JSON types other than the spec's, as the live service may, drifted by this seed")
	flags.BoolVar(&a.debug, "debug", false, "trace HTTP requests, retries and changes of pace to stderr (secrets and tokens redacted)")
	flags.BoolVarP(&a.quiet, "quiet", "q", false, "no progress or notices on stderr; errors only")
	flags.StringVar(&a.secretFile, "client-secret-file", "", "read the client secret from `FILE` (- for stdin) instead of KEEPNET_CLIENT_SECRET")
	flags.BoolVar(&a.noPaceMemory, "no-pace-memory", false, "find the service's rate limit afresh: do not start at the pace earlier runs learned, nor keep this run's")

	root.AddCommand(newSandboxCmd(a), newVersionCmd(a))
	// ---- command registrations: each owner adds its own line here ----
	root.AddCommand(newSurveyResultsCmd(a))
	root.AddCommand(newSurveyReportCmd(a))
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

// runApp executes the program for a and returns its exit code. SIGINT
// (Ctrl-C), SIGTERM and SIGHUP end a run cleanly: ctx is cancelled,
// nothing is committed, and the exit code says which signal it was. A
// second signal ends the process at once, which leaves nothing behind
// either, as no file has a name before it is complete.
func runApp(ctx context.Context, a *app, args []string) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs) // the next one takes the default action
			a.stoppedBy.Store(sig)
			cancel()
		case <-ctx.Done():
		}
	}()
	return execute(ctx, a, args)
}

// stoppedError is a run that a signal cut short.
type stoppedError struct {
	sig    syscall.Signal
	howFar string
}

func (e *stoppedError) Error() string {
	return "stopped by " + unix.SignalName(e.sig) + " " + e.howFar
}

// execute runs the command tree for a, prints a failure as one line on a's
// stderr and returns the exit code.
func execute(ctx context.Context, a *app, args []string) int {
	defer a.close()
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	err = cmp.Or(err, a.flushStdout()) // flushed whatever the outcome
	// A run that completed despite a late signal is a success; any other
	// outcome after a signal is reported as the signal's.
	if sig, ok := a.stoppedBy.Load().(syscall.Signal); ok && err != nil {
		howFar := "before it finished; no output file was written"
		if a.howFar != nil {
			howFar = a.howFar()
		}
		err = &stoppedError{sig: sig, howFar: howFar}
	}
	if err != nil {
		fmt.Fprintf(a.stderr(), "keepnet-flow: %s%s\n", oneLine(err.Error()), hint(err))
	}
	return exitCode(err)
}

// hint is what the CLI adds to an error the library reports in its own
// terms: which command lists the names it takes, which settings hold the
// credentials. The library's errors name no command or variable the caller
// did not use.
func hint(err error) string {
	var input *workflows.InputError
	switch {
	case errors.Is(err, keepnet.ErrCredentialsRejected):
		return " (check " + keepnet.EnvClientID + " and " + keepnet.EnvClientSecret + ", or --client-secret-file)"
	case errors.As(err, &input) && input.Unknown():
		if command, ok := listingCommands[input.Field]; ok {
			return " ('keepnet-flow " + command + "' lists them)"
		}
	case errors.As(err, &input) && optionFlags[input.Option] != "":
		return " (" + optionFlags[input.Option] + ")"
	}
	return ""
}

// optionFlags names the flag of each request option a library error may
// point to (workflows.InputError.Option).
var optionFlags = map[string]string{
	"AllowDuplicate":   "--allow-duplicate",
	"Schedule":         "--schedule",
	"AwardCertificate": "--certificate",
	"SkipMissing":      "--skip-missing",
}

// listingCommands names the command that lists each kind of name a flow
// takes.
var listingCommands = map[string]string{
	"company":    "companies",
	"training":   "trainings --company …",
	"group":      "groups --company …",
	"enrollment": "enrollments --company …",
}

// exitCode maps an error to the exit code; this is the only place that does.
func exitCode(err error) int {
	var (
		usage  *usageError
		input  *workflows.InputError
		config *keepnet.ConfigError
		signal *stoppedError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &signal):
		return exitSignalBase + int(signal.sig)
	case errors.As(err, &usage), errors.As(err, &input), errors.As(err, &config):
		return exitUsage
	case errors.Is(err, workflows.ErrIncomplete):
		return exitIncomplete
	default:
		return exitFailure
	}
}

// oneLine makes an error's text one line that is safe on a terminal: the
// text may carry server strings (names, API messages) with control
// characters in them.
func oneLine(s string) string {
	return termsafe.String(strings.Join(strings.Fields(s), " "))
}
