package cmdutil

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// MaxConcurrency bounds --concurrency. Every request in flight holds a
// goroutine, a connection and a user's records; ten million of them ran
// the runtime out of memory, and the service answers 429 long before 256.
const MaxConcurrency = 256

// PaceFlags are --concurrency and --rate, of the commands that pull.
type PaceFlags struct {
	Concurrency int
	Rate        float64
}

// AddPaceFlags registers --concurrency and --rate on cmd; rateHelp says
// what --rate 0 means there.
func AddPaceFlags(cmd *cobra.Command, rateHelp string) *PaceFlags {
	p := &PaceFlags{}
	cmd.Flags().IntVar(&p.Concurrency, "concurrency", workflows.DefaultConcurrency, fmt.Sprintf("requests in flight at once (1 to %d)", MaxConcurrency))
	cmd.Flags().Float64Var(&p.Rate, "rate", 0, rateHelp)
	return p
}

// Check refuses values out of bounds.
func (p *PaceFlags) Check() error {
	switch {
	case p.Concurrency < 1:
		return InvalidValue("concurrency", fmt.Sprint(p.Concurrency), "must be at least 1")
	case p.Concurrency > MaxConcurrency:
		return InvalidValue("concurrency", fmt.Sprint(p.Concurrency), fmt.Sprintf("must be at most %d; the service rate-limits long before that", MaxConcurrency))
	case p.Rate < 0 || p.Rate != p.Rate: // NaN is not a rate either
		return InvalidValue("rate", fmt.Sprint(p.Rate), "must be 0 (no limit) or more")
	}
	return nil
}

// ClientOptions are the client options the flags ask for. The pull keeps
// Concurrency requests in flight; the client then keeps as many idle
// connections, so none is dialled twice.
func (p *PaceFlags) ClientOptions() []keepnet.Option {
	opts := []keepnet.Option{keepnet.WithMaxInFlight(p.Concurrency)}
	if p.Rate > 0 {
		opts = append(opts, keepnet.WithRateLimit(p.Rate))
	}
	return opts
}
