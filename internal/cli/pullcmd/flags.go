// Package pullcmd is what the pull commands (survey-results,
// training-results, phishing-results) share: their common flags, the
// --resume journal, and the run that writes a pull's records as they
// come, with progress, a closing summary per company and the exit status.
// Each command says what it pulls and how its records are written; the
// run is the same.
package pullcmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
)

// Flags are the flags every pull command takes.
type Flags struct {
	Companies *cmdutil.CompanyFlags
	Resume    bool
	Format    string
	Output    string
	Pace      *cmdutil.PaceFlags
	CSVRaw    bool

	formats []string
}

// AddFlags registers the company selection, --resume, --format (formats,
// default first), --output, --concurrency, --rate and --csv-raw on cmd;
// allHelp says what --all-companies takes, csvHelp which formats
// --csv-raw applies to.
func AddFlags(f *cmdutil.Factory, cmd *cobra.Command, allHelp string, formats []string, csvHelp string) *Flags {
	p := &Flags{formats: formats}
	flags := cmd.Flags()
	p.Companies = cmdutil.AddCompanyFlags(f, cmd, allHelp)
	flags.BoolVar(&p.Resume, "resume", false, "keep a journal beside -o FILE so that a rerun fetches only what is missing")
	flags.StringVarP(&p.Format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	flags.StringVarP(&p.Output, "output", "o", "", "write to FILE (atomically, mode 0600 if new) instead of stdout; - is stdout (the format is --format's)")
	p.Pace = cmdutil.AddPaceFlags(cmd, cmdutil.RateHelp("(0: no bound; either way the pace adapts to the service's 429s)"))
	flags.BoolVar(&p.CSVRaw, "csv-raw", false, csvHelp+": keep cells that start with = + - @ tab or CR as sent, instead of prefixing ' so spreadsheets do not run them")
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
	if p.Resume && (p.Output == "" || p.Output == "-") {
		return cmdutil.InvalidValue("resume", "", "needs -o FILE: the journal is kept beside the output")
	}
	return p.Pace.Check()
}
