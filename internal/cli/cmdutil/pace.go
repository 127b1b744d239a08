package cmdutil

import (
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The bounds of --concurrency and --rate, the same in every command that
// takes them.
const (
	// MaxConcurrency bounds --concurrency. Every request in flight holds a
	// goroutine, a connection and a user's records; ten million of them
	// ran the runtime out of memory, and the service answers 429 long
	// before 256.
	MaxConcurrency = 256
	// MinRate is the slowest --rate: the slowest the adaptive pace goes
	// itself. Slower, a pull of a few hundred users takes days; at 1e-300
	// it would never send its first request.
	MinRate = 0.2
	// MaxRate is the fastest --rate, far above anything the service
	// accepts; a larger bound is a typo, not a setting.
	MaxRate = 1000
)

// PaceFlags are --concurrency and --rate, of the commands that pull.
type PaceFlags struct {
	Concurrency int
	Rate        float64
}

// AddPaceFlags registers --concurrency and --rate on cmd; rateHelp is
// --rate's help (see RateHelp).
func AddPaceFlags(cmd *cobra.Command, rateHelp string) *PaceFlags {
	p := &PaceFlags{}
	cmd.Flags().IntVar(&p.Concurrency, "concurrency", workflows.DefaultConcurrency, fmt.Sprintf("requests in flight at once (1 to %d)", MaxConcurrency))
	cmd.Flags().Float64Var(&p.Rate, "rate", 0, rateHelp)
	return p
}

// RateHelp is --rate's help with its bounds; zero says what 0 means
// there, in parentheses.
func RateHelp(zero string) string {
	return fmt.Sprintf("at most this many requests per second, %g to %d %s", MinRate, MaxRate, zero)
}

// Check refuses values out of bounds (--rate 0: no bound).
func (p *PaceFlags) Check() error {
	if p.Concurrency < 1 || p.Concurrency > MaxConcurrency {
		return InvalidValue("concurrency", fmt.Sprint(p.Concurrency), fmt.Sprintf("must be from 1 to %d (the service rate-limits long before %d)", MaxConcurrency, MaxConcurrency))
	}
	if math.IsNaN(p.Rate) || p.Rate != 0 && !(p.Rate >= MinRate && p.Rate <= MaxRate) {
		return InvalidValue("rate", fmt.Sprint(p.Rate), fmt.Sprintf("must be 0 (no bound) or from %g to %d requests per second", MinRate, MaxRate))
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

// PaceSummary is a closing line's account of the pace: how many requests
// the service turned away and how long they waited, or "" when it turned
// none away.
func PaceSummary(pace keepnet.PaceStats) string {
	if pace.Throttled == 0 {
		return ""
	}
	s := fmt.Sprintf("; %d requests throttled (429), %s spent waiting them out", pace.Throttled, pace.Waited.Round(100*time.Millisecond))
	if pace.Rate > 0 {
		s += fmt.Sprintf(", paced at %.1f requests/s at the end", pace.Rate)
	}
	return s
}
