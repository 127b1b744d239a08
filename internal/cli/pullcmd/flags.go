// Package pullcmd is what the pull commands (survey-results,
// training-results, phishing-results) share: their common flags, the
// --resume journal, and the run that writes a pull's records as they
// come, with progress, a closing summary per company and the exit status.
// Each command says what it pulls and how its records are written; the
// run is the same.
package pullcmd

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
)

// Flags are the flags every pull command takes.
type Flags struct {
	Companies *cmdutil.CompanyFlags
	Resume    bool
	Format    string
	Output    string
	Pace      *cmdutil.PaceFlags
	CSVRaw    bool
	// BOM starts csv output with a UTF-8 byte-order mark (csvout.BOM says
	// why).
	BOM bool

	formats []string
	csv     []string // the formats --csv-raw and --bom apply to
	io      *iostreams.IOStreams
}

// csvFormats are the formats of comma-separated text, of any command.
var csvFormats = []string{"csv", "csv-wide"}

// binaryFormats are the formats that are no text: a terminal would show
// them as garbage, and its control bytes could act.
var binaryFormats = []string{"xlsx"}

// AddFlags registers the company selection, --resume, --format (formats,
// default first), --output, --concurrency, --rate, --csv-raw and --bom on
// cmd; allHelp says what --all-companies takes.
func AddFlags(f *cmdutil.Factory, cmd *cobra.Command, allHelp string, formats []string) *Flags {
	p := &Flags{formats: formats, io: f.IOStreams}
	for _, format := range formats {
		if slices.Contains(csvFormats, format) {
			p.csv = append(p.csv, format)
		}
	}
	csvHelp := strings.Join(p.csv, ", ")
	flags := cmd.Flags()
	p.Companies = cmdutil.AddCompanyFlags(f, cmd, allHelp)
	flags.BoolVar(&p.Resume, "resume", false, "keep a journal beside -o FILE so that a rerun fetches only what is missing")
	flags.StringVarP(&p.Format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	flags.StringVarP(&p.Output, "output", "o", "", "write to FILE (atomically, mode 0600 if new) instead of stdout; - is stdout (the format is --format's)")
	p.Pace = cmdutil.AddPaceFlags(cmd, cmdutil.RateHelp("(0: no bound; either way the pace adapts to the service's 429s)"))
	flags.BoolVar(&p.CSVRaw, "csv-raw", false, csvHelp+": keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
	flags.BoolVar(&p.BOM, "bom", false, csvHelp+": start with a UTF-8 byte-order mark, so that Excel on Windows reads names like Zoë right")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp)) // the flag exists: cannot fail
	return p
}

// Check checks the flags that need no API call, so that bad input fails
// before anything is fetched or written, and spells --format canonically.
// A command checks its own flags after these.
func (p *Flags) Check() error {
	if err := cmdutil.CheckOutputIsFile(p.Output); err != nil {
		return err
	}
	format, err := cmdutil.CanonicalFormat(p.Format, p.formats)
	if err != nil {
		return err
	}
	p.Format = format
	if err := p.Companies.Check(); err != nil {
		return err
	}
	if p.Resume && p.toStdout() {
		return cmdutil.InvalidValue("resume", "", "needs -o FILE: the journal is kept beside the output")
	}
	if err := p.Pace.Check(); err != nil {
		return err
	}
	if p.BOM && !slices.Contains(p.csv, format) {
		return cmdutil.InvalidValue("bom", "", "applies to --format "+strings.Join(p.csv, " and ")+" only")
	}
	if slices.Contains(binaryFormats, format) && p.toStdout() && p.io.IsStdoutTTY() {
		return cmdutil.InvalidValue("format", format, "is a binary file; write it with -o FILE."+format+" (or redirect stdout)")
	}
	return nil
}

// toStdout reports whether the output is stdout.
func (p *Flags) toStdout() bool { return p.Output == "" || p.Output == "-" }
