package main

import (
	"fmt"
	"math"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The bounds of --concurrency and --rate, the same in every command that
// takes them.
const (
	// maxConcurrency bounds --concurrency. Every request in flight holds a
	// goroutine, a connection and a user's records; ten million of them
	// ran the runtime out of memory, and the service answers 429 long
	// before 256.
	maxConcurrency = 256
	// minRate is the slowest --rate: the slowest the adaptive pace goes
	// itself. Slower, a pull of a few hundred users takes days; at 1e-300
	// it would never send its first request.
	minRate = 0.2
	// maxRate is the fastest --rate, far above anything the service
	// accepts; a larger bound is a typo, not a setting.
	maxRate = 1000
)

// checkPaceFlags checks --concurrency and --rate (0: no bound).
func checkPaceFlags(concurrency int, rate float64) error {
	if concurrency < 1 || concurrency > maxConcurrency {
		return &workflows.InputError{Field: "concurrency", Value: fmt.Sprint(concurrency), Reason: fmt.Sprintf("must be from 1 to %d (the service rate-limits long before %d)", maxConcurrency, maxConcurrency)}
	}
	if rate != 0 && !(rate >= minRate && rate <= maxRate) || math.IsNaN(rate) {
		return &workflows.InputError{Field: "rate", Value: fmt.Sprint(rate), Reason: fmt.Sprintf("must be 0 (no bound) or from %g to %d requests per second", minRate, maxRate)}
	}
	return nil
}
