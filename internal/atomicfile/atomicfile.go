// Package atomicfile writes a file so that readers see either the old
// content or the complete new one, never a partial write: the data goes to a
// temporary file in the target's directory, which is synced and renamed over
// the target only when the writer commits.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// perm is the mode of a new file. Survey results are personal data, so a
// new file is readable by its owner only; an existing target keeps its mode.
const perm os.FileMode = 0o600

// File is a pending replacement of a target file. It is not safe for
// concurrent use.
type File struct {
	tmp    *os.File
	target string
	mode   os.FileMode
	closed bool
}

// Create starts writing target. The temporary file is created at once, so
// an unwritable directory is reported here, before any work is done.
func Create(target string) (*File, error) {
	mode := perm
	switch info, err := os.Stat(target); {
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("%s is a directory", target)
	case err == nil:
		mode = info.Mode().Perm()
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &File{tmp: tmp, target: target, mode: mode}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.tmp.Write(p) }

// Commit makes the written data the target's content: it syncs the
// temporary file to disk before renaming it, so a crash cannot leave an
// empty or truncated target, then syncs the directory so the rename itself
// survives a crash.
func (f *File) Commit() error {
	if f.closed {
		return errors.New("atomicfile: already committed or aborted")
	}
	f.closed = true
	err := errors.Join(f.tmp.Chmod(f.mode), f.tmp.Sync())
	err = errors.Join(err, f.tmp.Close())
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.target)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", f.target, err), removeIfExists(f.tmp.Name()))
	}
	if err := syncDir(filepath.Dir(f.target)); err != nil {
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// Abort drops the written data and leaves the target as it was. It does
// nothing after Commit, so it can be deferred.
func (f *File) Abort() error {
	if f.closed {
		return nil
	}
	f.closed = true
	return errors.Join(f.tmp.Close(), removeIfExists(f.tmp.Name()))
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
