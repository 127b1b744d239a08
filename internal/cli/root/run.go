package root

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/factory"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Main runs the program as the whole process, on its own arguments and
// streams, and returns the exit code.
func Main() int {
	return run(context.Background(), iostreams.System(), os.Args[1:], true, nil)
}

// Run runs the program with args (without the program name) as part of a
// process it shares, with clientOpts before any other client option
// (tests: fast retries, a transport that breaks a company), and returns
// the exit code.
func Run(ctx context.Context, ios *iostreams.IOStreams, args []string, clientOpts ...keepnet.Option) int {
	return run(ctx, ios, args, false, clientOpts)
}

// run executes the program. SIGINT (Ctrl-C), SIGTERM and SIGHUP end a run
// cleanly: ctx is cancelled, nothing is committed, and the exit code says
// which signal it was. A second signal ends the process at once, which
// leaves nothing behind either, as no file has a name before it is
// complete.
func run(ctx context.Context, ios *iostreams.IOStreams, args []string, ownsProcess bool, clientOpts []keepnet.Option) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stoppedBy atomic.Value
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs) // the next one takes the default action
			stoppedBy.Store(sig)
			cancel()
		case <-ctx.Done():
		}
	}()

	settings := &factory.Settings{}
	f, closeRun := factory.New(ios, settings, clientOpts...)
	defer closeRun()
	f.OwnsProcess = ownsProcess
	root := NewCmdRoot(f, settings)
	root.SetArgs(args)
	err := checkArgs(root, args)
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	err = cmp.Or(err, ios.Flush()) // flushed whatever the outcome
	// A run that completed despite a late signal is a success; any other
	// outcome after a signal is reported as the signal's.
	if sig, ok := stoppedBy.Load().(syscall.Signal); ok && err != nil {
		err = &cmdutil.StoppedError{Signal: sig, HowFar: f.HowFar.String()}
	}
	if err != nil {
		fmt.Fprintf(ios.ErrOut, "keepnet-flow: %s%s\n", cmdutil.OneLine(err.Error()), cmdutil.Hint(err))
	}
	return cmdutil.ExitCode(err)
}
