package main

import (
	"os"
	"os/exec"
	"testing"
)

// runMainEnv makes the test binary run the program itself: subprocess tests
// re-execute it with this set rather than build a binary.
const runMainEnv = "KEEPNET_FLOW_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return // main exits; not reached
	}
	os.Exit(m.Run())
}

// programCmd returns a command that runs the program with args in a
// process of its own, with env added to the test's environment.
func programCmd(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), runMainEnv+"=1"), env...)
	return cmd
}
