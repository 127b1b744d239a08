// Package testspec finds and loads the vendor spec for the project's tests,
// so every test can run the fake with request validation on.
package testspec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest/speccheck"
)

// SpecPath is the spec's place relative to the module root, where
// `make spec` installs it.
const SpecPath = "api/keepnet-api-spec.json"

// errNotInstalled marks a missing spec, which gets the `make spec` hint.
var errNotInstalled = errors.New("vendor spec not installed: run `make spec`")

// load reads the spec once per test binary: it is 3 MB and takes about a
// second to load, and a *speccheck.Spec is safe to share.
var load = sync.OnceValues(func() (*speccheck.Spec, error) {
	path, err := Path()
	if err != nil {
		return nil, err
	}
	return speccheck.Load(path)
})

// Load returns the vendor spec, loaded once per process, or fails t: with
// "vendor spec not installed: run `make spec`" when it is missing.
func Load(t testing.TB) *speccheck.Spec {
	t.Helper()
	spec, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// Path locates api/keepnet-api-spec.json under the module root, found by
// walking up from the working directory to go.mod.
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("testspec: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			path := filepath.Join(dir, filepath.FromSlash(SpecPath))
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("%w (%s is missing)", errNotInstalled, path)
			} else if err != nil {
				return "", fmt.Errorf("testspec: %w", err)
			}
			return path, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testspec: no go.mod above the working directory: %w", errNotInstalled)
		}
		dir = parent
	}
}
