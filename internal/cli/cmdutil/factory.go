// Package cmdutil is what every command of the keepnet-flow CLI shares: the
// Factory that hands a command its streams and its client, usage errors,
// the mapping from errors to exit codes, and the flags several commands
// take (company selection, --format and --output).
package cmdutil

import (
	"context"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Factory is what a command gets from the run it is part of. Commands copy
// what they need into their Options when they are built, so a test may
// hand them fakes.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Client returns the run's Keepnet client, built on the first call
	// from the environment and the global flags (credentials, --sandbox,
	// --debug) with opts added: a command's own --rate, say. Later calls
	// return the same client and ignore opts.
	Client func(ctx context.Context, opts ...keepnet.Option) (*keepnet.Client, error)
	// OwnsProcess is set when the run is the whole process (main), so a
	// command may tune the Go runtime for itself; tests share their
	// process and leave it unset.
	OwnsProcess bool
	// HowFar is what a command says of its progress when a signal stops
	// it.
	HowFar *HowFar
}

// HowFar says how far a command got and what it leaves at its output, for
// the line printed when a signal stops the run.
type HowFar struct {
	mu sync.Mutex
	fn func() string
}

// Set makes fn the account of the command's progress. fn is called once,
// after the command has returned.
func (h *HowFar) Set(fn func() string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fn = fn
}

// String is the command's account, or what may be said of any command.
func (h *HowFar) String() string {
	h.mu.Lock()
	fn := h.fn
	h.mu.Unlock()
	if fn == nil {
		return "before it finished; no output file was written"
	}
	return fn()
}
