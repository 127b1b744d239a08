//go:build linux

package root_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
)

// openPTY returns a pseudo-terminal: what is written to tty shows up,
// as a terminal would receive it, on the returned channel once tty is
// closed.
func openPTY(t *testing.T) (tty *os.File, screen <-chan []byte) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { _ = master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pty number: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		_, err := io.Copy(&b, master)
		if err != nil && !errors.Is(err, syscall.EIO) { // EIO: the terminal side closed
			b.WriteString("\nread error: " + err.Error())
		}
		got <- b.Bytes()
	}()
	return tty, got
}

// hostileName is a customer's company name that, printed raw, writes to
// the clipboard (OSC 52), clears the screen with a C1 CSI and rings the bell.
const hostileName = "Evil\x1b]52;c;cm0gLXJmIH4=\x07 Co \u009b2J\x08"

// Whatever the format, data printed to a terminal reaches it with control
// characters escaped; the same data through a pipe keeps its bytes.
func TestTerminalGetsEscapedData(t *testing.T) {
	srv := clitest.Fake(t)
	co := srv.AddCompany(hostileName, true)
	srv.AddSurvey(co.ID, "Poisoned Survey", 3)
	for _, args := range [][]string{
		{"survey-results", "--company", co.ID, "--enrollment", "Poisoned Survey", "-f", "csv"},
		{"survey-results", "--company", co.ID, "--enrollment", "Poisoned Survey", "-f", "ndjson"},
		{"survey-results", "--company", co.ID, "--enrollment", "Poisoned Survey", "-f", "csv-wide"},
		{"companies", "-f", "json"},
		{"companies", "-f", "csv"},
		{"companies"},
	} {
		t.Run(strings.Join(args[:1], " ")+" "+args[len(args)-1], func(t *testing.T) {
			tty, screen := openPTY(t)
			var errOut bytes.Buffer
			code := clitest.RunOn(context.Background(), args, tty, &errOut)
			_ = tty.Close()
			shown := <-screen
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			for _, raw := range []string{"\x1b", "\x07", "\x08", "\u009b"} {
				if bytes.Contains(shown, []byte(raw)) {
					t.Errorf("the terminal received %q:\n%q", raw, shown)
				}
			}
			escaped := `Evil\x1b]52;c;`
			if isJSON := strings.HasSuffix(args[len(args)-1], "json"); isJSON {
				escaped = `Co \x9b2J` // encoding/json escapes C0 itself, as \u001b
			}
			if !bytes.Contains(shown, []byte(escaped)) {
				t.Errorf("the name is not shown escaped:\n%q", shown)
			}

			// A pipe keeps the service's bytes.
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan []byte)
			go func() { b, _ := io.ReadAll(r); done <- b }()
			code = clitest.RunOn(context.Background(), args, w, &errOut)
			_ = w.Close()
			piped := <-done
			wantRaw := hostileName
			if args[len(args)-1] == "json" || args[len(args)-1] == "ndjson" {
				wantRaw = "\u009b2J" // encoding/json writes C0 as \u escapes itself
			}
			if args[0] == "companies" && len(args) == 1 {
				wantRaw = `Evil\x1b]52;c;` // tables are always escaped
			}
			if code != 0 || !bytes.Contains(piped, []byte(wantRaw)) {
				t.Errorf("exit %d; the pipe did not get %q as sent:\n%q", code, wantRaw, piped)
			}
		})
	}
}

// --debug prints what the service sent (bodies, headers) with control
// characters escaped, whatever stderr is.
func TestDebugOutputIsEscaped(t *testing.T) {
	srv := clitest.Fake(t)
	srv.AddCompany(hostileName, true)
	code, _, errOut := clitest.Run("--debug", "companies")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "companies/search") {
		t.Fatalf("no trace on stderr:\n%s", errOut)
	}
	for _, raw := range []string{"\x1b", "\x07", "\x08", "\u009b"} {
		if strings.Contains(errOut, raw) {
			t.Errorf("--debug wrote %q raw", raw)
		}
	}
}
