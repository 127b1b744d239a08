package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The pinned oapi-codegen's template takes the patch: a version whose
// template moved the anchor fails here before make generate does.
func TestPinnedTemplateTakesThePatch(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/oapi-codegen/oapi-codegen/v2").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	out := filepath.Join(t.TempDir(), "client.tmpl")
	if err := run(filepath.Join(strings.TrimSpace(string(dir)), "pkg", "codegen", "templates", "client.tmpl"), out); err != nil {
		t.Fatal(err)
	}
}

func TestPatchRefusesAMovedAnchor(t *testing.T) {
	if _, err := patch([]byte("no builders here")); err == nil {
		t.Error("a template without the anchor was patched")
	}
	twice := []byte(anchor + anchor)
	if _, err := patch(twice); err == nil {
		t.Error("a template with the anchor twice was patched")
	}
	got, err := patch([]byte("before\n" + anchor))
	if err != nil || !bytes.Contains(got, []byte("pathseg.Param(")) {
		t.Errorf("patch = %q, %v", got, err)
	}
}
