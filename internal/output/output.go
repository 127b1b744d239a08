// Package output opens what a command's -o names, the way the user means
// it:
//
//   - "-" (or nothing) is stdout;
//   - a regular file, or a new one, is replaced atomically when the run
//     completes (internal/atomicfile), and left as it was otherwise; a new
//     file gets mode 0600, as the data is personal, and a replaced one
//     keeps its mode;
//   - a symlink is followed: the file it points to is replaced atomically
//     and the link stays;
//   - /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N are the
//     process's own descriptors (process substitution gives /dev/fd/N), and
//     are written through a duplicate of the descriptor, so appending
//     redirections and pipes behave as the shell set them up;
//   - anything else that is not a regular file, such as a FIFO or a
//     character device (/dev/null), is opened and written straight
//     through. Block devices are refused: survey data over a disk is never
//     what was meant;
//   - a descriptor or device that is a terminal (-o /dev/tty, or
//     /dev/stderr on a terminal) gets the data with control characters
//     escaped, as the CLI's stdout does (internal/termsafe): the text comes
//     from customers' directories.
package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
)

// Stdout is the -o value that means standard output.
const Stdout = "-"

// Target is an opened -o destination. It is not safe for concurrent use.
type Target struct {
	w       io.Writer
	pending *atomicfile.File // set for files replaced atomically
	opened  *os.File         // set for descriptors this package opened
	screen  *termsafe.Writer // set when opened is a terminal
	name    string
	dir     string // the real file's directory, for atomic targets
	written int64
}

// Open opens path for writing; stdout is what "-" and "" mean. Problems a
// user can fix (a missing directory, a directory, a block device, no
// permission) are reported here, before any work is done.
func Open(path string, stdout io.Writer) (*Target, error) {
	if path == "" || path == Stdout {
		return &Target{w: stdout, name: "stdout"}, nil
	}
	if fd, ok := ownDescriptor(path); ok {
		if fd == 1 {
			return &Target{w: stdout, name: path}, nil
		}
		return openDescriptor(path, fd)
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A new file, possibly at the end of a dangling symlink.
		real, err := resolve(path)
		if err != nil {
			return nil, err
		}
		return openAtomic(path, real)
	case err != nil:
		return nil, err
	case info.IsDir():
		return nil, fmt.Errorf("%s is a directory", path)
	case info.Mode().IsRegular():
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, err
		}
		return openAtomic(path, real)
	case info.Mode()&fs.ModeDevice != 0 && info.Mode()&fs.ModeCharDevice == 0:
		return nil, fmt.Errorf("%s is a block device", path)
	}
	// A FIFO, a character device: nothing to replace, only to write to.
	// O_TRUNC and O_CREATE mean nothing here and are left out.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	return opened(f, path), nil
}

// opened is the target of a descriptor this package opened: escaped for a
// terminal, as is otherwise.
func opened(f *os.File, name string) *Target {
	t := &Target{w: f, opened: f, name: name}
	if term.IsTerminal(int(f.Fd())) {
		t.screen = termsafe.NewWriter(f)
		t.w = t.screen
	}
	return t
}

// ownDescriptor recognises the names of the process's own descriptors.
func ownDescriptor(path string) (int, bool) {
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, prefix := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if rest, ok := strings.CutPrefix(path, prefix); ok {
			if fd, err := strconv.Atoi(rest); err == nil && fd >= 0 {
				return fd, true
			}
		}
	}
	return 0, false
}

// openDescriptor writes to a duplicate of fd: closing it leaves the
// original to whoever set it up.
func openDescriptor(path string, fd int) (*Target, error) {
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return opened(os.NewFile(uintptr(dup), path), path), nil
}

// maxLinks bounds symlink chains as the kernel does (ELOOP).
const maxLinks = 40

// resolve follows symlinks from path to the name a new file is to be
// created under; path itself when it is no link.
func resolve(path string) (string, error) {
	for range maxLinks {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

func openAtomic(name, real string) (*Target, error) {
	f, err := atomicfile.Create(real)
	if err != nil {
		return nil, err
	}
	return &Target{w: f, pending: f, name: name, dir: filepath.Dir(real)}, nil
}

// Write writes to the destination.
func (t *Target) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.written += int64(n)
	return n, err
}

// Commit finishes a completed run: an atomic target takes the written
// content; a descriptor this package opened is closed.
func (t *Target) Commit() error {
	switch {
	case t.pending != nil:
		return t.pending.Commit()
	case t.opened != nil:
		f := t.opened
		t.opened = nil
		var flushErr error
		if t.screen != nil {
			flushErr = t.screen.Flush()
		}
		if err := errors.Join(flushErr, f.Close()); err != nil {
			return fmt.Errorf("write %s: %w", t.name, err)
		}
	}
	return nil
}

// Abort ends a run that did not complete: an atomic target is left as it
// was, and nothing of the run's data stays on disk. It does nothing after
// Commit, so it can be deferred.
func (t *Target) Abort() error {
	switch {
	case t.pending != nil:
		return t.pending.Abort()
	case t.opened != nil:
		f := t.opened
		t.opened = nil
		return f.Close()
	}
	return nil
}

// Name is the destination as the user gave it ("stdout" for "-").
func (t *Target) Name() string { return t.name }

// Atomic reports whether the destination is a file replaced only on Commit.
func (t *Target) Atomic() bool { return t.pending != nil }

// SpoolDir is where a writer that needs scratch space should keep it: the
// real file's directory for an atomic target (known to be writable, on the
// file system the user chose for the data), else "" for os.TempDir().
func (t *Target) SpoolDir() string { return t.dir }

// Unfinished says what a run that stops now leaves at the destination, for
// the message of an interrupted or failed run.
func (t *Target) Unfinished() string {
	switch {
	case t.pending != nil:
		return "no output file was written"
	case t.written == 0:
		return "nothing was written to " + t.name
	default:
		return "what was written to " + t.name + " is incomplete"
	}
}
