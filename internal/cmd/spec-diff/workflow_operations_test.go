package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/specnames"
)

// moduleRoot is where this package sits: internal/cmd/spec-diff.
const moduleRoot = "../../.."

// generatedMethods maps the generated client's method name for each listed
// operation (the overlay names operations with specnames.OperationNames) to
// the operation.
func generatedMethods(t *testing.T) map[string]operation {
	t.Helper()
	ops := make([]specnames.Operation, len(workflowOperations))
	for i, o := range workflowOperations {
		ops[i] = specnames.Operation{Method: strings.ToLower(o.Method), Path: o.Path}
	}
	names, err := specnames.OperationNames(ops)
	if err != nil {
		t.Fatal(err)
	}
	methods := make(map[string]operation, len(names))
	for op, name := range names {
		methods[name+"WithResponse"] = operation{Method: strings.ToUpper(op.Method), Path: op.Path}
	}
	return methods
}

// TestWorkflowOperationsExist catches a typo in the list: each listed
// operation must be a method of the generated client.
func TestWorkflowOperationsExist(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(moduleRoot, "gen", "keepnet.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for method, op := range generatedMethods(t) {
		if !strings.Contains(string(src), "func (c *ClientWithResponses) "+method+"(") {
			t.Errorf("%s %s: the generated client has no %s; is the operation in the spec?", op.Method, op.Path, method)
		}
	}
}

// TestWorkflowCallsAreListed keeps workflowOperations following pkg/workflows:
// every generated ...WithResponse method a flow calls must belong to a listed
// operation, or spec-diff would file that operation's changes under "Other".
func TestWorkflowCallsAreListed(t *testing.T) {
	listed := generatedMethods(t)
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
			if sel, ok := n.(*ast.SelectorExpr); ok && strings.HasSuffix(sel.Sel.Name, "WithResponse") {
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
