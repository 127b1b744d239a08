package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/keepnet-flow/keepnet-flow/"

// layers lists each layer's packages by path prefix, lowest first. A
// package may import its own layer and the layers listed in mayImport.
var layers = []struct {
	name     string
	prefixes []string
}{
	{"foundation", []string{"pkg/keepnetdate", "internal/ctxsleep", "internal/termsafe", "internal/atomicfile", "internal/statedir", "internal/reqctx", "internal/slots", "internal/table", "internal/csvout", "internal/pathseg", "internal/apiops", "internal/plural", "internal/jsonspool", "internal/memnet"}},
	{"generated", []string{"gen"}},
	{"connection", []string{"pkg/keepnet"}},
	{"machinery", []string{"internal/paging", "internal/pull", "internal/wire", "internal/enrollstate", "internal/store"}},
	{"flows", []string{"pkg/workflows"}},
	{"outputs", []string{"internal/surveyout", "internal/surveyreport", "internal/report", "internal/output", "internal/xlsxout", "internal/resultsout", "internal/isodates"}},
	{"fake", []string{"pkg/keepnettest"}},
	{"cli", []string{"cmd/", "internal/cli"}},
	{"tools", []string{"internal/cmd/", "internal/specnames", "internal/testspec", "internal/genroundtrip", "internal/archtest", "internal/cli/clitest", "scripts/"}},
}

var mayImport = map[string][]string{
	"foundation": nil,
	"generated":  {"foundation"},
	"connection": {"foundation", "generated"},
	"machinery":  {"foundation", "generated", "connection"},
	"flows":      {"foundation", "generated", "connection", "machinery"},
	"outputs":    {"foundation", "generated", "connection", "flows"},
	// The fake is the service, not a client of it: it shares nothing with
	// the client but the generic helpers.
	"fake":  {"foundation"},
	"cli":   {"foundation", "generated", "connection", "machinery", "flows", "outputs", "fake"},
	"tools": {"foundation", "generated", "connection", "machinery", "flows", "outputs", "fake", "cli"},
}

func layerOf(path string) string {
	rel := strings.TrimPrefix(path, module)
	best, bestLen := "", -1
	for _, l := range layers {
		for _, p := range l.prefixes {
			if (rel == strings.TrimSuffix(p, "/") || strings.HasPrefix(rel, strings.TrimSuffix(p, "/")+"/")) && len(p) > bestLen {
				best, bestLen = l.name, len(p)
			}
		}
	}
	return best
}

// TestLayers fails when a package imports (outside its tests) a package of
// a layer it may not: the connection layer knowing of flows, machinery
// knowing of flows, flows knowing of the CLI or the fake, the fake knowing
// of the client.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		from := layerOf(p.ImportPath)
		if from == "" {
			t.Errorf("%s belongs to no layer: add it to internal/archtest and docs/architecture.md", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			to := layerOf(imp)
			if to == from {
				continue
			}
			ok := false
			for _, l := range mayImport[from] {
				ok = ok || l == to
			}
			if !ok {
				t.Errorf("%s (%s) imports %s (%s): the %s layer may not import the %s layer", p.ImportPath, from, imp, to, from, to)
			}
		}
	}
}
