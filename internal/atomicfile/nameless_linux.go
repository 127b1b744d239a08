package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// nameless opens a file in dir that has no name. O_TMPFILE is tried first;
// file systems and kernels without it answer EOPNOTSUPP, EISDIR or EINVAL,
// and get the unlinked temporary file.
func nameless(dir string) (f *os.File, linkable bool, err error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, uint32(perm))
	if err == nil {
		return os.NewFile(uintptr(fd), filepath.Join(dir, "(nameless)")), true, nil
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
		f, err := unlinkedTemp(dir)
		return f, false, err
	}
	return nil, false, &os.PathError{Op: "create a file in", Path: dir, Err: err}
}

// link gives an O_TMPFILE file the name to. Through /proc it needs no
// privilege; AT_EMPTY_PATH on the descriptor is tried when /proc is not
// mounted (it needs CAP_DAC_READ_SEARCH).
func link(f *os.File, to string) error {
	proc := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, to, unix.AT_SYMLINK_FOLLOW)
	if err == nil {
		return nil
	}
	if err2 := unix.Linkat(int(f.Fd()), "", unix.AT_FDCWD, to, unix.AT_EMPTY_PATH); err2 == nil {
		return nil
	}
	return &os.LinkError{Op: "link", Old: proc, New: to, Err: err}
}
