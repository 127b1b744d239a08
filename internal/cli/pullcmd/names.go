package pullcmd

import (
	"fmt"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// SourcesOf names a pull's sources for its closing line: `enrollment
// "Phishing Basics"` for one, "3 enrollments" for more.
func SourcesOf[R any](p *workflows.Pull[R], one, many string) string {
	if len(p.Sources) == 1 {
		return fmt.Sprintf("%s %q", one, p.Sources[0].Name)
	}
	return cmdutil.Count(len(p.Sources), one, many)
}

// CompanyNotices are a pull's notices of each company, in the CLI's
// words (cmdutil.FlagWords), as its outcome holds them so far: complete
// for every company whose sources have all been yielded.
func CompanyNotices[R any](p *workflows.Pull[R]) func(companyID string) []string {
	return func(companyID string) []string {
		for _, o := range p.Outcomes() {
			if o.Company.ID == companyID {
				return flagWords(o.Notices)
			}
		}
		return nil
	}
}

// Skipped are a pull's skipped companies, their reasons and notices in
// the CLI's words.
func Skipped[R any](p *workflows.Pull[R]) []workflows.CompanyOutcome {
	out := make([]workflows.CompanyOutcome, len(p.Skipped))
	for i, o := range p.Skipped {
		o.Skipped, o.Notices = cmdutil.FlagWords(o.Skipped), flagWords(o.Notices)
		out[i] = o
	}
	return out
}

func flagWords(notices []string) []string {
	out := make([]string, len(notices))
	for i, n := range notices {
		out[i] = cmdutil.FlagWords(n)
	}
	return out
}

// DescribeSelection says which companies a journal's run named, for the
// refusal of another run's journal.
func DescribeSelection(companies []string, all bool) string {
	if all {
		return "--all-companies"
	}
	return fmt.Sprintf("companies %q", companies)
}

// Stamp is a window's bound as a journal keeps it: RFC 3339, "" for an
// open side.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
