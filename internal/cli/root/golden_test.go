package root_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
)

// goldenRuns are the commands whose output testdata/golden keeps, as the
// CLI wrote it before it took gh's shape (cmd/keepnet-flow at c7999eb,
// against the seeded world every fake starts with). Names in the golden
// files' argument lists are written with _ for spaces.
var goldenRuns = map[string]string{
	"companies-table":     "companies",
	"companies-json":      "companies -f json",
	"companies-csv":       "companies -f csv",
	"trainings-table":     "trainings --company Acme_Manufacturing",
	"trainings-json":      "trainings --company Acme_Manufacturing -f json",
	"groups-csv":          "groups --company Globex_Retail -f csv",
	"groups-table":        "groups --company Acme_Manufacturing",
	"survey-one-ndjson":   "survey-results --company Acme_Manufacturing --enrollment Security_Culture_Survey",
	"survey-one-csv":      "survey-results --company Acme_Manufacturing --enrollment Security_Culture_Survey -f csv",
	"survey-one-csv-wide": "survey-results --company Acme_Manufacturing --enrollment Security_Culture_Survey -f csv-wide",
	"survey-all-json":     "survey-results --all-companies --enrollment Security_Culture_Survey -f json",
	"survey-all-csv-wide": "survey-results --all-companies --enrollment Security_Culture_Survey -f csv-wide",
	"report-all-json":     "survey-report --all-companies --enrollment Security_Culture_Survey -f json",
	"enroll-dry-run":      "enroll --company Acme_Manufacturing --training Phishing_Fundamentals --group Finance --name Golden --dry-run",
	"rollout-dry-run":     "enroll --all-companies --skip-missing --training Phishing_Fundamentals --group Finance --name Golden --dry-run",
}

// TestOutputsAreTodays: every byte the commands write stays what it was,
// against a stable service, unless an issue names the change.
func TestOutputsAreTodays(t *testing.T) {
	clitest.Fake(t)
	for name, line := range goldenRuns {
		var args []string
		for _, w := range strings.Fields(line) {
			args = append(args, strings.ReplaceAll(w, "_", " "))
		}
		code, out, errOut := clitest.Run(append([]string{"--quiet"}, args...)...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", name, code, errOut)
			continue
		}
		want, err := os.ReadFile(filepath.Join("testdata", "golden", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Errorf("%s (%s): output differs from testdata/golden/%s.out (%d vs %d bytes)", name, line, name, len(out), len(want))
		}
	}
}
