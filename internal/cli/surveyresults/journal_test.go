package surveyresults_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// A symlink planted at OUT.journal is refused before anything is fetched:
// no answer reaches its target, and the link stays.
func TestSurveyResultsResumeRefusesAPlantedJournalLink(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(3))
	dir := t.TempDir()
	target := filepath.Join(dir, "out.ndjson")
	victim := filepath.Join(t.TempDir(), "readable-by-all")
	if err := os.WriteFile(victim, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, target+".journal"); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	code, _, errOut := clitest.Run(append(allSurveyArgs, "-o", target, "--resume")...)
	if code != 2 || !strings.Contains(errOut, "symbolic link") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want 2 and one line saying the journal is a symlink", code, errOut)
	}
	if b, _ := os.ReadFile(victim); len(b) != 0 {
		t.Errorf("%d bytes reached the link's target", len(b))
	}
	if _, err := os.Lstat(target + ".journal"); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("an output was written: %v", err)
	}
}

// Three --resume runs on one output at once: each either writes the whole
// output or refuses at once, saying another run holds it; none fails on the
// other's journal, and nothing is left beside the output.
func TestSurveyResultsResumeRunsOnOneOutputTakeTurns(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(40))
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.ndjson")
	if code, _, errOut := clitest.Run(append(allSurveyArgs, "-o", clean)...); code != 0 {
		t.Fatalf("clean run: exit %d: %s", code, errOut)
	}
	target := filepath.Join(dir, "same.ndjson")
	var wg sync.WaitGroup
	type result struct {
		code   int
		errOut string
	}
	results := make([]result, 3)
	for i := range results {
		wg.Go(func() {
			code, _, errOut := clitest.Run(append(allSurveyArgs, "-o", target, "--resume")...)
			results[i] = result{code, errOut}
		})
	}
	wg.Wait()
	wrote := 0
	for _, r := range results {
		switch {
		case r.code == 0:
			wrote++
		case r.code == 2 && strings.Contains(r.errOut, "another keepnet-flow run") && strings.Count(r.errOut, "\n") == 1:
		default:
			t.Errorf("exit %d, stderr %q; want 0, or 2 saying another run holds the output", r.code, r.errOut)
		}
	}
	t.Logf("%d of 3 runs wrote the output; the others refused", wrote)
	if wrote == 0 {
		t.Error("no run wrote the output")
	}
	if got, want := clitest.MustRead(t, target), clitest.MustRead(t, clean); got != want {
		t.Errorf("the output differs from a clean run's (%d vs %d bytes)", len(got), len(want))
	}
	if names := clitest.DirEntries(t, dir); len(names) != 2 {
		t.Errorf("directory holds %v, want only the two outputs", names)
	}
}
