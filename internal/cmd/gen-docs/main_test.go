package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReferenceIsCurrent fails when docs/cli is not what the commands
// generate: a flag, a help text or a command changed without `make docs`.
// Man pages are compared without their date line.
func TestReferenceIsCurrent(t *testing.T) {
	got := t.TempDir()
	if err := generate(got, time.Now()); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "..", "docs", "cli")
	want, have := files(t, got), files(t, committed)
	if !slices.Equal(want, have) {
		t.Fatalf("docs/cli is stale: it holds %q, the commands make %q; run make docs", have, want)
	}
	for _, name := range want {
		g, c := read(t, filepath.Join(got, name)), read(t, filepath.Join(committed, name))
		if strings.HasSuffix(name, ".1") {
			g, c = undated(g), undated(c)
		}
		if g != c {
			t.Errorf("docs/cli/%s is stale; run make docs", name)
		}
	}
}

// files lists the reference's files under dir, man pages as man/NAME.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"*.md", filepath.Join("man", "*.1")} {
		found, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range found {
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return out
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// undated drops a man page's .TH line, which carries the month it was
// generated.
func undated(page string) string {
	var keep []string
	for line := range strings.Lines(page) {
		if !strings.HasPrefix(line, ".TH ") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}
