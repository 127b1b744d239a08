package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// newSandboxCmd serves the fake Keepnet API on a loopback port until
// interrupted, for trying the CLI, or a script, without credentials.
func newSandboxCmd(a *app) *cobra.Command {
	var (
		addr      string
		users     int
		customers int
		seed      uint64
		tokenTTL  time.Duration
		latency   time.Duration
		drift     uint64
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a fake Keepnet API locally and print the environment to use it",
		Long: `sandbox serves keepnettest, the project's fake Keepnet API, on a loopback
port until interrupted (Ctrl-C). It prints export lines for KEEPNET_BASE_URL,
KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET on stdout; the credentials are the
fake's own and work nowhere else.

The fake holds a seeded world: companies "Acme Manufacturing", "Acme
Manufacturing Europe" and "Globex Retail"; the survey enrollment "Security
Culture Survey" in Acme Manufacturing and in Globex Retail; trainings
"Phishing Fundamentals", "Phishing Fundamentals Advanced" and "Password
Hygiene"; target groups "Finance", "Finance EMEA" and "All Staff".
--customers N adds N more customer companies, each with its own users and
answers in "Security Culture Survey" (every seventh has no such survey,
every third no "Finance" group): a reseller's many-tenant world for
survey-results --all-companies.

With --drift SEED the fake sends JSON types other than the spec's, as the
live service may: integers as strings, digit strings as numbers, arrays no
flow reads as null or objects, an unknown member in every object.`,
		Example: `  keepnet-flow sandbox --addr 127.0.0.1:8089
  # in another shell, paste the printed export lines, then:
  keepnet-flow survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey"
  keepnet-flow sandbox --drift 7   # the same world, with type drift`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLoopback(addr); err != nil {
				return err
			}
			switch {
			case users < 0:
				return &workflows.InputError{Field: "users", Value: fmt.Sprint(users), Reason: "must be 0 or more"}
			case tokenTTL <= 0:
				return &workflows.InputError{Field: "token-ttl", Value: tokenTTL.String(), Reason: "must be more than 0"}
			case latency < 0:
				return &workflows.InputError{Field: "latency", Value: latency.String(), Reason: "must be 0 or more"}
			}
			opts := []keepnettest.Option{
				keepnettest.WithAddr(addr),
				keepnettest.WithUsers(users),
				keepnettest.WithCustomers(customers),
				keepnettest.WithSeed(seed),
				keepnettest.WithTokenTTL(tokenTTL),
				keepnettest.WithLatency(latency),
				// Nothing reads the log of a server that runs until
				// interrupted, and it would grow with every request.
				keepnettest.WithoutRequestLog(),
			}
			if cmd.Flags().Changed("drift") {
				opts = append(opts, keepnettest.WithTypeDrift(drift))
			}
			if customers < 0 {
				return &workflows.InputError{Field: "customers", Value: fmt.Sprint(customers), Reason: "must be 0 or more"}
			}
			fake, err := keepnettest.Start(opts...)
			if err != nil {
				return fmt.Errorf("sandbox: %w", err)
			}
			defer fake.Close()

			// Printing the secret is the point here: it is the fake's own.
			fmt.Fprintf(a.stdout(), "export %s=%s\n", keepnet.EnvBaseURL, shellQuote(fake.URL))
			fmt.Fprintf(a.stdout(), "export %s=%s\n", keepnet.EnvClientID, shellQuote(fake.ClientID))
			fmt.Fprintf(a.stdout(), "export %s=%s\n", keepnet.EnvClientSecret, shellQuote(fake.ClientSecret))
			fmt.Fprintf(a.progress(), "keepnet-flow sandbox: serving the fake Keepnet API at %s; press Ctrl-C to stop\n", fake.URL)

			<-cmd.Context().Done()
			fmt.Fprintln(a.progress(), "keepnet-flow sandbox: stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:0", "loopback address to listen on, HOST:PORT with HOST 127.0.0.1, ::1 or localhost (port 0 picks a free one)")
	f.IntVar(&users, "users", keepnettest.DefaultSurveyUsers, `users in Acme Manufacturing's "Security Culture Survey"`)
	f.IntVar(&customers, "customers", 0, `add this many customer companies, each with its own users in "Security Culture Survey" (every seventh without it, every third without a "Finance" group)`)
	f.Uint64Var(&seed, "seed", 1, "seed for generated users, answers and IDs")
	f.DurationVar(&tokenTTL, "token-ttl", time.Hour, "lifetime of issued tokens (the real service: 1h)")
	f.DurationVar(&latency, "latency", 0, "delay added to every response")
	f.Uint64Var(&drift, "drift", 0, "send JSON types other than the spec's, drifted by this seed (see keepnettest.WithTypeDrift)")
	return cmd
}

// checkLoopback refuses listen addresses that other machines could reach:
// the fake hands out tokens to anyone with its published credentials, and
// serves made-up personal data. An empty host (":0") and the unspecified
// addresses (0.0.0.0, [::]) mean every interface.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return &workflows.InputError{Field: "addr", Value: addr, Reason: "is not HOST:PORT, e.g. 127.0.0.1:8089"}
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return &workflows.InputError{Field: "addr", Value: addr, Reason: "has no valid port (0 picks a free one)"}
	}
	ip := net.ParseIP(host)
	if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return &workflows.InputError{Field: "addr", Value: addr, Reason: "is not a loopback address; the sandbox listens only on 127.0.0.1, ::1 or localhost"}
	}
	return nil
}

// shellQuote quotes s for POSIX shells.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '/' || r == ':' || r == '-' || r == '_') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
