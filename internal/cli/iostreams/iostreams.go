// Package iostreams is where a command's input and output go, and what
// they are: terminals or not, how wide, and whether progress is wanted.
// Commands ask it instead of type-asserting *os.File, so tests can fake a
// terminal (Test) and reach the progress bars and the table widths.
//
// Whether stdout is a terminal is decided here, once: a terminal gets the
// data with control characters escaped (internal/termsafe), since names
// and answers from customers' directories may hold escape sequences (a
// clipboard write, a cleared screen) whatever the format; a file or a pipe
// gets the bytes as they are.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"

	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
)

// IOStreams are one run's standard streams and what is known of them.
type IOStreams struct {
	In io.Reader // nil when there is none
	// Out takes the data: CSV, JSON, tables. On a terminal it escapes
	// control characters; Flush writes what it holds back.
	Out    io.Writer
	ErrOut io.Writer // errors, notices, progress and the --debug trace; safe for concurrent use

	// stdout is the stream Out writes to; screen is Out while stdout is a
	// terminal.
	stdout io.Writer
	screen *termsafe.Writer

	stdoutTTY, stderrTTY bool
	// width returns the width of the terminal stdout is, 0 when unknown.
	width func() int
	quiet bool
	// noColor is NO_COLOR or TERM=dumb, read once when the streams are made.
	noColor bool
}

// System returns the process's own streams.
func System() *IOStreams { return New(os.Stdin, os.Stdout, os.Stderr) }

// New returns streams on in, out and errOut. A stream that is an *os.File
// on a terminal is treated as one; anything else (a pipe, a file, a
// buffer) is not.
func New(in io.Reader, out, errOut io.Writer) *IOStreams {
	s := &IOStreams{In: in, Out: out, stdout: out, ErrOut: &syncWriter{w: errOut}, width: func() int { return 0 }}
	s.noColor = os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		s.SetStdoutTTY(true)
		s.width = func() int {
			w, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0 // a terminal that cannot say its size gets the whole table
			}
			return w
		}
	}
	if f, ok := errOut.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		s.stderrTTY = true
	}
	return s
}

// Test returns streams on buffers, none of them a terminal until
// SetStdoutTTY or SetStderrTTY says otherwise.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, stdout: out, ErrOut: &syncWriter{w: errOut}, width: func() int { return 0 }}, in, out, errOut
}

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdoutTTY makes stdout a terminal, or not (tests): Out escapes what
// a terminal would act on, or keeps the bytes. Commands take Out when
// they run, so it is set before.
func (s *IOStreams) SetStdoutTTY(tty bool) {
	s.stdoutTTY = tty
	s.screen, s.Out = nil, s.stdout
	if tty {
		s.screen = termsafe.NewWriter(s.stdout)
		s.Out = s.screen
	}
}

// Flush writes what Out holds back on a terminal: the start of a
// character that a further write would have completed, escaped as the
// invalid text it now is. The run calls it once, whatever its outcome.
func (s *IOStreams) Flush() error {
	if s.screen == nil {
		return nil
	}
	if err := s.screen.Flush(); err != nil {
		return fmt.Errorf("write stdout: %w", err)
	}
	return nil
}

// SetStderrTTY makes stderr a terminal, or not (tests).
func (s *IOStreams) SetStderrTTY(tty bool) { s.stderrTTY = tty }

// SetTerminalWidth fixes the width TerminalWidth reports while stdout is a
// terminal (tests).
func (s *IOStreams) SetTerminalWidth(w int) { s.width = func() int { return w } }

// TerminalWidth is the width of the terminal stdout is, or 0 when it is
// not one: a pipe or a file takes whole lines.
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY {
		return 0
	}
	return s.width()
}

// ColorEnabled reports whether stdout may be coloured: a terminal, and
// neither NO_COLOR nor TERM=dumb set. Nothing is coloured yet; a command
// that colours must ask here first.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.noColor }

// SetQuiet turns notices and progress off (--quiet) or on.
func (s *IOStreams) SetQuiet(quiet bool) { s.quiet = quiet }

// IsQuiet reports whether notices and progress are off.
func (s *IOStreams) IsQuiet() bool { return s.quiet }

// Progress is where notices and progress lines go: stderr, or nowhere
// when quiet. Errors go to ErrOut whatever the setting.
func (s *IOStreams) Progress() io.Writer {
	if s.quiet {
		return io.Discard
	}
	return s.ErrOut
}

// ProgressBarEnabled reports whether a progress bar may be drawn: stderr
// is a terminal (a log file or a pipe gets no control characters) and
// progress is wanted.
func (s *IOStreams) ProgressBarEnabled() bool { return s.stderrTTY && !s.quiet }

// syncWriter serialises writes to stderr, which the --debug trace and log
// write from every request's goroutine while the command writes its
// notices: whole lines, never interleaved, and no race on a buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
