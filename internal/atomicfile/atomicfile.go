// Package atomicfile writes a file so that readers see either the old
// content or the complete new one, never a partial write, and so that a run
// that does not finish leaves nothing behind, not even after SIGKILL.
//
// The data goes to a file in the target's directory that has no name while
// it is written: on Linux one opened with O_TMPFILE, which Commit links into
// place; elsewhere, or on file systems without O_TMPFILE, a temporary file
// unlinked as soon as it is opened, whose content Commit copies into a
// named temporary file just before renaming it over the target. A process
// killed while writing leaves only an inode the kernel frees.
package atomicfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// perm is the mode of a new file. Survey results are personal data, so a
// new file is readable by its owner only; an existing target keeps its mode.
const perm os.FileMode = 0o600

// File is a pending replacement of a target file. It is not safe for
// concurrent use.
type File struct {
	tmp *os.File
	// linkable is set when tmp was opened with O_TMPFILE and can be given
	// a name with linkat; otherwise its content is copied at Commit.
	linkable bool
	target   string
	mode     os.FileMode
	closed   bool
}

// Create starts writing target, a regular file or a new one (callers
// resolve symlinks first: see internal/output). The nameless file is
// created at once, so an unwritable directory is reported here, before any
// work is done.
func Create(target string) (*File, error) {
	mode := perm
	switch info, err := os.Stat(target); {
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("%s is a directory", target)
	case err == nil && !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", target)
	case err == nil:
		mode = info.Mode().Perm()
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	tmp, linkable, err := nameless(dirOf(target))
	if err != nil {
		return nil, err
	}
	return &File{tmp: tmp, linkable: linkable, target: target, mode: mode}, nil
}

// Anonymous returns a read-write file in dir (os.TempDir() when empty) that
// has no name, for spooling data the process reads back itself. Closing it
// frees it; so does the process ending, however it ends.
func Anonymous(dir string) (*os.File, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, _, err := nameless(dir)
	return f, err
}

func dirOf(path string) string {
	if dir := filepath.Dir(path); dir != "" {
		return dir
	}
	return "."
}

// Write writes to the nameless file.
func (f *File) Write(p []byte) (int, error) { return f.tmp.Write(p) }

// Commit makes the written data the target's content: it syncs the data to
// disk before the file gets its name, so a crash cannot leave an empty or
// truncated target, then syncs the directory so the name itself survives a
// crash.
func (f *File) Commit() error {
	if f.closed {
		return errors.New("atomicfile: already committed or aborted")
	}
	f.closed = true
	err := f.place()
	err = errors.Join(err, f.tmp.Close())
	if err != nil {
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	if err := syncDir(dirOf(f.target)); err != nil {
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// place gives the written data the target's name.
func (f *File) place() error {
	if err := errors.Join(f.tmp.Chmod(f.mode), f.tmp.Sync()); err != nil {
		return err
	}
	if f.linkable {
		// A new target can be linked in directly: linkat never replaces,
		// so a target created meanwhile is replaced by rename below.
		if _, err := os.Lstat(f.target); errors.Is(err, os.ErrNotExist) {
			if err := link(f.tmp, f.target); err == nil {
				return nil
			}
		}
		name, err := tempName(f.target)
		if err != nil {
			return err
		}
		if err := link(f.tmp, name); err == nil {
			return renameOrRemove(name, f.target)
		}
		// Linking can fail where O_TMPFILE worked (no /proc): copy instead.
	}
	return f.copyInto()
}

// copyInto copies the nameless file into a new named temporary file and
// renames that over the target; the name exists only for the copy.
func (f *File) copyInto() error {
	named, err := os.CreateTemp(dirOf(f.target), "."+filepath.Base(f.target)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.tmp.Seek(0, io.SeekStart); err != nil {
		return errors.Join(err, named.Close(), removeIfExists(named.Name()))
	}
	_, err = io.Copy(named, f.tmp)
	err = errors.Join(err, named.Chmod(f.mode), named.Sync())
	err = errors.Join(err, named.Close())
	if err != nil {
		return errors.Join(err, removeIfExists(named.Name()))
	}
	return renameOrRemove(named.Name(), f.target)
}

func renameOrRemove(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return errors.Join(err, removeIfExists(from))
	}
	return nil
}

// tempName is an unused-looking name beside target for the moment between
// link and rename.
func tempName(target string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return filepath.Join(dirOf(target), fmt.Sprintf(".%s.tmp-%x", filepath.Base(target), b)), nil
}

// Abort drops the written data and leaves the target as it was. It does
// nothing after Commit, so it can be deferred.
func (f *File) Abort() error {
	if f.closed {
		return nil
	}
	f.closed = true
	return f.tmp.Close()
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

// unlinkedTemp is the portable nameless file: created with a name and
// unlinked at once.
func unlinkedTemp(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".keepnet-flow.tmp-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return f, nil
}
