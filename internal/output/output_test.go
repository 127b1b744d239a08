package output

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const data = "targetUserResourceId,email\nu-0001,user0001@example.test\n"

func names(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Name())
	}
	return out
}

// TestTargets writes through Open for each kind of -o target and checks
// what the user sees afterwards.
func TestTargets(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares dir and returns the -o value and a function that
		// returns what the reader got (for targets that are not files).
		setup func(t *testing.T, dir string) (path string, got func() string)
		// check inspects dir after Commit.
		check  func(t *testing.T, dir string)
		atomic bool
	}{
		{
			name:  "new file",
			setup: func(t *testing.T, dir string) (string, func() string) { return filepath.Join(dir, "out.csv"), nil },
			check: func(t *testing.T, dir string) {
				wantFile(t, filepath.Join(dir, "out.csv"), data, 0o600)
			},
			atomic: true,
		},
		{
			name: "existing file keeps its mode",
			setup: func(t *testing.T, dir string) (string, func() string) {
				p := filepath.Join(dir, "out.csv")
				writeFile(t, p, "old", 0o640)
				return p, nil
			},
			check: func(t *testing.T, dir string) {
				wantFile(t, filepath.Join(dir, "out.csv"), data, 0o640)
			},
			atomic: true,
		},
		{
			name: "symlink to a file: target replaced, link stays",
			setup: func(t *testing.T, dir string) (string, func() string) {
				if err := os.Mkdir(filepath.Join(dir, "real"), 0o700); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, "real", "out.csv"), "old", 0o644)
				link := filepath.Join(dir, "link.csv")
				if err := os.Symlink(filepath.Join("real", "out.csv"), link); err != nil {
					t.Fatal(err)
				}
				return link, nil
			},
			check: func(t *testing.T, dir string) {
				wantLink(t, filepath.Join(dir, "link.csv"), filepath.Join("real", "out.csv"))
				wantFile(t, filepath.Join(dir, "real", "out.csv"), data, 0o644)
				if n := names(t, filepath.Join(dir, "real")); len(n) != 1 {
					t.Errorf("target directory holds %v", n)
				}
			},
			atomic: true,
		},
		{
			name: "dangling symlink: its target is created",
			setup: func(t *testing.T, dir string) (string, func() string) {
				link := filepath.Join(dir, "link.csv")
				if err := os.Symlink("new.csv", link); err != nil {
					t.Fatal(err)
				}
				return link, nil
			},
			check: func(t *testing.T, dir string) {
				wantLink(t, filepath.Join(dir, "link.csv"), "new.csv")
				wantFile(t, filepath.Join(dir, "new.csv"), data, 0o600)
			},
			atomic: true,
		},
		{
			name: "FIFO written through",
			setup: func(t *testing.T, dir string) (string, func() string) {
				p := filepath.Join(dir, "fifo")
				if err := syscall.Mkfifo(p, 0o600); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
				got := make(chan string, 1)
				go func() {
					f, err := os.Open(p)
					if err != nil {
						got <- err.Error()
						return
					}
					defer f.Close()
					b, _ := io.ReadAll(f)
					got <- string(b)
				}()
				return p, func() string { return <-got }
			},
			check: func(t *testing.T, dir string) {
				info, err := os.Lstat(filepath.Join(dir, "fifo"))
				if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
					t.Errorf("the FIFO is gone or replaced: %v, %v", info, err)
				}
			},
		},
		{
			name:  "/dev/null",
			setup: func(t *testing.T, dir string) (string, func() string) { return "/dev/null", nil },
			check: func(t *testing.T, dir string) {
				info, err := os.Lstat("/dev/null")
				if err != nil || info.Mode()&os.ModeCharDevice == 0 {
					t.Errorf("/dev/null is no longer a character device: %v, %v", info, err)
				}
			},
		},
		{
			name: "/dev/fd/N, as process substitution gives",
			setup: func(t *testing.T, dir string) (string, func() string) {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				got := make(chan string, 1)
				go func() {
					b, _ := io.ReadAll(r)
					r.Close()
					got <- string(b)
				}()
				path := fmt.Sprintf("/dev/fd/%d", w.Fd())
				return path, func() string { w.Close(); return <-got }
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, got := tt.setup(t, dir)
			var stdout bytes.Buffer
			out, err := Open(path, &stdout)
			if err != nil {
				t.Fatalf("Open(%s): %v", path, err)
			}
			if out.Atomic() != tt.atomic {
				t.Errorf("Atomic() = %v, want %v", out.Atomic(), tt.atomic)
			}
			if _, err := io.WriteString(out, data); err != nil {
				t.Fatal(err)
			}
			if err := out.Commit(); err != nil {
				t.Fatal(err)
			}
			if got != nil {
				if g := got(); g != data {
					t.Errorf("reader got %q, want %q", g, data)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout got %q", stdout.String())
			}
			if tt.check != nil {
				tt.check(t, dir)
			}
		})
	}
}

func TestDashIsStdout(t *testing.T) {
	for _, path := range []string{"-", ""} {
		var stdout bytes.Buffer
		out, err := Open(path, &stdout)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(out, data); err != nil {
			t.Fatal(err)
		}
		if err := out.Commit(); err != nil {
			t.Fatal(err)
		}
		if stdout.String() != data {
			t.Errorf("%q: stdout = %q", path, stdout.String())
		}
	}
}

func TestAbortLeavesFileAsItWas(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.csv")
	writeFile(t, target, "old", 0o644)
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink("out.csv", link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{target, link, filepath.Join(dir, "new.csv")} {
		out, err := Open(path, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(out, data); err != nil {
			t.Fatal(err)
		}
		if msg := out.Unfinished(); msg != "no output file was written" {
			t.Errorf("Unfinished() = %q", msg)
		}
		if err := out.Abort(); err != nil {
			t.Fatal(err)
		}
	}
	wantFile(t, target, "old", 0o644)
	if n := names(t, dir); strings.Join(n, " ") != "link.csv out.csv" {
		t.Errorf("directory holds %v", n)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		"a directory":         dir,
		"a missing directory": filepath.Join(dir, "missing", "out.csv"),
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	tests["a symlink loop"] = loop
	if _, err := os.Stat("/dev/loop0"); err == nil {
		tests["a block device"] = "/dev/loop0"
	}
	for name, path := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := Open(path, io.Discard)
			if err == nil {
				out.Abort()
				t.Fatalf("Open(%s) succeeded", path)
			}
			if !strings.Contains(err.Error(), filepath.Dir(path)) {
				t.Errorf("error does not say where: %v", err)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func wantFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Mode().IsRegular() {
		t.Errorf("%s is %v, want a regular file", path, info.Mode())
	}
	if info.Mode().Perm() != mode {
		t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), mode)
	}
	if b, _ := os.ReadFile(path); string(b) != content {
		t.Errorf("%s = %q, want %q", path, b, content)
	}
}

func wantLink(t *testing.T, link, dest string) {
	t.Helper()
	got, err := os.Readlink(link)
	if err != nil {
		t.Fatalf("%s is no longer a symlink: %v", link, err)
	}
	if got != dest {
		t.Errorf("%s points to %s, want %s", link, got, dest)
	}
}
