package main

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/load"
)

// jsonMediaType is the one request media type the client sends; the overlay
// (internal/specnames) drops the vendor's JSON aliases before generation.
const jsonMediaType = "application/json"

// loadSpec parses a JSON spec the way oasdiff expects it: $refs resolved,
// each document through its own loader so the loaders' caches cannot mix
// the two sides up. External $refs stay disallowed: a downloaded candidate
// must not make us read other files or URLs.
func loadSpec(data []byte, name string) (*load.SpecInfo, error) {
	info, err := load.NewSpecInfoFromData(openapi3.NewLoader(), data, name)
	if err != nil {
		return nil, fmt.Errorf("%s is not an OpenAPI document: %w", name, err)
	}
	if !strings.HasPrefix(info.Spec.OpenAPI, "3.") {
		return nil, fmt.Errorf("%s is not an OpenAPI 3 document (openapi: %q)", name, info.Spec.OpenAPI)
	}
	if info.Spec.Paths == nil || info.Spec.Paths.Len() == 0 {
		return nil, fmt.Errorf("%s has no paths; not a spec to generate from", name)
	}
	return info, nil
}

// keepOnlyJSONRequests removes, from the request bodies of an operation that
// offers application/json in both specs, the JSON aliases beside it
// (application/json-patch+json, text/json, application/*+json). The client
// only sends application/json, and without this every request-body change
// would be reported four times, once per alias. Where one side lacks
// application/json the aliases stay: oasdiff reports a removed media type
// only beside one it can compare, so the base must keep them for a candidate
// dropping application/json to show as a breaking change.
func keepOnlyJSONRequests(base, candidate *openapi3.T) {
	trimBoth := func(from, other *openapi3.T) {
		for path, item := range from.Paths.Map() {
			for method, op := range item.Operations() {
				var peer *openapi3.Operation
				if otherItem := other.Paths.Value(path); otherItem != nil {
					peer = otherItem.GetOperation(method)
				}
				if peer != nil && !hasJSONBody(peer) {
					continue
				}
				if hasJSONBody(op) {
					dropJSONAliases(op)
				}
			}
		}
	}
	trimBoth(base, candidate)
	trimBoth(candidate, base)
}

func hasJSONBody(op *openapi3.Operation) bool {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return false
	}
	_, ok := op.RequestBody.Value.Content[jsonMediaType]
	return ok
}

func dropJSONAliases(op *openapi3.Operation) {
	content := op.RequestBody.Value.Content
	for mediaType := range content {
		if mediaType != jsonMediaType && isJSONAlias(mediaType) {
			delete(content, mediaType)
		}
	}
}

// isJSONAlias mirrors the overlay's rule for the media types it drops.
func isJSONAlias(mediaType string) bool {
	return mediaType == "text/json" || strings.HasSuffix(mediaType, "+json")
}
