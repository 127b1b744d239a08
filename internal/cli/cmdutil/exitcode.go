package cmdutil

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Exit codes, decided in ExitCode only.
const (
	ExitOK         = 0
	ExitFailure    = 1 // the API or the network failed, or anything unforeseen
	ExitUsage      = 2 // bad flags or arguments, bad input, bad configuration
	ExitIncomplete = 3 // finished, but some records could not be fetched
	// After a signal: 128 + its number, as shells report a process the
	// signal killed (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
	ExitSignalBase = 128
)

// StoppedError is a run that a signal cut short.
type StoppedError struct {
	Signal syscall.Signal
	// HowFar says how far the run got and what it left at its output.
	HowFar string
}

func (e *StoppedError) Error() string {
	return "stopped by " + unix.SignalName(e.Signal) + " " + e.HowFar
}

// ExitCode maps an error to the exit code; this is the only place that
// does.
func ExitCode(err error) int {
	var (
		usage  *FlagError
		input  *workflows.InputError
		config *keepnet.ConfigError
		signal *StoppedError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &signal):
		return ExitSignalBase + int(signal.Signal)
	case errors.As(err, &usage), errors.As(err, &input), errors.As(err, &config):
		return ExitUsage
	case errors.Is(err, workflows.ErrIncomplete):
		return ExitIncomplete
	default:
		return ExitFailure
	}
}
