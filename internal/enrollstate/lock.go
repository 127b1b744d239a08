package enrollstate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
)

// lockPoll is how often a run waiting for another's lock tries again.
const lockPoll = 100 * time.Millisecond

// Lock takes the state's lock file, waiting while another run holds it, and
// returns its release. The lock is the system's advisory lock on the open
// file (atomicfile.TryLock), which the kernel drops when the holder exits,
// however it exits, so a lock file left by a crashed run does not count; a
// symlink planted in its place is refused, never followed. waiting is said
// once if the run has to wait.
func (s *State) Lock(ctx context.Context, waiting func()) (func() error, error) {
	for said := false; ; {
		l, err := atomicfile.TryLock(s.lockPath)
		switch {
		case err == nil:
			return func() error {
				if err := l.Release(); err != nil {
					return fmt.Errorf("release the enroll lock: %w", err)
				}
				return nil
			}, nil
		case !errors.Is(err, atomicfile.ErrLocked):
			return nil, fmt.Errorf("take the enroll lock %s: %w", s.lockPath, err)
		}
		if !said {
			waiting()
			said = true
		}
		if err := ctxsleep.Sleep(ctx, lockPoll); err != nil {
			return nil, fmt.Errorf("wait for another run's enroll lock: %w", err)
		}
	}
}
