package pullcmd

import (
	"os"
	"runtime"
	"runtime/debug"
)

// tuneRuntimeForPull sets the Go runtime up for a long, latency-bound
// pull; GOMAXPROCS, GOGC and GOMEMLIMIT set by the user win.
//
//   - One thread runs Go code. The pull waits on the network and needs
//     far less than a core (about 6,000 users/s of client work fit in one
//     on the benchmark machine), but with more threads every response
//     wakes another one to look for work and put it back to sleep: on the
//     benchmark's 2-vCPU VM that cost about a fifth of the CPU per user, at
//     40 ms latency and at full speed alike, for no gain in wall time.
//   - The live heap is small and does not grow with the survey (a window
//     of users in flight), so the default GOGC=100 collects very often for
//     little gain. GOGC=200 costs the same CPU as 400 at full speed but
//     touches 3,100 fresh pages instead of 5,100 (22 against 31 MiB peak
//     RSS), and a page fault costs several microseconds in a VM; 100
//     touched more pages again, as the scavenger returned memory that the
//     next cycle faulted back in. The soft memory limit makes the
//     collector work harder should the heap ever approach it.
//
// See docs/benchmarks.md for the measurements.
func tuneRuntimeForPull() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
}
