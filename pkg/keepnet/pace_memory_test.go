package keepnet

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func testMemory(t *testing.T, dir string) *paceMemory {
	t.Helper()
	return newPaceMemory(dir, "https://api.example.test/", testClientID, slog.New(slog.DiscardHandler))
}

func TestPaceMemoryKeepsTheRate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "pace") // created on the first save
	m := testMemory(t, dir)
	learned := simStart
	m.save(23.5, learned)
	rate, age, why, ok := m.load(learned.Add(3 * time.Hour))
	if !ok || rate != 23.5 || age != 3*time.Hour {
		t.Fatalf("load = %v, %v, %q, %v; want 23.5 learned 3h ago", rate, age, why, ok)
	}
	info, err := os.Stat(m.path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("memory file mode %v, want 0600", info.Mode().Perm())
	}
	b, _ := os.ReadFile(m.path)
	for _, s := range []string{testClientSecret, testClientID, "api.example.test"} {
		if strings.Contains(string(b), s) || strings.Contains(m.path, s) {
			t.Errorf("the memory (%s: %s) names %q", m.path, b, s)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the memory directory, want 1: a temporary file was left", len(entries))
	}
}

// Each base URL and client ID has its own memory.
func TestPaceMemoryIsPerClient(t *testing.T) {
	dir := t.TempDir()
	testMemory(t, dir).save(40, simStart)
	for _, other := range []*paceMemory{
		newPaceMemory(dir, "https://api.example.test/", "another-client", slog.New(slog.DiscardHandler)),
		newPaceMemory(dir, "https://other.example.test/", testClientID, slog.New(slog.DiscardHandler)),
	} {
		if rate, _, _, ok := other.load(simStart); ok {
			t.Errorf("another client read the rate %v", rate)
		}
	}
}

// A day after it was learned, a rate is no longer used.
func TestPaceMemoryExpires(t *testing.T) {
	m := testMemory(t, t.TempDir())
	m.save(40, simStart)
	if _, _, _, ok := m.load(simStart.Add(23 * time.Hour)); !ok {
		t.Error("a rate learned 23 hours ago was not used")
	}
	if rate, _, why, ok := m.load(simStart.Add(25 * time.Hour)); ok || !strings.Contains(why, "too old") {
		t.Errorf("a rate learned 25 hours ago: %v, %q, %v; want it unused as too old", rate, why, ok)
	}
}

// A file that is not a memory of this client is ignored, with the reason.
func TestPaceMemoryIgnoresWhatItDidNotWrite(t *testing.T) {
	valid := func(m *paceMemory) paceMemoryFile {
		return paceMemoryFile{Version: paceMemoryVersion, Key: m.key, Rate: 30, Learned: simStart}
	}
	for _, tt := range []struct {
		name    string
		content func(m *paceMemory) []byte
		why     string
	}{
		{"garbage", func(*paceMemory) []byte { return []byte("\x00\x01not json") }, "not a pace memory"},
		{"empty", func(*paceMemory) []byte { return nil }, "not a pace memory"},
		{"another client's", func(m *paceMemory) []byte {
			f := valid(m)
			f.Key = strings.Repeat("0", 64)
			return jsonOf(t, f)
		}, "not a pace memory of this client"},
		{"another version", func(m *paceMemory) []byte {
			f := valid(m)
			f.Version = 99
			return jsonOf(t, f)
		}, "not a pace memory of this client"},
		{"a negative rate", func(m *paceMemory) []byte {
			f := valid(m)
			f.Rate = -5
			return jsonOf(t, f)
		}, "not one to start at"},
		{"an absurd rate", func(m *paceMemory) []byte {
			f := valid(m)
			f.Rate = 1e12
			return jsonOf(t, f)
		}, "not one to start at"},
		{"learned in the future", func(m *paceMemory) []byte {
			f := valid(m)
			f.Learned = simStart.Add(time.Hour)
			return jsonOf(t, f)
		}, "future"},
		{"too large", func(m *paceMemory) []byte {
			return append(jsonOf(t, valid(m)), []byte(strings.Repeat(" ", paceMemoryMaxBytes))...)
		}, "larger than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMemory(t, t.TempDir())
			if err := os.WriteFile(m.path, tt.content(m), 0o600); err != nil {
				t.Fatal(err)
			}
			if rate, _, why, ok := m.load(simStart); ok || !strings.Contains(why, tt.why) {
				t.Errorf("load = %v, %q, %v; want it ignored as %q", rate, why, ok, tt.why)
			}
			// A save replaces it.
			m.save(30, simStart)
			if rate, _, why, ok := m.load(simStart); !ok || rate != 30 {
				t.Errorf("after a save: %v, %q, %v", rate, why, ok)
			}
		})
	}
}

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A symlink in the memory's place is neither read nor written through.
func TestPaceMemoryRefusesASymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	m := testMemory(t, dir)
	target := filepath.Join(t.TempDir(), "elsewhere.json")
	other := testMemory(t, filepath.Dir(target))
	other.path = target
	other.save(30, simStart) // a valid memory, behind the link
	before, _ := os.ReadFile(target)
	if err := os.Symlink(target, m.path); err != nil {
		t.Fatal(err)
	}
	if rate, _, why, ok := m.load(simStart); ok || !strings.Contains(why, "not a regular file") {
		t.Errorf("load through a symlink = %v, %q, %v; want it refused", rate, why, ok)
	}
	m.save(99, simStart.Add(time.Minute))
	if after, _ := os.ReadFile(target); string(after) != string(before) {
		t.Errorf("a save wrote through the symlink: %s", after)
	}
	if info, err := os.Lstat(m.path); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v, %v", info, err)
	}
}

