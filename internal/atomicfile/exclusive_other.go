//go:build !unix && !windows

package atomicfile

import "os"

// Systems without file locks or O_NOFOLLOW (js, wasip1, plan9): the
// symlink check before opening is all there is, and TryLock always
// succeeds.
const noFollow = 0

const removeLockFiles = true

func isSymlinkError(error) bool { return false }

func tryLock(*os.File) (bool, error) { return true, nil }
