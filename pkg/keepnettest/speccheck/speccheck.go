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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy/pathpattern"
)

// Spec is a loaded vendor spec with its route table, ready to validate
// requests. It is safe for concurrent use; share one between servers.
//
// Loading the whole 3 MB document with kin-openapi takes about a second,
// and a test binary uses a few dozen of its 800-odd paths. So Load reads
// only the route table, and a path's operations are loaded the first time
// a request comes for them, from a document of that path and the
// components it refers to, with kin-openapi as before: validation is the
// same, and a test binary pays for the paths it uses.
type Spec struct {
	// top is the document's top level but its paths and components.
	top map[string]json.RawMessage
	// components holds each kind of component by name.
	components map[string]map[string]json.RawMessage
	paths      *pathpattern.Node
	all        []*path
}

// path is one path of the document, loaded on first use.
type path struct {
	name string
	item json.RawMessage
	once sync.Once
	doc  *openapi3.T
	err  error
}

// methods are the operations a path item may hold.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Load loads the vendor's OpenAPI document from file.
//
// kin-openapi's routers validate the whole document before routing, and the
// vendor's document fails that validation (component names with backticks
// and brackets, bodies with both example and examples) although it loads and
// its operations validate requests fine. So the route table is built here
// with kin-openapi's own path matcher, the one its legacy router uses.
func Load(file string) (*Spec, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("speccheck: loading spec %s: %w", file, err)
	}
	s := &Spec{paths: &pathpattern.Node{}}
	if err := json.Unmarshal(b, &s.top); err != nil {
		return nil, fmt.Errorf("speccheck: loading spec %s: %w", file, err)
	}
	var paths map[string]map[string]json.RawMessage
	if err := json.Unmarshal(s.top["paths"], &paths); err != nil {
		return nil, fmt.Errorf("speccheck: loading spec %s: paths: %w", file, err)
	}
	if c, ok := s.top["components"]; ok {
		if err := json.Unmarshal(c, &s.components); err != nil {
			return nil, fmt.Errorf("speccheck: loading spec %s: components: %w", file, err)
		}
	}
	delete(s.top, "paths")
	delete(s.top, "components")
	for name, item := range paths {
		raw, err := json.Marshal(item)
		if err != nil {
			return nil, fmt.Errorf("speccheck: spec %s: path %s: %w", file, name, err)
		}
		p := &path{name: name, item: raw}
		s.all = append(s.all, p)
		for _, m := range methods {
			if _, ok := item[m]; !ok {
				continue
			}
			if err := s.paths.Add(strings.ToUpper(m)+" "+name, p, nil); err != nil {
				return nil, fmt.Errorf("speccheck: spec %s: route %s %s: %w", file, strings.ToUpper(m), name, err)
			}
		}
	}
	return s, nil
}

// load loads p's operations with kin-openapi, once.
func (s *Spec) load(p *path) (*openapi3.T, error) {
	p.once.Do(func() {
		mini := make(map[string]any, len(s.top)+2)
		for k, v := range s.top {
			mini[k] = v
		}
		mini["paths"] = map[string]json.RawMessage{p.name: p.item}
		mini["components"] = s.referred(p.item)
		b, err := json.Marshal(mini)
		if err != nil {
			p.err = err
			return
		}
		p.doc, p.err = openapi3.NewLoader().LoadFromData(b)
	})
	if p.err != nil {
		return nil, fmt.Errorf("speccheck: loading path %s: %w", p.name, p.err)
	}
	return p.doc, nil
}

// referred returns the components raw refers to, directly or through other
// components, and every security scheme (operations name them, not by
// $ref).
func (s *Spec) referred(raw json.RawMessage) map[string]map[string]json.RawMessage {
	out := map[string]map[string]json.RawMessage{}
	if schemes, ok := s.components["securitySchemes"]; ok {
		out["securitySchemes"] = schemes
	}
	queue := []json.RawMessage{raw}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		for _, ref := range refs(next) {
			kind, name, ok := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
			if !ok || !strings.HasPrefix(ref, "#/components/") {
				continue // not a component: kin-openapi reports it as before
			}
			name = strings.NewReplacer("~1", "/", "~0", "~").Replace(name)
			if _, seen := out[kind][name]; seen {
				continue
			}
			c, ok := s.components[kind][name]
			if !ok {
				continue // a dangling ref: kin-openapi reports it as before
			}
			if out[kind] == nil {
				out[kind] = map[string]json.RawMessage{}
			}
			out[kind][name] = c
			queue = append(queue, c)
		}
	}
	return out
}

// refs returns the $ref values anywhere in raw, a piece of the document
// Load decoded already: it cannot fail to decode again, and if it did, the
// components it misses would fail kin-openapi's load of the path, loudly.
func refs(raw json.RawMessage) []string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				out = append(out, ref)
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// findRoute matches r to an operation of the spec, ignoring its servers (the
// fake is never at api.keepnetlabs.com).
func (s *Spec) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	node, values := s.paths.Match(r.Method + " " + r.URL.Path)
	if node == nil {
		return nil, nil, fmt.Errorf("the spec has no operation %s %s", r.Method, r.URL.Path)
	}
	p, _ := node.Value.(*path)
	if p == nil {
		return nil, nil, fmt.Errorf("the spec has no operation %s %s", r.Method, r.URL.Path)
	}
	doc, err := s.load(p)
	if err != nil {
		return nil, nil, err
	}
	item := doc.Paths.Value(p.name)
	if item == nil || item.GetOperation(r.Method) == nil {
		return nil, nil, fmt.Errorf("the spec has no operation %s %s", r.Method, r.URL.Path)
	}
	route := &routers.Route{Spec: doc, Path: p.name, PathItem: item, Method: r.Method, Operation: item.GetOperation(r.Method)}
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
