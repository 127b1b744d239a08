// Command keepnet-template writes the client template `make generate` hands
// to oapi-codegen: oapi-codegen's own client.tmpl, of the version go.mod
// pins, with one addition. Each generated request builder checks its path
// parameters (internal/pathseg) after escaping them and before resolving
// the path against the server URL.
//
//	go run ./internal/cmd/keepnet-template -upstream "$(go list -m -f '{{.Dir}}' github.com/oapi-codegen/oapi-codegen/v2)/pkg/codegen/templates/client.tmpl" -o api/.build/client.tmpl
//
// Why: an ID from the service goes into a path as it came, escaped.
// Escaping leaves "." and "..", and resolving the path removes them, so the
// user ID ".." makes GET .../users/.. a request of another endpoint, with
// no trace of the ID left for the connection layer to see. Checked in the
// builder, the ID is still one value, and the error names it. The template
// is derived, not copied, so an upgrade of oapi-codegen brings its own
// template; a change that moves the anchor below fails here, loudly.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// anchor is where the builders resolve the path: the check goes just
// before it, after every path parameter has been formatted.
const anchor = "    serverURL, err := url.Parse(server)\n"

// check is the template text inserted before anchor.
const check = `{{range $paramIdx, $param := .PathParams}}
    if err := pathseg.Param("{{.ParamName}}", pathParam{{$paramIdx}}); err != nil {
        return nil, err
    }
{{end}}
`

func main() {
	upstream := flag.String("upstream", "", "oapi-codegen's client.tmpl")
	out := flag.String("o", "api/.build/client.tmpl", "template to write")
	flag.Parse()
	if err := run(*upstream, *out); err != nil {
		fmt.Fprintln(os.Stderr, "keepnet-template:", err)
		os.Exit(1)
	}
}

func run(upstream, out string) error {
	tmpl, err := os.ReadFile(upstream)
	if err != nil {
		return err
	}
	patched, err := patch(tmpl)
	if err != nil {
		return fmt.Errorf("%s: %w", upstream, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, patched, 0o644)
}

// patch inserts the check before the one place the builders resolve paths.
func patch(tmpl []byte) ([]byte, error) {
	if n := bytes.Count(tmpl, []byte(anchor)); n != 1 {
		return nil, fmt.Errorf("expected the request builders' %q once, found it %d times: oapi-codegen's template has changed; update keepnet-template", bytes.TrimSpace([]byte(anchor)), n)
	}
	return bytes.Replace(tmpl, []byte(anchor), []byte(check+anchor), 1), nil
}
