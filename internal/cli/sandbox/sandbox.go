// Package sandbox is the sandbox command: the fake Keepnet API served on a
// loopback port, for trying the CLI or a script without credentials.
package sandbox

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// Options are the sandbox command's.
type Options struct {
	Out, Progress io.Writer

	Addr      string
	Users     int
	Customers int
	Seed      uint64
	TokenTTL  time.Duration
	Latency   time.Duration
	// Drift and Unstable are seeds, meant only when DriftSet and
	// UnstableSet: 0 is a seed like any other.
	Drift       uint64
	DriftSet    bool
	Unstable    uint64
	UnstableSet bool
}

// NewCmdSandbox serves the fake until interrupted.
func NewCmdSandbox(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Out: f.IOStreams.Out}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a fake Keepnet API locally and print the environment to use it",
		Long: `sandbox serves keepnettest, the project's fake Keepnet API, on a loopback
port until interrupted (Ctrl-C), and prints export lines for
KEEPNET_BASE_URL, KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET on stdout (the
fake's own credentials, which work nowhere else).

Its seeded world: companies "Acme Manufacturing", "Acme Manufacturing
Europe" and "Globex Retail"; the survey "Security Culture Survey" in Acme
Manufacturing and Globex Retail; trainings "Phishing Fundamentals",
"Phishing Fundamentals Advanced" and "Password Hygiene"; target groups
"Finance", "Finance EMEA" and "All Staff". --customers N adds N customer
companies, each with its own users in the survey.

--drift SEED sends JSON types other than the spec's, as the live service
may; --unstable SEED pages in an order that moves between requests, so that
pages overlap and skip rows, as the live service's may.`,
		Example: `  keepnet-flow sandbox --addr 127.0.0.1:8089
  # in another shell, paste the printed export lines, then:
  keepnet-flow survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey"
  keepnet-flow sandbox --drift 7          # the same world, with type drift
  keepnet-flow sandbox --unstable 1 --users 450 --customers 150`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Progress = f.IOStreams.Progress()
			opts.DriftSet = cmd.Flags().Changed("drift")
			opts.UnstableSet = cmd.Flags().Changed("unstable")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sandboxRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "loopback address to listen on, HOST:PORT with HOST 127.0.0.1, ::1 or localhost (port 0 picks a free one)")
	fl.IntVar(&opts.Users, "users", keepnettest.DefaultSurveyUsers, `users in Acme Manufacturing's "Security Culture Survey"`)
	fl.IntVar(&opts.Customers, "customers", 0, `add this many customer companies, each with its own users in "Security Culture Survey" (every seventh without it, every third without a "Finance" group)`)
	fl.Uint64Var(&opts.Seed, "seed", 1, "seed for generated users, answers and IDs")
	fl.DurationVar(&opts.TokenTTL, "token-ttl", time.Hour, "lifetime of issued tokens (the real service: 1h)")
	fl.DurationVar(&opts.Latency, "latency", 0, "delay added to every response")
	fl.Uint64Var(&opts.Drift, "drift", 0, "send JSON types other than the spec's, drifted by this seed (see keepnettest.WithTypeDrift)")
	fl.Uint64Var(&opts.Unstable, "unstable", 0, "page in an order that moves from one request to the next, shuffled by this seed (see keepnettest.WithUnstableOrder)")
	return cmd
}

func (o *Options) check() error {
	if err := CheckLoopback(o.Addr); err != nil {
		return err
	}
	switch {
	case o.Users < 0:
		return cmdutil.InvalidValue("users", fmt.Sprint(o.Users), "must be 0 or more")
	case o.TokenTTL <= 0:
		return cmdutil.InvalidValue("token-ttl", o.TokenTTL.String(), "must be more than 0")
	case o.Latency < 0:
		return cmdutil.InvalidValue("latency", o.Latency.String(), "must be 0 or more")
	case o.Customers < 0:
		return cmdutil.InvalidValue("customers", fmt.Sprint(o.Customers), "must be 0 or more")
	}
	return nil
}

func sandboxRun(ctx context.Context, o *Options) error {
	if err := o.check(); err != nil {
		return err
	}
	opts := []keepnettest.Option{
		keepnettest.WithAddr(o.Addr),
		keepnettest.WithUsers(o.Users),
		keepnettest.WithCustomers(o.Customers),
		keepnettest.WithSeed(o.Seed),
		keepnettest.WithTokenTTL(o.TokenTTL),
		keepnettest.WithLatency(o.Latency),
		// Nothing reads the log of a server that runs until interrupted,
		// and it would grow with every request.
		keepnettest.WithoutRequestLog(),
	}
	if o.DriftSet {
		opts = append(opts, keepnettest.WithTypeDrift(o.Drift))
	}
	if o.UnstableSet {
		opts = append(opts, keepnettest.WithUnstableOrder(o.Unstable))
	}
	fake, err := keepnettest.Start(opts...)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer fake.Close()

	// Printing the secret is the point here: it is the fake's own.
	fmt.Fprintf(o.Out, "export %s=%s\n", keepnet.EnvBaseURL, ShellQuote(fake.URL))
	fmt.Fprintf(o.Out, "export %s=%s\n", keepnet.EnvClientID, ShellQuote(fake.ClientID))
	fmt.Fprintf(o.Out, "export %s=%s\n", keepnet.EnvClientSecret, ShellQuote(fake.ClientSecret))
	fmt.Fprintf(o.Progress, "keepnet-flow sandbox: serving the fake Keepnet API at %s; press Ctrl-C to stop\n", fake.URL)

	<-ctx.Done()
	fmt.Fprintln(o.Progress, "keepnet-flow sandbox: stopped")
	return nil
}

// CheckLoopback refuses listen addresses that other machines could reach:
// the fake hands out tokens to anyone with its published credentials, and
// serves made-up personal data. An empty host (":0") and the unspecified
// addresses (0.0.0.0, [::]) mean every interface.
func CheckLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return cmdutil.InvalidValue("addr", addr, "is not HOST:PORT, e.g. 127.0.0.1:8089")
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return cmdutil.InvalidValue("addr", addr, "has no valid port (0 picks a free one)")
	}
	ip := net.ParseIP(host)
	if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return cmdutil.InvalidValue("addr", addr, "is not a loopback address; the sandbox listens only on 127.0.0.1, ::1 or localhost")
	}
	return nil
}

// ShellQuote quotes s for POSIX shells.
func ShellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '/' || r == ':' || r == '-' || r == '_') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
