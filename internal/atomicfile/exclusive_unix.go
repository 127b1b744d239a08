//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// noFollow makes an open fail on a symlink (ELOOP).
const noFollow = syscall.O_NOFOLLOW

// removeLockFiles: a locked file can be removed on Unix, and TryLock
// checks, once locked, that its file is still the one at the path.
const removeLockFiles = true

func isSymlinkError(err error) bool { return errors.Is(err, syscall.ELOOP) }

// tryLock takes an exclusive flock on f without waiting; false means
// another process holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, unix.EINTR):
			continue
		}
		return false, err
	}
}
