// Command specvariant writes the spec variants scripts/check-spec-versions.sh
// generates from: one with every assembly version bumped, as the vendor's
// next build would ship it, and one without a given path.
//
//	go run ./scripts/specvariant -bump-versions -in spec.json -o bumped.json
//	go run ./scripts/specvariant -drop-path /connect/token -in spec.json -o no-token.json
//
// Written in Go because the script must run wherever Go does (CI has no
// promise of jq or python), and a version bump must not chain
// (1.0 → 1.1 → 1.2) the way successive sed substitutions would.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
)

func main() {
	in := flag.String("in", "", "spec to read")
	out := flag.String("o", "", "variant to write")
	bump := flag.Bool("bump-versions", false, "raise the minor number of every assembly Version=A.B.C.D")
	dropPath := flag.String("drop-path", "", "remove this path from paths")
	flag.Parse()
	if err := run(*in, *out, *bump, *dropPath); err != nil {
		fmt.Fprintln(os.Stderr, "specvariant:", err)
		os.Exit(1)
	}
}

func run(in, out string, bump bool, dropPath string) error {
	if in == "" || out == "" || bump == (dropPath != "") {
		return errors.New("usage: specvariant -in FILE -o FILE (-bump-versions | -drop-path PATH)")
	}
	spec, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var variant []byte
	if bump {
		variant, err = bumpVersions(spec)
	} else {
		variant, err = withoutPath(spec, dropPath)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, variant, 0o644)
}

var assemblyVersion = regexp.MustCompile(`Version=(\d+)\.(\d+)\.(\d+)\.(\d+)`)

// bumpVersions rewrites every Version=A.B.C.D as Version=A.(B+1).C.D in one
// pass and changes nothing else, so generation from the result can be
// compared byte for byte with generation from the original.
func bumpVersions(spec []byte) ([]byte, error) {
	n := 0
	var convErr error
	out := assemblyVersion.ReplaceAllFunc(spec, func(m []byte) []byte {
		parts := assemblyVersion.FindSubmatch(m)
		minor, err := strconv.Atoi(string(parts[2]))
		if err != nil {
			convErr = err
			return m
		}
		n++
		return fmt.Appendf(nil, "Version=%s.%d.%s.%s", parts[1], minor+1, parts[3], parts[4])
	})
	if convErr != nil {
		return nil, convErr
	}
	if n == 0 {
		return nil, errors.New("no assembly Version=A.B.C.D to bump")
	}
	return out, nil
}

// withoutPath removes one entry of paths. The rest of the document is
// re-encoded as it was read, member order aside.
func withoutPath(spec []byte, path string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, err
	}
	var paths map[string]json.RawMessage
	if err := json.Unmarshal(doc["paths"], &paths); err != nil {
		return nil, fmt.Errorf("read paths: %w", err)
	}
	if _, ok := paths[path]; !ok {
		return nil, fmt.Errorf("no path %s", path)
	}
	delete(paths, path)
	var err error
	if doc["paths"], err = json.Marshal(paths); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
