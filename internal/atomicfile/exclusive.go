package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Files a run keeps beside its output or in a state directory (a journal,
// a record of a pending create, a lock) are where a local user who can
// write to that directory could plant a symlink, to have the run write
// users' answers through it or remove something else. These helpers
// create such files only where nothing exists yet, open existing ones
// without following a symlink, and remove only the file the run holds.

// ErrSymlink is wrapped by the error of opening a path that is a symbolic
// link where a file of the run's own was expected.
var ErrSymlink = errors.New("is a symbolic link; refusing to follow it")

// ErrLocked is wrapped by the error of TryLock when another process holds
// the lock.
var ErrLocked = errors.New("is locked by another process")

// CreateExclusive creates path for reading and writing, mode 0600, failing
// with an error wrapping fs.ErrExist if anything is there already: a file,
// a directory, or a symlink, even a dangling one (O_EXCL never follows one;
// O_NOFOLLOW is added where the system has it).
func CreateExclusive(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|noFollow, perm)
}

// OpenExisting opens an existing regular file for reading and writing,
// refusing a symlink (ErrSymlink) and anything that is not a regular file.
// A missing file is an error wrapping fs.ErrNotExist.
func OpenExisting(path string) (*os.File, error) {
	if err := refuseSymlink(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|noFollow, 0)
	if err != nil {
		if isSymlinkError(err) {
			return nil, &os.PathError{Op: "open", Path: path, Err: ErrSymlink}
		}
		return nil, err
	}
	if err := checkRegular(f, path); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return f, nil
}

// refuseSymlink checks path before it is opened, for systems without
// O_NOFOLLOW; where the system has it, the open refuses a link as well.
func refuseSymlink(path string) error {
	info, err := os.Lstat(path)
	if err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return &os.PathError{Op: "open", Path: path, Err: ErrSymlink}
	}
	return nil
}

func checkRegular(f *os.File, path string) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	return nil
}

// RemoveOwn removes path if it is still the file f, which the caller
// created or opened (by CreateExclusive or OpenExisting): a file someone
// has put in its place since is left alone, and reported. A path already
// gone is not an error.
func RemoveOwn(path string, f *os.File) error {
	mine, err := f.Stat()
	if err != nil {
		return err
	}
	there, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !os.SameFile(mine, there):
		return fmt.Errorf("%s is no longer the file this run made; left in place", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Lock is an exclusive lock held through a lock file; see TryLock.
type Lock struct {
	f    *os.File
	path string
}

// TryLock takes an exclusive lock named by path without waiting: an error
// wrapping ErrLocked says another process holds it. The lock is the
// system's advisory lock on the open file (flock on Unix, LockFileEx on
// Windows), which the kernel drops when the holder exits, however it
// exits, so a lock file left by a killed run locks nothing. A symlink at
// path is refused. Release removes the file where the system allows
// removing a locked file (Unix): a run that opened the file just before it
// was removed finds, once it holds the lock, that the path is no longer its
// file, and tries again on the new one, so two runs never hold locks on two
// files of one name.
func TryLock(path string) (*Lock, error) {
	for range 10 {
		if err := refuseSymlink(path); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|noFollow, perm)
		if err != nil {
			if isSymlinkError(err) {
				return nil, &os.PathError{Op: "open", Path: path, Err: ErrSymlink}
			}
			return nil, err
		}
		if err := checkRegular(f, path); err != nil {
			return nil, errors.Join(err, f.Close())
		}
		ok, err := tryLock(f)
		if err != nil || !ok {
			_ = f.Close() // not locked; nothing to release
			if err != nil {
				return nil, fmt.Errorf("lock %s: %w", path, err)
			}
			return nil, &os.PathError{Op: "lock", Path: path, Err: ErrLocked}
		}
		mine, err1 := f.Stat()
		there, err2 := os.Lstat(path)
		if err1 == nil && err2 == nil && os.SameFile(mine, there) {
			return &Lock{f: f, path: path}, nil
		}
		_ = f.Close() // the file was removed by its last holder: lock the new one
	}
	return nil, fmt.Errorf("lock %s: the lock file keeps changing", path)
}

// Release gives the lock up and removes its file where that is safe.
func (l *Lock) Release() error {
	var err error
	if removeLockFiles {
		err = RemoveOwn(l.path, l.f)
	}
	return errors.Join(err, l.f.Close())
}
