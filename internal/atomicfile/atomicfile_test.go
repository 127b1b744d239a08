package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

func TestCommitReplacesTargetWhole(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "results.csv")
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("new content")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "old" {
		t.Errorf("target changed before commit: %q", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new content" {
		t.Errorf("target = %q after commit", got)
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want the replaced file's 0640", info.Mode().Perm())
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want only the target", names)
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit = %v, want a no-op", err)
	}
}

func TestNewFileIsPrivate(t *testing.T) {
	target := filepath.Join(t.TempDir(), "results.ndjson")
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(target); err != nil || info.Mode().Perm() != perm {
		t.Errorf("new file: %v, %v; want mode %v", info, err, perm)
	}
}

func TestAbortLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "results.json")
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("partial")); err != nil {
		t.Fatal(err)
	}
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("abort left %v", names)
	}
}

func TestCreateFailsUpFront(t *testing.T) {
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"missing directory":  filepath.Join(dir, "nope", "out.csv"),
		"target a directory": dir,
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests["read-only directory"] = filepath.Join(readOnly, "out.csv")
	}
	for name, target := range tests {
		if f, err := Create(target); err == nil {
			f.Abort()
			t.Errorf("%s: Create(%s) succeeded", name, target)
		}
	}
}

// TestNothingHasANameUntilCommit is what makes a kill harmless: while the
// data is written, the directory shows nothing, so a process that dies
// leaves nothing to clean up.
func TestNothingHasANameUntilCommit(t *testing.T) {
	for name, open := range map[string]func(t *testing.T, target string) *File{
		"O_TMPFILE or its fallback": func(t *testing.T, target string) *File {
			f, err := Create(target)
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
		"unlinked temporary file": func(t *testing.T, target string) *File {
			tmp, err := unlinkedTemp(filepath.Dir(target))
			if err != nil {
				t.Fatal(err)
			}
			return &File{tmp: tmp, target: target, mode: perm}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "results.csv")
			f := open(t, target)
			if _, err := f.Write([]byte("email\nuser@example.test\n")); err != nil {
				t.Fatal(err)
			}
			if names := entries(t, dir); len(names) != 0 {
				t.Fatalf("while writing, the directory holds %v", names)
			}
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(target); string(got) != "email\nuser@example.test\n" {
				t.Errorf("target = %q", got)
			}
			if names := entries(t, dir); len(names) != 1 {
				t.Errorf("after commit the directory holds %v, want only the target", names)
			}
		})
	}
}

func TestCommitOverTargetCreatedMeanwhile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "results.csv")
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("someone else's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("target = %q, want the committed data", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
}

func TestAnonymousSpoolHasNoName(t *testing.T) {
	dir := t.TempDir()
	f, err := Anonymous(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("spooled record"); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("spool directory holds %v", names)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := f.Read(buf)
	if string(buf[:n]) != "spooled record" {
		t.Errorf("read back %q", buf[:n])
	}
}
