// Package speccheck validates requests against the vendor's OpenAPI
// document with kin-openapi, for keepnettest.WithSpec:
//
//	spec, err := speccheck.Load("api/keepnet-api-spec.json")
//	// ...
//	fake := keepnettest.NewServer(keepnettest.WithSpec(spec), keepnettest.WithT(t))
package speccheck

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy/pathpattern"
)

// Spec is a loaded vendor spec with its route table, ready to validate
// requests. Loading the 3 MB document takes about a second, so load it once
// and share the *Spec between servers; it is safe for concurrent use.
type Spec struct {
	doc   *openapi3.T
	paths *pathpattern.Node
}

// Load loads the vendor's OpenAPI document from path.
//
// kin-openapi's routers validate the whole document before routing, and the
// vendor's document fails that validation (component names with backticks
// and brackets, bodies with both example and examples) although it loads and
// its operations validate requests fine. So the route table is built here
// with kin-openapi's own path matcher, the one its legacy router uses.
func Load(path string) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("speccheck: loading spec %s: %w", path, err)
	}
	root := &pathpattern.Node{}
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			route := &routers.Route{Spec: doc, Path: p, PathItem: item, Method: method, Operation: op}
			if err := root.Add(method+" "+p, route, nil); err != nil {
				return nil, fmt.Errorf("speccheck: spec %s: route %s %s: %w", path, method, p, err)
			}
		}
	}
	return &Spec{doc: doc, paths: root}, nil
}

// findRoute matches r to an operation of the spec, ignoring its servers (the
// fake is never at api.keepnetlabs.com).
func (s *Spec) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	node, values := s.paths.Match(r.Method + " " + r.URL.Path)
	if node == nil {
		return nil, nil, fmt.Errorf("the spec has no operation %s %s", r.Method, r.URL.Path)
	}
	route, _ := node.Value.(*routers.Route)
	if route == nil {
		return nil, nil, fmt.Errorf("the spec has no operation %s %s", r.Method, r.URL.Path)
	}
	params := make(map[string]string, len(values))
	for i, v := range values {
		params[strings.TrimSuffix(node.VariableNames[i], "*")] = v
	}
	return route, params, nil
}

// ValidateRequest checks r, whose body has been read into body, against
// the spec.
// Authentication is the fake's own business: the spec's oauth2/bearer
// requirements are satisfied by a no-op.
func (s *Spec) ValidateRequest(r *http.Request, body []byte) error {
	route, params, err := s.findRoute(r)
	if err != nil {
		return err
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(context.WithoutCancel(r.Context()), input); err != nil {
		return fmt.Errorf("%s %s: %w", r.Method, route.Path, err)
	}
	return nil
}
