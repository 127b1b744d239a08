package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/output"
)

// OutputFlags are --format (-f) and --output (-o), the same in every
// command: the format is chosen with one, the file named with the other,
// and stdout is the default.
type OutputFlags struct {
	Format  string
	Output  string
	formats []string // accepted values, lower case, default first
}

// allFormatNames are the format names of every command. An --output value
// spelled like one is almost surely the old "-o json", which picked the
// format in the discovery commands.
var allFormatNames = []string{"table", "text", "json", "ndjson", "csv", "csv-wide", "xlsx"}

// AddOutputFlags registers --format and --output on cmd; formats are the
// values --format accepts, default first.
func AddOutputFlags(cmd *cobra.Command, formats ...string) *OutputFlags {
	o := &OutputFlags{formats: formats}
	cmd.Flags().StringVarP(&o.Format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "write to FILE (atomically) instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	return o
}

// Parse checks both flags without touching anything and returns the
// format in its canonical (lower-case) spelling.
func (o *OutputFlags) Parse() (string, error) {
	if err := CheckOutputIsFile(o.Output); err != nil {
		return "", err
	}
	return CanonicalFormat(o.Format, o.formats)
}

// ToStdout reports whether the data goes to stdout.
func (o *OutputFlags) ToStdout() bool { return o.Output == "" || o.Output == output.Stdout }

// CanonicalFormat returns format as the command spells it: values are
// case-insensitive everywhere.
func CanonicalFormat(format string, formats []string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(format))
	if !slices.Contains(formats, f) {
		return "", InvalidValue("format", format, "is not one of "+strings.Join(formats, ", "))
	}
	return f, nil
}

// CheckOutputIsFile refuses an --output that names a format: it is a file
// name now, and writing a file called "json" is not what was meant.
func CheckOutputIsFile(out string) error {
	name := strings.ToLower(strings.TrimSpace(out))
	if !slices.Contains(allFormatNames, name) {
		return nil
	}
	return InvalidValue("output", out, "names the file to write; to choose the format use --format "+name+" (-f "+name+"), or pass ./"+out+" for a file of that name")
}

// OpenOutput opens -o's target as internal/output opens it: a file appears
// only when committed, a symlink's target is replaced, a FIFO or device is
// written straight through, - is stdout. It is opened before any API call,
// so an unwritable path is bad input that costs nothing.
func OpenOutput(path string, stdout io.Writer) (*output.Target, error) {
	t, err := output.Open(path, stdout)
	if err != nil {
		return nil, InvalidValue("output", path, "cannot be written: "+err.Error())
	}
	return t, nil
}

// Destination is where a command writes its data: stdout, or a file that
// appears only when Commit is called.
type Destination struct {
	io.Writer
	commit func() error
	abort  func()
}

// Commit makes the data the command wrote the output.
func (d *Destination) Commit() error { return d.commit() }

// Abort drops what was written, unless it was committed.
func (d *Destination) Abort() { d.abort() }

// Open returns the destination of --output (see OpenOutput).
func (o *OutputFlags) Open(stdout io.Writer) (*Destination, error) {
	if o.Output == "" {
		return &Destination{Writer: stdout, commit: func() error { return nil }, abort: func() {}}, nil
	}
	target, err := OpenOutput(o.Output, stdout)
	if err != nil {
		return nil, err
	}
	// After Commit, Abort does nothing; on failure the run's own error is
	// the one to report.
	return &Destination{Writer: target, commit: target.Commit, abort: func() { _ = target.Abort() }}, nil
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
