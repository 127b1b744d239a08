// Package version is the version command.
package version

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Options are the version command's.
type Options struct {
	Out    io.Writer
	Output *cmdutil.OutputFlags
	Build  func() keepnet.BuildInfo
}

// NewCmdVersion prints which keepnet-flow this is.
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Out: f.IOStreams.Out, Build: keepnet.Build}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `version prints the keepnet-flow version, the commit it was built from and
when, as the build recorded them; --version prints the same line. Builds
from a working tree without a stamped version say "dev".`,
		Example: `  keepnet-flow version
  keepnet-flow version --format json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	opts.Output = cmdutil.AddOutputFlags(cmd, "text", "json")
	return cmd
}

func versionRun(opts *Options) error {
	format, err := opts.Output.Parse()
	if err != nil {
		return err
	}
	dest, err := opts.Output.Open(opts.Out)
	if err != nil {
		return err
	}
	defer dest.Abort()
	b := opts.Build()
	if format == "json" {
		err = cmdutil.WriteJSON(dest, b)
	} else {
		_, err = fmt.Fprintln(dest, Line(b))
	}
	if err != nil {
		return fmt.Errorf("write version: %w", err)
	}
	return dest.Commit()
}

// Line is the one line `version` and `--version` print, e.g.
// "keepnet-flow v1.2.3 (commit 0123456789ab, built 2026-04-01T09:00:00Z, go1.26.0)".
func Line(b keepnet.BuildInfo) string {
	var details []string
	if b.Commit != "" {
		commit := b.Commit
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if b.Modified {
			commit += "+modified"
		}
		details = append(details, "commit "+commit)
	}
	if b.Date != "" {
		details = append(details, "built "+b.Date)
	}
	if b.GoVersion != "" {
		details = append(details, b.GoVersion)
	}
	if len(details) == 0 {
		return "keepnet-flow " + b.Version
	}
	return fmt.Sprintf("keepnet-flow %s (%s)", b.Version, strings.Join(details, ", "))
}
