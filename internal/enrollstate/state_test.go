package enrollstate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// TestPlantedSymlinksAreRefused: a local user who plants a symlink where a
// run keeps its lock or its record of an unknown create gets neither
// followed: the target is never written or read, and the run stops.
func TestPlantedSymlinksAreRefused(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, "co-1", "Q3 refresher")
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{st.lockPath, st.recordPath} {
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Lock(context.Background(), func() {}); !errors.Is(err, atomicfile.ErrSymlink) {
		t.Errorf("lock through a symlink: %v, want ErrSymlink", err)
	}
	if _, _, err := st.ReadRecord(); !errors.Is(err, atomicfile.ErrSymlink) {
		t.Errorf("record read through a symlink: %v, want ErrSymlink", err)
	}
	if err := st.WriteRecord(Pending{Name: "Q3 refresher", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the symlink's target was written: %q", b)
	}
	if fi, err := os.Lstat(st.recordPath); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Errorf("the record is not a file of its own: %v", err)
	}
}

func TestLockTakesTurns(t *testing.T) {
	st, err := Open(t.TempDir(), "co-1", "Name")
	if err != nil {
		t.Fatal(err)
	}
	release, err := st.Lock(context.Background(), func() { t.Error("waited for a free lock") })
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		rel, err := st.Lock(ctx, func() { close(waited) })
		if err == nil {
			err = rel()
		}
		done <- err
	}()
	<-waited
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("second run: %v", err)
	}
}
