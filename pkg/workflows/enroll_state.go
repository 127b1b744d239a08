package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// EnvStateDir, when set, is the state directory DefaultStateDir returns.
const EnvStateDir = "KEEPNET_FLOW_STATE_DIR"

// DefaultSettleWindow is how long after a create whose outcome is unknown a
// rerun of the same request keeps looking for the enrollment before it
// creates one again, when EnrollRequest.SettleWindow is zero. The service's
// listing has been seen to lag a create by seconds; minutes leave room.
const DefaultSettleWindow = 5 * time.Minute

// DefaultStateDir returns where enroll keeps its local lock and its records
// of creates whose outcome is unknown: $KEEPNET_FLOW_STATE_DIR if set, else
// $XDG_STATE_HOME/keepnet-flow, else ~/.local/state/keepnet-flow (on
// Windows, keepnet-flow\state under the user's configuration directory).
// Both are state in the XDG sense: worth keeping across runs, not worth
// backing up, and not configuration.
func DefaultStateDir() (string, error) {
	if d := os.Getenv(EnvStateDir); d != "" {
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

// enrollState is the local state of runs enrolling one name in one company:
// a lock file that runs on this machine take in turn, and a record of the
// last create whose outcome was unknown.
type enrollState struct {
	lockPath, recordPath string
}

// pendingCreate is a record of a create whose outcome is not known. It is
// written before the create is sent and removed once the outcome is known,
// so a run killed mid-create leaves one too.
type pendingCreate struct {
	Company Company   `json:"company"`
	Name    string    `json:"name"`
	Time    time.Time `json:"time"`
}

// openEnrollState prepares the state directory's files for p's company and
// name. The name is folded as findByName folds it, so runs that would find
// the same enrollment share a lock.
func openEnrollState(dir string, p *EnrollmentPlan) (*enrollState, error) {
	if dir == "" {
		var err error
		if dir, err = DefaultStateDir(); err != nil {
			return nil, err
		}
	}
	dir = filepath.Join(dir, "enroll")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the state directory: %w", err)
	}
	sum := sha256.Sum256([]byte(p.Company.ID + "\x00" + strings.ToLower(p.Name)))
	key := hex.EncodeToString(sum[:16])
	return &enrollState{
		lockPath:   filepath.Join(dir, key+".lock"),
		recordPath: filepath.Join(dir, key+".pending.json"),
	}, nil
}

// readRecord returns the record of an unknown create, if there is one. A
// record that cannot be parsed still counts, dated by its file: it can only
// have been left by a create whose outcome was not known.
func (s *enrollState) readRecord() (pendingCreate, bool, error) {
	b, err := os.ReadFile(s.recordPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return pendingCreate{}, false, nil
	case err != nil:
		return pendingCreate{}, false, fmt.Errorf("read the record of an earlier create: %w", err)
	}
	var rec pendingCreate
	if json.Unmarshal(b, &rec) != nil || rec.Time.IsZero() {
		info, err := os.Stat(s.recordPath)
		if err != nil {
			return pendingCreate{}, false, fmt.Errorf("read the record of an earlier create: %w", err)
		}
		rec.Time = info.ModTime()
	}
	return rec, true, nil
}

// writeRecord records a create about to be sent.
func (s *enrollState) writeRecord(rec pendingCreate) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("record the create: %w", err)
	}
	f, err := atomicfile.Create(s.recordPath)
	if err != nil {
		return fmt.Errorf("record the create: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return errors.Join(fmt.Errorf("record the create: %w", err), f.Abort())
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("record the create: %w", err)
	}
	return nil
}

// clearRecord removes the record: the enrollment was found or created.
func (s *enrollState) clearRecord() error {
	if err := os.Remove(s.recordPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the record of an earlier create: %w", err)
	}
	return nil
}
