// Package statedir finds the directory where keepnet-flow keeps state
// between runs: enroll's locks and records, the pace learned of the
// service.
package statedir

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDir, when set, is the state directory Default returns.
const EnvDir = "KEEPNET_FLOW_STATE_DIR"

// Default returns where keepnet-flow keeps its local state:
// $KEEPNET_FLOW_STATE_DIR if set, else
// $XDG_STATE_HOME/keepnet-flow, else ~/.local/state/keepnet-flow (on
// Windows, keepnet-flow\state under the user's configuration directory).
// Both are state in the XDG sense: worth keeping across runs, not worth
// backing up, and not configuration.
func Default() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	if runtime.GOOS == "windows" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the state directory: %w", err)
		}
		return filepath.Join(d, "keepnet-flow", "state"), nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) { // the XDG spec ignores relative paths
		return filepath.Join(d, "keepnet-flow"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "keepnet-flow"), nil
}
