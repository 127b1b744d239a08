package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keepnet-flow/keepnet-flow/internal/output"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// outputFlags are --format (-f) and --output (-o), the same in every
// command: the format is chosen with one, the file named with the other, and
// stdout is the default.
type outputFlags struct {
	format  string
	output  string
	formats []string // accepted values, lower case, default first
}

// allFormatNames are the format names of every command. An --output value
// spelled like one is almost surely the old "-o json", which picked the
// format in the discovery commands.
var allFormatNames = []string{"table", "text", "json", "ndjson", "csv", "csv-wide"}

// addOutputFlags registers --format and --output on cmd; formats are the
// values --format accepts, default first.
func addOutputFlags(cmd *cobra.Command, formats ...string) *outputFlags {
	o := &outputFlags{formats: formats}
	cmd.Flags().StringVarP(&o.format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write to FILE (atomically) instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	return o
}

// parse checks both flags without touching anything and returns the format
// in its canonical (lower-case) spelling.
func (o *outputFlags) parse() (string, error) {
	if err := checkOutputIsFile(o.output); err != nil {
		return "", err
	}
	return canonicalFormat(o.format, o.formats)
}

// canonicalFormat returns format as the command spells it: values are
// case-insensitive everywhere.
func canonicalFormat(format string, formats []string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(format))
	if !slices.Contains(formats, f) {
		return "", &workflows.InputError{Field: "format", Value: format, Reason: "is not one of " + strings.Join(formats, ", ")}
	}
	return f, nil
}

// checkOutputIsFile refuses an --output that names a format: it is a file
// name now, and writing a file called "json" is not what was meant.
func checkOutputIsFile(output string) error {
	name := strings.ToLower(strings.TrimSpace(output))
	if !slices.Contains(allFormatNames, name) {
		return nil
	}
	return &workflows.InputError{
		Field:  "output",
		Value:  output,
		Reason: "names the file to write; to choose the format use --format " + name + " (-f " + name + "), or pass ./" + output + " for a file of that name",
	}
}

// toStdout reports whether the data goes to stdout.
func (o *outputFlags) toStdout() bool { return o.output == "" || o.output == "-" }

// destination is where a command writes its data: stdout, or a file that
// appears only when commit is called.
type destination struct {
	io.Writer
	commit func() error
	abort  func()
}

// open returns the destination, as internal/output opens it: a file
// appears only when complete, a symlink's target is replaced, a FIFO or
// device is written straight through, - is stdout. It is opened before any
// API call, so an unwritable path is bad input that costs nothing.
func (o *outputFlags) open(a *app) (*destination, error) {
	if o.output == "" {
		return &destination{Writer: a.stdout(), commit: func() error { return nil }, abort: func() {}}, nil
	}
	target, err := output.Open(o.output, a.stdout())
	if err != nil {
		return nil, &workflows.InputError{Field: "output", Value: o.output, Reason: "cannot be written: " + err.Error()}
	}
	// After Commit, Abort does nothing; on failure the run's own error is
	// the one to report.
	return &destination{Writer: target, commit: target.Commit, abort: func() { _ = target.Abort() }}, nil
}

// stdout is where a command writes its data (CSV, JSON, tables). Whether
// that is a terminal is decided here, once: a terminal gets the data with
// control characters escaped (termsafe.Writer), since names and answers
// from customers' directories may hold escape sequences (a clipboard write,
// a cleared screen) whatever the format; a file or a pipe gets the bytes as
// they are.
func (a *app) stdout() io.Writer {
	if !a.term.checked {
		a.term.checked = true
		if isTerminal(a.out) {
			a.term.screen = termsafe.NewWriter(a.out)
		}
	}
	if a.term.screen != nil {
		return a.term.screen
	}
	return a.out
}

// stdoutState is what stdout() decided: screen is set when stdout is a
// terminal.
type stdoutState struct {
	checked bool
	screen  *termsafe.Writer
}

// flushStdout writes what the terminal writer holds back (the start of a
// character a further write would have completed).
func (a *app) flushStdout() error {
	if a.term.screen == nil {
		return nil
	}
	if err := a.term.screen.Flush(); err != nil {
		return fmt.Errorf("write stdout: %w", err)
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// terminalWidth is the width of the terminal stdout is, or 0 when it is not
// one (a pipe or a file takes whole lines).
func (a *app) terminalWidth() int {
	file, ok := a.out.(*os.File)
	if !ok || !term.IsTerminal(int(file.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(file.Fd()))
	if err != nil {
		return 0 // a terminal that cannot say its size gets the whole table
	}
	return width
}
