package enrollments_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestNewestFirstInOneDateFormat: enrollments come newest first, as the
// help says, whatever order the service lists them in, and the table
// shows every date one way; json keeps the service's text.
func TestNewestFirstInOneDateFormat(t *testing.T) {
	args := []string{"enrollments", "--company", keepnettest.CompanyAcmeName}
	clitest.Fake(t)
	code, out, errOut := clitest.Run(append(args, "-f", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []struct{ ID, CreateTime, StartDate string }
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) < 3 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	created := make([]string, len(rows))
	for i, r := range rows {
		created[i] = r.CreateTime // .NET dates without a zone: they sort as text
	}
	if !slices.IsSortedFunc(created, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("json rows not newest first: %q", created)
	}
	if !strings.Contains(out, rows[0].StartDate) || !strings.Contains(rows[0].StartDate, "/") {
		t.Errorf("json does not keep the service's start date %q", rows[0].StartDate)
	}

	for _, seed := range []uint64{1, 2, 3} {
		clitest.Fake(t, keepnettest.WithUnstableOrder(seed))
		code, shuffled, errOut := clitest.Run(append(args, "-f", "json")...)
		if code != 0 || shuffled != out {
			t.Errorf("seed %d: exit %d (%s); the order follows the service's:\n%s", seed, code, errOut, shuffled)
		}
	}

	code, table, errOut := clitest.Run(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	iso := regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}`)
	for i, line := range strings.Split(strings.TrimSpace(table), "\n")[1:] {
		if n := len(iso.FindAllString(line, -1)); n != 2 || strings.Contains(line, "/") || strings.Contains(line, "T") && strings.Contains(line, ".") {
			t.Errorf("row %d shows %d dates in the table's format: %q", i, n, line)
		}
		if !strings.HasPrefix(line, rows[i].ID) {
			t.Errorf("table row %d is not %s, the json's: %q", i, rows[i].ID, line)
		}
	}
}
