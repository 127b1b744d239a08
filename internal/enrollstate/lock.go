package enrollstate

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/ctxsleep"
)

// lockPoll is how often a run waiting for another's lock tries again.
const lockPoll = 100 * time.Millisecond

// Lock takes the state's lock file, waiting while another run holds it, and
// returns its release. The lock is an advisory lock on the open file (flock
// on Unix, LockFileEx on Windows), which the kernel drops when the holder
// exits, however it exits: a lock file left by a crashed run does not count,
// and the file itself is never removed (removing it would let two runs lock
// two different files of the same name). waiting is said once if the run
// has to wait.
func (s *State) Lock(ctx context.Context, waiting func()) (func() error, error) {
	f, err := os.OpenFile(s.lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the enroll lock: %w", err)
	}
	for said := false; ; {
		ok, err := tryLock(f)
		if err != nil {
			_ = f.Close() // the lock error is the one worth reporting
			return nil, fmt.Errorf("take the enroll lock %s: %w", s.lockPath, err)
		}
		if ok {
			return func() error {
				// Closing the file releases the lock.
				if err := f.Close(); err != nil {
					return fmt.Errorf("release the enroll lock: %w", err)
				}
				return nil
			}, nil
		}
		if !said {
			waiting()
			said = true
		}
		if err := ctxsleep.Sleep(ctx, lockPoll); err != nil {
			_ = f.Close() // not locked; nothing to release
			return nil, fmt.Errorf("wait for another run's enroll lock: %w", err)
		}
	}
}