// Runs saving at once leave one whole file, the last one renamed.
func TestPaceMemoryConcurrentSaves(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { testMemory(t, dir).save(float64(10+i), simStart) })
	}
	wg.Wait()
	m := testMemory(t, dir)
	rate, _, why, ok := m.load(simStart)
	if !ok || rate < 10 || rate >= 30 {
		t.Errorf("after 20 saves at once: %v, %q, %v", rate, why, ok)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the memory directory, want 1", len(entries))
	}
}

// A client with a memory starts at the rate learned, and says so; one
// without, or with WithPaceMemory(""), starts unpaced.
func TestClientStartsFromThePaceMemory(t *testing.T) {
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"data":{}}`) })
	dir := t.TempDir()
	fc := newFakeClock()
	newPaceMemory(dir, s.URL+"/", testClientID, slog.New(slog.DiscardHandler)).save(40, fc.now().Add(-time.Hour))

	var log strings.Builder
	debug := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, s, WithPaceMemory(dir), WithLogger(debug))
	if got, want := c.Pace().Rate, 38.0; got != want {
		t.Errorf("pace %v with a memory of 40/s, want %v", got, want)
	}
	if !strings.Contains(log.String(), "pace starts from memory") || !strings.Contains(log.String(), "ago=1h0m0s") {
		t.Errorf("the debug log does not say where the pace came from:\n%s", log.String())
	}
	if strings.Contains(log.String(), testClientSecret) {
		t.Error("the debug log holds the secret")
	}

	for _, opts := range [][]Option{{WithPaceMemory("")}, nil, {WithPaceMemory(dir), WithAdaptivePace(false)}} {
		c, _ := newTestClient(t, s, opts...)
		if got := c.Pace().Rate; got != 0 {
			t.Errorf("options %d: pace %v without a memory in use, want unpaced", len(opts), got)
		}
	}

	log.Reset()
	newTestClient(t, s, WithPaceMemory(t.TempDir()), WithLogger(debug))
	if !strings.Contains(log.String(), "pace starts unpaced") || !strings.Contains(log.String(), "nothing learned yet") {
		t.Errorf("the debug log does not say the pace starts unpaced:\n%s", log.String())
	}
}

// A limit measured by a cut is saved; what the memory holds then is it.
func TestPaceSavesAMeasuredLimit(t *testing.T) {
	dir := t.TempDir()
	_, p := runSim(shortPull(8, 25, 25), func(p *pacer) { p.memory = testMemory(t, dir) })
	if !p.measured {
		t.Fatal("no limit measured: the test proves nothing")
	}
	rate, _, why, ok := testMemory(t, dir).load(simStart.Add(time.Minute))
	if !ok || rate < 20 || rate > 30 {
		t.Errorf("memory after a pull under 25/s: %v, %q, %v", rate, why, ok)
	}
}
