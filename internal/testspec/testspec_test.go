package testspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadFindsTheSpecFromAPackageDirectory(t *testing.T) {
	path, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(filepath.ToSlash(path), "/"+SpecPath) {
		t.Errorf("Path() = %s, want it to end in %s", path, SpecPath)
	}
	if Load(t) != Load(t) {
		t.Error("Load loaded the spec twice")
	}
}

func TestPathSaysHowToInstallAMissingSpec(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "pkg", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	_, err := Path()
	if err == nil || !strings.Contains(err.Error(), "vendor spec not installed: run `make spec`") {
		t.Errorf("Path() without a spec: %v, want the `make spec` hint", err)
	}
}
