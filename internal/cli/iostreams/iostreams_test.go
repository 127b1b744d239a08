package iostreams

import (
	"io"
	"os"
	"testing"
)

func TestTestStreamsAreNoTerminalsUntilSaid(t *testing.T) {
	s, _, _, errOut := Test()
	if s.IsStdoutTTY() || s.IsStderrTTY() || s.TerminalWidth() != 0 || s.ProgressBarEnabled() || s.ColorEnabled() {
		t.Fatal("fresh test streams claim a terminal")
	}
	s.SetTerminalWidth(80)
	if s.TerminalWidth() != 0 {
		t.Error("a width is reported for a stdout that is no terminal")
	}
	s.SetStdoutTTY(true)
	s.SetStderrTTY(true)
	if s.TerminalWidth() != 80 || !s.ProgressBarEnabled() || !s.ColorEnabled() {
		t.Errorf("fake terminal: width %d, bar %v, colour %v", s.TerminalWidth(), s.ProgressBarEnabled(), s.ColorEnabled())
	}
	s.SetQuiet(true)
	if s.ProgressBarEnabled() || s.Progress() != io.Discard {
		t.Error("quiet streams still show progress")
	}
	s.SetQuiet(false)
	if _, err := io.WriteString(s.Progress(), "note\n"); err != nil || errOut.String() != "note\n" {
		t.Errorf("progress does not go to stderr: %q, %v", errOut.String(), err)
	}
}

func TestFilesThatAreNoTerminals(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := New(nil, f, f)
	if s.IsStdoutTTY() || s.IsStderrTTY() || s.TerminalWidth() != 0 {
		t.Error("a regular file is taken for a terminal")
	}
}
