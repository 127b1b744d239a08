package cmdutil

import (
	"fmt"
	"io"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// NoticeSkipped lists, on w, the companies of a pull from all companies
// that lack the survey.
func NoticeSkipped(w io.Writer, pull *workflows.Pull[workflows.SurveyRecord], enrollment string) {
	if len(pull.Skipped) == 0 {
		return
	}
	names := make([]string, len(pull.Skipped))
	for i, sk := range pull.Skipped {
		// %q: a name from the server reaches the terminal escaped.
		names[i] = fmt.Sprintf("%q (%s)", sk.Company.Name, sk.Company.ID)
	}
	all := len(pull.Skipped) + len(pull.Sources) + len(pull.Failed)
	fmt.Fprintf(w, "keepnet-flow: skipping %d of %s without survey %q: %s\n",
		len(pull.Skipped), Count(all, "company", "companies"), enrollment, strings.Join(names, ", "))
}
