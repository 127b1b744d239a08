package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/specnames"
)

// moduleRoot is where this package sits: internal/cmd/spec-diff.
const moduleRoot = "../../.."

// callableNames maps every name by which code can call a listed operation
// through the generated package (the overlay names operations with
// specnames.OperationNames) to the operation: the client methods, with and
// without WithBody and WithResponse, and the request builders and response
// parsers.
func callableNames(t *testing.T) map[string]operation {
	t.Helper()
	out := map[string]operation{}
	for name, op := range operationNames(t) {
		for _, callable := range []string{
			name, name + "WithBody", name + "WithResponse", name + "WithBodyWithResponse",
			"New" + name + "Request", "New" + name + "RequestWithBody", "Parse" + name + "Response",
		} {
			out[callable] = op
		}
	}
	return out
}

// generatedEntryPoints are the names in gen that stand for an operation:
// methods of Client and ClientWithResponses, request builders and response
// parsers.
var generatedEntryPoints = regexp.MustCompile(`(?m)^func (?:\(c \*Client(?:WithResponses)?\) (\w+)|(New\w+Request(?:WithBody)?|Parse\w+Response))\(`)

func readGenerated(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(moduleRoot, "gen", "keepnet.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

func operationNames(t *testing.T) map[string]operation {
	t.Helper()
	ops := make([]specnames.Operation, len(workflowOperations))
	for i, o := range workflowOperations {
		ops[i] = specnames.Operation{Method: strings.ToLower(o.Method), Path: o.Path}
	}
	names, err := specnames.OperationNames(ops)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]operation, len(names))
	for op, name := range names {
		out[name] = operation{Method: strings.ToUpper(op.Method), Path: op.Path}
	}
	return out
}

// TestWorkflowOperationsExist catches a typo in the list: each listed
// operation must be a method of the generated client.
func TestWorkflowOperationsExist(t *testing.T) {
	src := readGenerated(t)
	for name, op := range operationNames(t) {
		if !strings.Contains(src, "func (c *ClientWithResponses) "+name+"WithResponse(") {
			t.Errorf("%s %s: the generated client has no %sWithResponse; is the operation in the spec?", op.Method, op.Path, name)
		}
	}
}

// TestWorkflowCallsAreListed keeps workflowOperations following pkg/workflows:
// every operation a flow calls through the generated package must be
// listed, or spec-diff would file that operation's changes under "Other".
func TestWorkflowCallsAreListed(t *testing.T) {
	entryPoints := map[string]bool{}
	for _, m := range generatedEntryPoints.FindAllStringSubmatch(readGenerated(t), -1) {
		entryPoints[m[1]+m[2]] = true
	}
	listed := callableNames(t)
	dir := filepath.Join(moduleRoot, "pkg", "workflows")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var called []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && entryPoints[sel.Sel.Name] {
				called = append(called, sel.Sel.Name)
				if _, ok := listed[sel.Sel.Name]; !ok {
					t.Errorf("%s: pkg/workflows calls %s, whose operation is not in workflowOperations", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
	if len(called) == 0 {
		t.Fatalf("found no generated-client calls in %s; has pkg/workflows moved?", dir)
	}
	slices.Sort(called)
	t.Logf("pkg/workflows calls %v", slices.Compact(called))
}
