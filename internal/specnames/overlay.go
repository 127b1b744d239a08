package specnames

import (
	"encoding/json"
	"fmt"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Overlay is an OpenAPI Overlay 1.0 document, as oapi-codegen applies it
// before generation.
type Overlay struct {
	Overlay string        `json:"overlay"`
	Info    OverlayInfo   `json:"info"`
	Actions []OverlayStep `json:"actions"`
}

// OverlayInfo names an overlay.
type OverlayInfo struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

// OverlayStep is one overlay action: an update merged into, or the removal
// of, the nodes its JSONPath target selects.
type OverlayStep struct {
	Target      string         `json:"target"`
	Description string         `json:"description,omitempty"`
	Update      map[string]any `json:"update,omitempty"`
	Remove      bool           `json:"remove,omitempty"`
}

// jsonBodyType is the one request media type the service accepts; it answers
// application/json-patch+json with 400, and the other variants only bloat the
// client with methods nobody may call.
const jsonBodyType = "application/json"

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type specDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type operationDoc struct {
	RequestBody *struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"requestBody"`
}

// BuildOverlay derives, from a vendor spec, the overlay that gives every
// schema a stable Go name (x-go-name) and drops the request media types other
// than application/json. Actions are sorted so the output is byte-stable.
func BuildOverlay(spec []byte) (*Overlay, error) {
	var doc specDoc
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	keys := make([]string, 0, len(doc.Components.Schemas))
	for k := range doc.Components.Schemas {
		keys = append(keys, k)
	}
	names, err := GoNames(keys)
	if err != nil {
		return nil, fmt.Errorf("derive names: %w", err)
	}
	canonicalNames := make(map[string]string, len(keys))
	for _, k := range keys {
		t, err := parseDotnetType(k)
		if err != nil {
			return nil, err
		}
		canonicalNames[k] = t.display()
	}
	slices.Sort(keys)

	// Updates are gathered per target and merged, so that oapi-codegen
	// evaluates one action per schema and per path rather than one per
	// property: applying an action walks the document, and thousands of
	// them made generation several times slower.
	updates := map[string]map[string]any{}
	for _, k := range keys {
		update := map[string]any{"x-go-name": names[k]}
		// Without a description oapi-codegen documents a type with its
		// schema key, assembly versions and all, and a version bump would
		// then change gen/.
		var schema struct {
			Description string `json:"description"`
		}
		if err := json.Unmarshal(doc.Components.Schemas[k], &schema); err != nil {
			return nil, fmt.Errorf("read schema %s: %w", k, err)
		}
		if schema.Description == "" {
			update["description"] = "is the vendor's " + canonicalNames[k] + "."
		}
		mergeUpdate(updates, "$['components']['schemas']["+quote(k)+"]", update)
	}

	// oapi-codegen names a struct field after the x-go-name of the schema a
	// property refers to, so every property that is a bare $ref pins its own
	// field name: the one oapi-codegen would derive from the JSON name.
	var tree any
	if err := json.Unmarshal(spec, &tree); err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	refFieldNames(tree, "$", updates)

	paths := make([]string, 0, len(doc.Paths))
	var ops []Operation
	for p, item := range doc.Paths {
		paths = append(paths, p)
		for _, m := range httpMethods {
			if _, ok := item[m]; ok {
				ops = append(ops, Operation{Method: m, Path: p})
			}
		}
	}
	slices.Sort(paths)
	opNames, err := OperationNames(ops)
	if err != nil {
		return nil, fmt.Errorf("derive operation names: %w", err)
	}
	// dropSites lists, per JSON alias media type, the operations offering
	// it; withoutJSON those that offer it without application/json.
	dropSites := map[string][]string{}
	withoutJSON := map[string]bool{}
	for _, p := range paths {
		for _, m := range httpMethods {
			raw, ok := doc.Paths[p][m]
			if !ok {
				continue
			}
			var op operationDoc
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("read %s %s: %w", strings.ToUpper(m), p, err)
			}
			// Named here, not from the vendor's operationId: it sets one on
			// a single operation, and path-derived names can exceed the
			// type-name limit.
			mergeUpdate(updates, "$['paths']["+quote(p)+"]", map[string]any{
				m: map[string]any{"operationId": opNames[Operation{Method: m, Path: p}]},
			})
			if op.RequestBody == nil {
				continue
			}
			_, hasJSON := op.RequestBody.Content[jsonBodyType]
			for ct := range op.RequestBody.Content {
				if ct == jsonBodyType || !isJSONVariant(ct) {
					continue
				}
				if !hasJSON {
					withoutJSON[ct] = true
					continue
				}
				dropSites[ct] = append(dropSites[ct], "$['paths']["+quote(p)+"]["+quote(m)+"]['requestBody']['content']["+quote(ct)+"]")
			}
		}
	}

	ov := &Overlay{
		Overlay: "1.0.0",
		Info:    OverlayInfo{Title: "keepnet-flow generation fixes (derived by internal/cmd/keepnet-overlay)", Version: "1"},
	}
	targets := slices.Sorted(maps.Keys(updates))
	for _, t := range targets {
		ov.Actions = append(ov.Actions, OverlayStep{Target: t, Update: updates[t]})
	}
	for _, ct := range slices.Sorted(maps.Keys(dropSites)) {
		if !withoutJSON[ct] {
			// Everywhere it is offered, application/json is too: one
			// wildcard action removes them all.
			ov.Actions = append(ov.Actions, OverlayStep{
				Target: "$.paths.*.*.requestBody.content[" + quote(ct) + "]",
				Remove: true,
			})
			continue
		}
		for _, site := range dropSites[ct] {
			ov.Actions = append(ov.Actions, OverlayStep{Target: site, Remove: true})
		}
	}
	return ov, nil
}

// mergeUpdate merges update into the one gathered for target, recursing
// into nested objects.
func mergeUpdate(updates map[string]map[string]any, target string, update map[string]any) {
	existing, ok := updates[target]
	if !ok {
		existing = map[string]any{}
		updates[target] = existing
	}
	mergeMaps(existing, update)
}

func mergeMaps(dst, src map[string]any) {
	for k, v := range src {
		sub, isMap := v.(map[string]any)
		cur, curIsMap := dst[k].(map[string]any)
		if isMap && curIsMap {
			mergeMaps(cur, sub)
			continue
		}
		dst[k] = v
	}
}

// isJSONVariant reports whether a media type is one of the JSON aliases the
// vendor lists beside application/json (json-patch, text/json, */*+json).
func isJSONVariant(ct string) bool {
	return ct == "text/json" || strings.HasSuffix(ct, "+json")
}

// quote renders a JSONPath (RFC 9535) single-quoted name selector.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// refFieldNames walks the document and, for each schema property and
// parameter schema that is a bare $ref, records an x-go-name update on the
// object holding it.
func refFieldNames(node any, path string, updates map[string]map[string]any) {
	switch v := node.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for name, prop := range props {
				if m, ok := prop.(map[string]any); ok && m["$ref"] != nil {
					mergeUpdate(updates, path, map[string]any{"properties": map[string]any{
						name: map[string]any{"x-go-name": codegen.SchemaNameToTypeName(name)},
					}})
				}
			}
		}
		// The same holds for a parameter's params-struct field.
		if name, ok := v["name"].(string); ok && v["in"] != nil {
			if m, ok := v["schema"].(map[string]any); ok && m["$ref"] != nil {
				mergeUpdate(updates, path, map[string]any{"schema": map[string]any{
					"x-go-name": codegen.SchemaNameToTypeName(name),
				}})
			}
		}
		for k, child := range v {
			refFieldNames(child, path+"["+quote(k)+"]", updates)
		}
	case []any:
		for i, child := range v {
			refFieldNames(child, path+"["+strconv.Itoa(i)+"]", updates)
		}
	}
}
