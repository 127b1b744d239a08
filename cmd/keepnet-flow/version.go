package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// newVersionCmd prints which keepnet-flow this is.
func newVersionCmd(a *app) *cobra.Command {
	var out *outputFlags
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `version prints the keepnet-flow version, the commit it was built from and
when, as the build recorded them; --version prints the same line. Builds
from a working tree without a stamped version say "dev".`,
		Example: `  keepnet-flow version
  keepnet-flow version --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := out.parse()
			if err != nil {
				return err
			}
			dest, err := out.open(a)
			if err != nil {
				return err
			}
			defer dest.abort()
			b := keepnet.Build()
			if format == "json" {
				err = writeJSON(dest, b)
			} else {
				_, err = fmt.Fprintln(dest, versionLine(b))
			}
			if err != nil {
				return fmt.Errorf("write version: %w", err)
			}
			return dest.commit()
		},
	}
	out = addOutputFlags(cmd, "text", "json")
	return cmd
}

// versionLine is the one line `version` and `--version` print, e.g.
// "keepnet-flow v1.2.3 (commit 0123456789ab, built 2026-04-01T09:00:00Z, go1.26.0)".
func versionLine(b keepnet.BuildInfo) string {
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
