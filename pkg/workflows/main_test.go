package workflows_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// TestMain keeps every enroll of this package's tests and examples out of
// the user's real state directory; tests that need one of their own set it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keepnet-flow-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.Setenv(workflows.EnvStateDir, dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
