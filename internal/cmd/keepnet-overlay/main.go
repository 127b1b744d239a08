// Command keepnet-overlay writes the OpenAPI Overlay that `make generate`
// hands to oapi-codegen: stable Go names for the vendor's assembly-qualified
// schema names, and JSON-only request bodies.
//
//	go run ./internal/cmd/keepnet-overlay -spec api/keepnet-api-spec.json -o api/.build/keepnet.overlay.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/specnames"
)

func main() {
	specPath := flag.String("spec", "api/keepnet-api-spec.json", "vendor OpenAPI document")
	out := flag.String("o", "api/.build/keepnet.overlay.json", "overlay file to write")
	check := flag.String("check", "", "only check that this file is a spec we can generate from")
	flag.Parse()
	var err error
	if *check != "" {
		err = checkSpec(*check)
	} else {
		err = run(*specPath, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "keepnet-overlay:", err)
		os.Exit(1)
	}
}

func run(specPath, out string) error {
	spec, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	ov, err := specnames.BuildOverlay(spec)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(ov, "", "  ")
	if err != nil {
		return fmt.Errorf("encode overlay: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// checkSpec refuses, before it is installed, a file that is not a
// Swashbuckle-shaped OpenAPI 3 JSON document (an HTML error page from a
// download, the vendor's sometimes-broken live swagger.json, …).
func checkSpec(path string) error {
	spec, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var head struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(spec, &head); err != nil {
		return fmt.Errorf("%s is not a JSON document: %w", path, err)
	}
	if !strings.HasPrefix(head.OpenAPI, "3.") || len(head.Paths) == 0 {
		return fmt.Errorf("%s is not an OpenAPI 3 document with paths", path)
	}
	if _, err := specnames.BuildOverlay(spec); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
