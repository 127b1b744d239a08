package enrollstate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/statedir"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// State is the local state of runs enrolling one name in one company: a
// lock file that runs on this machine take in turn, and a record of the
// last create whose outcome was unknown.
type State struct {
	lockPath, recordPath string
}

// Pending is a record of a create whose outcome is not known. It is
// written before the create is sent and removed once the outcome is known,
// so a run killed mid-create leaves one too.
type Pending struct {
	Company Company   `json:"company"`
	Name    string    `json:"name"`
	Time    time.Time `json:"time"`
}

// Company is the company a record names.
type Company struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Open prepares the state directory's files for a company's enrollment
// name (dir empty: statedir.Default). The name is folded to lower case, as the
// enroll flow matches names, so runs that would find the same enrollment
// share a lock.
func Open(dir, companyID, name string) (*State, error) {
	if dir == "" {
		var err error
		if dir, err = statedir.Default(); err != nil {
			return nil, err
		}
	}
	dir = filepath.Join(dir, "enroll")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the state directory: %w", err)
	}
	sum := sha256.Sum256([]byte(companyID + "\x00" + strings.ToLower(name)))
	key := hex.EncodeToString(sum[:16])
	return &State{
		lockPath:   filepath.Join(dir, key+".lock"),
		recordPath: filepath.Join(dir, key+".pending.json"),
	}, nil
}

// ReadRecord returns the record of an unknown create, if there is one. A
// record that cannot be parsed still counts, dated by its file: it can only
// have been left by a create whose outcome was not known.
func (s *State) ReadRecord() (Pending, bool, error) {
	// A symlink planted in the record's place is refused, not followed.
	f, err := atomicfile.OpenExisting(s.recordPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Pending{}, false, nil
	case err != nil:
		return Pending{}, false, fmt.Errorf("read the record of an earlier create: %w", err)
	}
	defer f.Close() //nolint:errcheck // read only
	b, err := io.ReadAll(io.LimitReader(f, maxRecord))
	if err != nil {
		return Pending{}, false, fmt.Errorf("read the record of an earlier create: %w", err)
	}
	var rec Pending
	if json.Unmarshal(b, &rec) != nil || rec.Time.IsZero() {
		info, err := f.Stat()
		if err != nil {
			return Pending{}, false, fmt.Errorf("read the record of an earlier create: %w", err)
		}
		rec.Time = info.ModTime()
	}
	return rec, true, nil
}

// maxRecord bounds what is read of a record: it is a few hundred bytes.
const maxRecord = 64 << 10

// WriteRecord records a create about to be sent.
func (s *State) WriteRecord(rec Pending) error {
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

// ClearRecord removes the record: the enrollment was found or created.
func (s *State) ClearRecord() error {
	if err := os.Remove(s.recordPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the record of an earlier create: %w", err)
	}
	return nil
}
