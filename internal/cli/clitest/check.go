package clitest

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// NDJSON reads ndjson output, one object a line.
func NDJSON(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not an ndjson line: %v: %q", err, line)
		}
		recs = append(recs, r)
	}
	return recs
}

// CSV reads CSV output, its header first.
func CSV(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	return rows
}

// Column is the index of the column name in header, failing the test
// when there is none.
func Column(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, header)
	return -1
}

// RefusedUpFront fails the test unless a run was refused as bad input:
// exit 2, one line on stderr naming every one of want, nothing on stdout,
// and nothing in dir.
func RefusedUpFront(t *testing.T, dir string, code int, stdout, stderr string, want ...string) {
	t.Helper()
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
	}
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stderr = %q, want one line", stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q does not mention %q", stderr, w)
		}
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing written", stdout)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("%s holds %v after bad input (%v)", dir, entries, err)
	}
}

// TerminalControls are the bytes a terminal acts on that hostile names
// carry (keepnettest.PoisonedNames): none may reach a terminal raw.
var TerminalControls = []string{"\x1b", "\x07", "\x08", "\r", "\u009b"}

// FormulaStart reports whether a CSV cell would run as a formula in a
// spreadsheet.
func FormulaStart(cell string) bool {
	return cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r")
}

// WholeUnderUnstableOrder runs args against a fake of world, then against
// fakes whose pages are cut from an order that moves (one per seed): each
// run must write the stable run's users, each once, or fail naming the
// listing it could not read whole. key names a user of an ndjson record.
func WholeUnderUnstableOrder(t *testing.T, world []keepnettest.Option, args []string, key func(map[string]any) string) {
	t.Helper()
	users := func(out string) []string {
		var keys []string
		for _, r := range NDJSON(t, out) {
			keys = append(keys, key(r))
		}
		slices.Sort(keys)
		return keys
	}
	Fake(t, world...)
	code, stable, errOut := Run(args...)
	if code != 0 {
		t.Fatalf("stable: exit %d: %s", code, errOut)
	}
	want := users(stable)
	for _, seed := range []uint64{1, 2} {
		Fake(t, append(slices.Clone(world), keepnettest.WithUnstableOrder(seed))...)
		code, out, errOut := Run(args...)
		got := users(out)
		switch {
		case code == 0 && !slices.Equal(got, want):
			t.Errorf("seed %d: exit 0 with %d users, want the stable %d, each once", seed, len(got), len(want))
		case code != 0 && !strings.Contains(errOut, "listing"):
			t.Errorf("seed %d: exit %d without saying which listing: %s", seed, code, errOut)
		}
		for i := 1; i < len(got); i++ {
			if got[i] == got[i-1] {
				t.Errorf("seed %d: user %s written twice", seed, got[i])
			}
		}
	}
}
