//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

// nameless opens a file in dir that has no name: without O_TMPFILE, a
// temporary file unlinked at once.
func nameless(dir string) (*os.File, bool, error) {
	f, err := unlinkedTemp(dir)
	return f, false, err
}

func link(*os.File, string) error { return errors.ErrUnsupported }
