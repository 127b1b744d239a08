package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// plantLink makes path a symlink to a file the attacker wants written,
// holding secret.
func plantLink(t *testing.T, path string) (target string) {
	t.Helper()
	target = filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	return target
}

func TestCreateExclusiveNeverFollowsOrReplaces(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "out.journal")
	f, err := CreateExclusive(fresh)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	_ = f.Close()
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	if _, err := CreateExclusive(fresh); !errors.Is(err, fs.ErrExist) {
		t.Errorf("an existing file: %v, want ErrExist", err)
	}
	link := filepath.Join(dir, "planted.journal")
	victim := plantLink(t, link)
	if _, err := CreateExclusive(link); !errors.Is(err, fs.ErrExist) {
		t.Errorf("a planted symlink: %v, want ErrExist", err)
	}
	dangling := filepath.Join(dir, "dangling.journal")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateExclusive(dangling); !errors.Is(err, fs.ErrExist) {
		t.Errorf("a dangling symlink: %v, want ErrExist", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nowhere")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a file was created at a dangling symlink's target")
	}
	if b, _ := os.ReadFile(victim); string(b) != "secret" {
		t.Errorf("the symlink's target changed: %q", b)
	}
}

func TestOpenExistingRefusesLinksAndDirectories(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out.journal")
	plantLink(t, link)
	if _, err := OpenExisting(link); !errors.Is(err, ErrSymlink) {
		t.Errorf("a symlink: %v, want ErrSymlink", err)
	}
	if _, err := OpenExisting(dir); err == nil {
		t.Error("a directory was opened")
	}
	if _, err := OpenExisting(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want ErrNotExist", err)
	}
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenExisting(regular)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
}

func TestRemoveOwnRemovesOnlyItsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.journal")
	f, err := CreateExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Someone replaces it with a link to another file.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	victim := plantLink(t, path)
	if err := RemoveOwn(path, f); err == nil {
		t.Error("a file put in its place was removed without a word")
	}
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("the planted link is gone: %v", err)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Errorf("the link's target is gone: %v", err)
	}
	_ = os.Remove(path)
	if err := RemoveOwn(path, f); err != nil {
		t.Errorf("a path already gone: %v", err)
	}
	g, err := CreateExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := RemoveOwn(path, g); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("own file not removed: %v", err)
	}
}

func TestTryLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.ndjson.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryLock(path); !errors.Is(err, ErrLocked) {
		t.Errorf("second lock: %v, want ErrLocked", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock file stays after release: %v", err)
	}
	// A lock file left by a killed run locks nothing.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err = TryLock(path)
	if err != nil {
		t.Fatalf("a stale lock file: %v", err)
	}
	_ = l.Release()
	link := filepath.Join(dir, "planted.lock")
	plantLink(t, link)
	if _, err := TryLock(link); !errors.Is(err, ErrSymlink) {
		t.Errorf("a planted symlink: %v, want ErrSymlink", err)
	}
}
