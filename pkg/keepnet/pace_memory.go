package keepnet

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// WithPaceMemory keeps what the client learns about the service's rate
// limit in the directory dir, so that the next client with the same base
// URL and client ID starts at the pace this one found instead of finding it
// again from 429s. What is kept is a rate and when it was measured, in a
// file readable by its owner only; a rate older than a day is not used.
// The client still probes above it, so a raised limit is found. An empty
// dir keeps nothing, as without the option. The directory is created if
// missing. A file that cannot be read or written only costs the head
// start, and is logged at Debug level.
func WithPaceMemory(dir string) Option {
	return func(c *config) { c.paceMemory = dir }
}

// paceMemoryTTL is how long a learned rate is used: long enough for a
// nightly run to use the last night's, short enough that a limit the
// service changed is not held against it for long.
const paceMemoryTTL = 24 * time.Hour

// paceMemoryMaxBytes bounds what is read of the file: it holds one small
// JSON object, and anything longer is not ours.
const paceMemoryMaxBytes = 4 << 10

// paceMemoryVersion is the file's format; another version is ignored.
const paceMemoryVersion = 1

// paceMemory is one client's entry in the pace memory: a file named after a
// hash of the base URL and client ID. The file holds the hash, not the URL
// or the ID, and never the secret.
type paceMemory struct {
	path string
	key  string
	log  *slog.Logger

	mu        sync.Mutex // one save at a time
	savedRate float64
	savedAt   time.Time
}

// paceMemoryFile is the file's content.
type paceMemoryFile struct {
	Version int     `json:"version"`
	Key     string  `json:"key"`
	Rate    float64 `json:"rate"` // requests per second
	// Learned is when the rate was measured.
	Learned time.Time `json:"learned"`
}

func newPaceMemory(dir, baseURL, clientID string, log *slog.Logger) *paceMemory {
	sum := sha256.Sum256([]byte(baseURL + "\x00" + clientID))
	key := hex.EncodeToString(sum[:])
	return &paceMemory{path: filepath.Join(dir, "pace-"+key[:32]+".json"), key: key, log: log}
}

// load returns the rate learned for this client, and how long ago; ok is
// false when there is none that may be used, and why says why.
func (m *paceMemory) load(now time.Time) (rate float64, age time.Duration, why string, ok bool) {
	b, err := m.read()
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0, 0, "nothing learned yet", false
	case err != nil:
		return 0, 0, err.Error(), false
	}
	var f paceMemoryFile
	if err := json.Unmarshal(b, &f); err != nil {
		return 0, 0, "not a pace memory: " + err.Error(), false
	}
	age = now.Sub(f.Learned)
	switch {
	case f.Version != paceMemoryVersion || f.Key != m.key:
		return 0, 0, "not a pace memory of this client", false
	case math.IsNaN(f.Rate) || f.Rate < paceMinRate || f.Rate > paceMaxRemembered:
		return 0, 0, fmt.Sprintf("a rate of %g requests per second is not one to start at", f.Rate), false
	case age < -time.Minute:
		return 0, 0, "learned in the future", false
	case age > paceMemoryTTL:
		return 0, 0, fmt.Sprintf("what was learned %s ago is too old", age.Round(time.Minute)), false
	}
	return f.Rate, max(age, 0), "", true
}

// paceMaxRemembered is the highest rate a memory may hold: well beyond any
// rate a service limits a credential to.
const paceMaxRemembered = 1e6

// read reads the file, refusing anything but a regular file: a symlink
// could point the client at another file of the user's.
func (m *paceMemory) read() ([]byte, error) {
	info, err := os.Lstat(m.path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", m.path)
	}
	f, err := os.Open(m.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file opened must be the one looked at: a symlink put in its
	// place between the two would otherwise be followed.
	if opened, err := f.Stat(); err != nil || !os.SameFile(info, opened) {
		return nil, fmt.Errorf("%s changed while being opened", m.path)
	}
	b, err := io.ReadAll(io.LimitReader(f, paceMemoryMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > paceMemoryMaxBytes {
		return nil, fmt.Errorf("%s is larger than a pace memory", m.path)
	}
	return b, nil
}

// save keeps rate as learned at now, unless it is close to what this
// client saved lately. A failure is logged, not returned: the memory only
// saves the next run some 429s.
func (m *paceMemory) save(rate float64, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if math.Abs(rate-m.savedRate) <= paceMemoryStep*m.savedRate && now.Sub(m.savedAt) < paceMemoryRefresh {
		return
	}
	if err := m.write(paceMemoryFile{Version: paceMemoryVersion, Key: m.key, Rate: rate, Learned: now.UTC()}); err != nil {
		m.log.Debug("keepnet: the pace learned was not kept", "error", err)
		return
	}
	m.savedRate, m.savedAt = rate, now
}

// A save is skipped when the rate moved by at most paceMemoryStep since the
// last, less than paceMemoryRefresh ago.
const (
	paceMemoryStep    = 0.05
	paceMemoryRefresh = 10 * time.Minute
)

// write replaces the file in one step: a temporary file beside it, renamed
// over it, so that a reader, or another run writing at the same time, sees
// a whole file, the last one renamed. internal/atomicfile is not used: it
// keeps an existing target's mode and follows a symlink to it, where this
// file must be 0600 and a symlink in its place is refused.
func (m *paceMemory) write(f paceMemoryFile) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	dir := filepath.Dir(m.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if info, err := os.Lstat(m.path); err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", m.path)
	}
	tmp, err := os.CreateTemp(dir, ".pace-*.tmp") // mode 0600
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), m.path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}

// newClientPacer is the pacer of a client built with cfg for the base URL
// server: started from the memory's rate when there is one.
func newClientPacer(cfg *config, server string) *pacer {
	p := newPacer(cfg.rateLimit, !cfg.fixedPace, cfg.clock, cfg.logger)
	if cfg.paceMemory == "" || !p.adaptive {
		return p
	}
	p.memory = newPaceMemory(cfg.paceMemory, server, cfg.clientID, cfg.logger)
	rate, age, why, ok := p.memory.load(p.now())
	if !ok {
		p.log.Debug("keepnet: pace starts unpaced", "memory", why)
		return p
	}
	p.startAt(rate)
	p.log.Debug("keepnet: pace starts from memory", "rate", p.stats().Rate, "learned", rate, "ago", age.Round(time.Second))
	return p
}
