package listing_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestTableFitsTheTerminal: on a terminal the table is cut to its width;
// to a pipe, and to a file named with -o, every cell is whole.
func TestTableFitsTheTerminal(t *testing.T) {
	clitest.Fake(t)
	args := []string{"trainings", "--company", keepnettest.CompanyAcmeName}
	run := func(tty bool, width int) string {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(tty)
		ios.SetTerminalWidth(width)
		if code := clitest.RunStreams(context.Background(), ios, args); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return out.String()
	}
	whole := run(false, 0)
	width := widest(whole) - 12 // room the name column can give
	if got := run(false, width); got != whole {
		t.Errorf("a table to a pipe was cut:\n%s", got)
	}
	if got := widest(run(true, width)); got > width {
		t.Errorf("on a %d-column terminal the table is %d wide", width, got)
	}
	if got := run(true, 0); got != whole {
		t.Errorf("a terminal of unknown width cut the table:\n%s", got)
	}
	if !strings.Contains(whole, keepnettest.TrainingPhishingAdvName) {
		t.Errorf("the whole table lacks %q:\n%s", keepnettest.TrainingPhishingAdvName, whole)
	}
}

func widest(s string) int {
	w := 0
	for line := range strings.Lines(s) {
		w = max(w, uniseg.StringWidth(strings.TrimRight(line, "\n")))
	}
	return w
}
