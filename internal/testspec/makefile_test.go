package testspec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeSaysInOneLineHowToInstallTheSpec: on a fresh clone without
// ../shared, where the vendor's URL cannot be reached, `make test` stops at
// the spec with one line that says how to install it.
func TestMakeSaysInOneLineHowToInstallTheSpec(t *testing.T) {
	for _, tool := range []string{"make", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "keepnet-flow") // no ../shared beside it
	if err := os.MkdirAll(clone, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clone, "Makefile"), makefile, 0o600); err != nil {
		t.Fatal(err)
	}
	// A vendor URL that refuses at once stands for one the network blocks.
	cmd := exec.Command("make", "--no-print-directory", "spec-verify", "VENDOR_URL=http://127.0.0.1:1/keepnet-api-spec.json")
	cmd.Dir = clone
	// Run as from a shell, not as a sub-make of the make running the tests.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); name != "MAKEFLAGS" && name != "MAKELEVEL" && name != "MFLAGS" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("spec-verify succeeded without a spec")
	}
	var ours []string
	for line := range strings.Lines(stderr.String()) {
		if !strings.Contains(line, ": *** [") { // make's own line about the failed target
			ours = append(ours, line)
		}
	}
	if len(ours) != 1 || !strings.Contains(ours[0], "make spec SPEC=") {
		t.Errorf("stderr %q; want one line saying to run make spec SPEC=…", stderr.String())
	}
}
