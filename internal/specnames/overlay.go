package specnames

import (
	"encoding/json"
	"fmt"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
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

	ov := &Overlay{
		Overlay: "1.0.0",
		Info:    OverlayInfo{Title: "keepnet-flow generation fixes (derived by internal/cmd/keepnet-overlay)", Version: "1"},
	}
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
		ov.Actions = append(ov.Actions, OverlayStep{
			Target: "$.components.schemas[" + quote(k) + "]",
			Update: update,
		})
	}

	// oapi-codegen names a struct field after the x-go-name of the schema a
	// property refers to, so every property that is a bare $ref pins its own
	// field name: the one oapi-codegen would derive from the JSON name.
	var tree any
	if err := json.Unmarshal(spec, &tree); err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	ov.Actions = append(ov.Actions, refPropertyActions(tree, "$")...)

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
			ov.Actions = append(ov.Actions, OverlayStep{
				Target: "$.paths[" + quote(p) + "]." + m,
				Update: map[string]any{"operationId": opNames[Operation{Method: m, Path: p}]},
			})
			if op.RequestBody == nil {
				continue
			}
			if _, ok := op.RequestBody.Content[jsonBodyType]; !ok {
				continue
			}
			var drop []string
			for ct := range op.RequestBody.Content {
				if ct != jsonBodyType && isJSONVariant(ct) {
					drop = append(drop, ct)
				}
			}
			slices.Sort(drop)
			for _, ct := range drop {
				ov.Actions = append(ov.Actions, OverlayStep{
					Target: "$.paths[" + quote(p) + "]." + m + ".requestBody.content[" + quote(ct) + "]",
					Remove: true,
				})
			}
		}
	}
	return ov, nil
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

// refPropertyActions walks the document and returns, sorted by target, an
// action for each schema property and parameter schema that is a bare $ref.
func refPropertyActions(node any, path string) []OverlayStep {
	var out []OverlayStep
	switch v := node.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for name, prop := range props {
				if m, ok := prop.(map[string]any); ok {
					if _, isRef := m["$ref"]; isRef {
						out = append(out, OverlayStep{
							Target: path + ".properties[" + quote(name) + "]",
							Update: map[string]any{"x-go-name": codegen.SchemaNameToTypeName(name)},
						})
					}
				}
			}
		}
		// The same holds for a parameter's params-struct field.
		if name, ok := v["name"].(string); ok && v["in"] != nil {
			if m, ok := v["schema"].(map[string]any); ok && m["$ref"] != nil {
				out = append(out, OverlayStep{
					Target: path + ".schema",
					Update: map[string]any{"x-go-name": codegen.SchemaNameToTypeName(name)},
				})
			}
		}
		for k, child := range v {
			out = append(out, refPropertyActions(child, path+"["+quote(k)+"]")...)
		}
	case []any:
		for i, child := range v {
			out = append(out, refPropertyActions(child, path+"["+strconv.Itoa(i)+"]")...)
		}
	}
	slices.SortFunc(out, func(a, b OverlayStep) int { return strings.Compare(a.Target, b.Target) })
	return out
}
