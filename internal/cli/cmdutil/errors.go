package cmdutil

import (
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// FlagError is a mistake in how the program was called: a flag, an
// argument, an unknown command. The run exits 2, before anything is
// written.
type FlagError struct {
	err error
	// cmd is the command's path, when the message should point to its
	// help.
	cmd string
}

// FlagErrorf is a usage error with the message fmt.Sprintf gives.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap is err as a usage error, pointing to the help of the
// command at path cmdPath.
func FlagErrorWrap(err error, cmdPath string) error {
	return &FlagError{err: err, cmd: cmdPath}
}

// InvalidValue is the usage error of a flag's value, worded as the
// library words its own input errors: `flag "value": reason`, or
// `flag: reason` without a value.
func InvalidValue(flag, value, reason string) error {
	if value == "" {
		return FlagErrorf("%s: %s", flag, reason)
	}
	return FlagErrorf("%s %q: %s", flag, value, reason)
}

func (e *FlagError) Error() string {
	if e.cmd == "" {
		return e.err.Error()
	}
	return fmt.Sprintf("%v (see '%s --help')", e.err, e.cmd)
}

func (e *FlagError) Unwrap() error { return e.err }

// IsFlagError reports whether err is a usage error.
func IsFlagError(err error) bool {
	var fe *FlagError
	return errors.As(err, &fe)
}

// Incompletef is the error of a run that wrote everything it could get,
// but not everything: it exits 3 (workflows.ErrIncomplete), and its
// message is fmt.Sprintf's alone.
func Incompletef(format string, args ...any) error {
	return &incompleteError{msg: fmt.Sprintf(format, args...)}
}

type incompleteError struct{ msg string }

func (e *incompleteError) Error() string { return e.msg }

func (e *incompleteError) Unwrap() error { return workflows.ErrIncomplete }
