package cmdutil

import (
	"fmt"
	"io"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// NoticeSkipped lists, on w, the companies of a pull from all companies
// that have nothing to pull. without names what they all lack (`survey
// "X"`); empty, each company's own reason is given.
func NoticeSkipped[R any](w io.Writer, pull *workflows.Pull[R], without string) {
	if len(pull.Skipped) == 0 {
		return
	}
	names := make([]string, len(pull.Skipped))
	for i, sk := range pull.Skipped {
		// %q: a name from the server reaches the terminal escaped.
		names[i] = fmt.Sprintf("%q (%s)", sk.Company.Name, sk.Company.ID)
		if without == "" {
			names[i] += ": " + OneLine(FlagWords(sk.Skipped))
		}
	}
	companies := map[string]bool{}
	for _, s := range pull.Sources {
		companies[s.Company.ID] = true
	}
	all := Count(len(pull.Skipped)+len(companies)+len(pull.Failed), "company", "companies")
	if without == "" {
		fmt.Fprintf(w, "keepnet-flow: skipping %d of %s: %s\n", len(pull.Skipped), all, strings.Join(names, "; "))
		return
	}
	fmt.Fprintf(w, "keepnet-flow: skipping %d of %s without %s: %s\n", len(pull.Skipped), all, without, strings.Join(names, ", "))
}
