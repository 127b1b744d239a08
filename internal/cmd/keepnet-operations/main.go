// Command keepnet-operations writes the table of the spec's operations that
// the connection layer matches requests against (internal/apiops): each
// operation's method, path template, and whether repeating it is safe.
// `make generate` runs it beside oapi-codegen, and `make check-generated`
// checks its output, so the table always describes the generated client.
//
//	go run ./internal/cmd/keepnet-operations -spec api/keepnet-api-spec.json -o internal/apiops/operations.gen.go
//
// Whether an operation may be repeated is read from what it is, never from
// words in its path: GET, HEAD and OPTIONS read; a POST whose request body
// is a page request (its schema has pageNumber and pageSize) is a search,
// which reads too. Anything else (creating, sending, deleting) may change
// state and is not repeatable.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"slices"
	"strings"
)

func main() {
	specPath := flag.String("spec", "api/keepnet-api-spec.json", "vendor OpenAPI document")
	out := flag.String("o", "internal/apiops/operations.gen.go", "Go file to write")
	flag.Parse()
	if err := run(*specPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "keepnet-operations:", err)
		os.Exit(1)
	}
}

func run(specPath, out string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	ops, err := operations(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	src, err := render(ops)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// operation is one row of the table.
type operation struct {
	method, path string
	repeatable   bool
}

type document struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas       map[string]json.RawMessage `json:"schemas"`
		RequestBodies map[string]json.RawMessage `json:"requestBodies"`
	} `json:"components"`
}

var methods = []string{"get", "head", "options", "post", "put", "patch", "delete"}

// operations lists the spec's operations, sorted by path and method. Two
// operations of one method whose templates differ only in parameter names
// would be ambiguous to match: the spec is refused.
func operations(raw []byte) ([]operation, error) {
	var doc document
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	var ops []operation
	shapes := map[string]string{}
	for path, item := range doc.Paths {
		for _, m := range methods {
			opRaw, ok := item[m]
			if !ok {
				continue
			}
			key := strings.ToUpper(m) + " " + shape(path)
			if other, dup := shapes[key]; dup {
				return nil, fmt.Errorf("%s %s and %s cannot be told apart", strings.ToUpper(m), path, other)
			}
			shapes[key] = path
			rep, err := repeatable(m, opRaw, &doc)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(m), path, err)
			}
			ops = append(ops, operation{method: strings.ToUpper(m), path: path, repeatable: rep})
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("no operations")
	}
	slices.SortFunc(ops, func(a, b operation) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return strings.Compare(a.method, b.method)
	})
	return ops, nil
}

// shape is a template with its parameters' names dropped, lower case:
// what a request path can be matched by.
func shape(path string) string {
	segs := strings.Split(strings.ToLower(strings.Trim(path, "/")), "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

func repeatable(method string, opRaw json.RawMessage, doc *document) (bool, error) {
	switch method {
	case "get", "head", "options":
		return true, nil
	case "post":
	default:
		return false, nil
	}
	var op struct {
		RequestBody json.RawMessage `json:"requestBody"`
	}
	if err := json.Unmarshal(opRaw, &op); err != nil {
		return false, err
	}
	if len(op.RequestBody) == 0 || string(op.RequestBody) == "null" {
		return false, nil
	}
	body, err := deref(op.RequestBody, doc.Components.RequestBodies, 0)
	if err != nil {
		return false, err
	}
	var rb struct {
		Content map[string]struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"content"`
	}
	if err := json.Unmarshal(body, &rb); err != nil {
		return false, err
	}
	media, ok := rb.Content["application/json"]
	if !ok {
		return false, nil // a form or a file: no page request
	}
	props, err := properties(media.Schema, doc, 0)
	if err != nil {
		return false, err
	}
	return props["pagenumber"] && props["pagesize"], nil
}

// deref follows a $ref into defs ("#/components/<kind>/<name>").
func deref(raw json.RawMessage, defs map[string]json.RawMessage, depth int) (json.RawMessage, error) {
	var ref struct {
		Ref string `json:"$ref"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil || ref.Ref == "" {
		return raw, err
	}
	if depth > 16 {
		return nil, fmt.Errorf("$ref %s: too deep", ref.Ref)
	}
	name := ref.Ref[strings.LastIndexByte(ref.Ref, '/')+1:]
	target, ok := defs[name]
	if !ok {
		return nil, fmt.Errorf("$ref %s: not found", ref.Ref)
	}
	return deref(target, defs, depth+1)
}

// properties returns the lower-cased property names of a schema, through
// $ref and allOf.
func properties(raw json.RawMessage, doc *document, depth int) (map[string]bool, error) {
	if depth > 16 || len(raw) == 0 {
		return nil, nil
	}
	raw, err := deref(raw, doc.Components.Schemas, 0)
	if err != nil {
		return nil, err
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		AllOf      []json.RawMessage          `json:"allOf"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for name := range s.Properties {
		out[strings.ToLower(name)] = true
	}
	for _, part := range s.AllOf {
		more, err := properties(part, doc, depth+1)
		if err != nil {
			return nil, err
		}
		for name := range more {
			out[name] = true
		}
	}
	return out, nil
}

func render(ops []operation) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`// Code generated by keepnet-operations from the pinned spec; DO NOT EDIT.

package apiops

// Operations returns the spec's operations, sorted by path and method.
func Operations() []Operation {
	return []Operation{
`)
	for _, op := range ops {
		fmt.Fprintf(&b, "\t\t{%q, %q, %v},\n", op.method, op.path, op.repeatable)
	}
	b.WriteString("\t}\n}\n")
	return format.Source(b.Bytes())
}
