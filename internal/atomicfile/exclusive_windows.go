//go:build windows

package atomicfile

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// noFollow: Windows has no O_NOFOLLOW; refuseSymlink checks before opening
// (and creating a symlink there needs a privilege).
const noFollow = 0

// removeLockFiles: an open file cannot be removed on Windows; the lock
// file stays, which is harmless, as TryLock locks whatever file is there.
const removeLockFiles = false

func isSymlinkError(error) bool { return false }

// tryLock takes an exclusive lock on f's first byte without waiting; false
// means another process holds it.
func tryLock(f *os.File) (bool, error) {
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &windows.Overlapped{})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return false, nil
	}
	return false, err
}
