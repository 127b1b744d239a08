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

// Data on a terminal reaches it with control characters escaped, a
// character cut between two writes included; a stream that is no terminal
// keeps the bytes.
func TestTerminalStdoutIsEscaped(t *testing.T) {
	s, _, out, _ := Test()
	if _, err := io.WriteString(s.Out, "raw\x1b[2J\n"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "raw\x1b[2J\n" {
		t.Errorf("a buffer got %q, want the bytes as written", out.String())
	}
	out.Reset()
	s.SetStdoutTTY(true)
	for _, part := range []string{"Evil\x1b]52;c;x\x07 Co \xc2", "\x9b2J\n", "\xe2\x82"} {
		if _, err := io.WriteString(s.Out, part); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := `Evil\x1b]52;c;x\x07 Co \x9b2J` + "\n" + `\xe2\x82`; out.String() != want {
		t.Errorf("the terminal got %q, want %q", out.String(), want)
	}
}
