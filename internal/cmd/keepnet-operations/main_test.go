package main

import (
	"slices"
	"testing"
)

const miniSpec = `{
  "paths": {
    "/api/things/search": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Paged"}}}}}},
    "/api/things/{id}/send": {"post": {}},
    "/api/things/{id}": {"get": {}, "delete": {}, "put": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Paged"}}}}}},
    "/api/things/report": {"post": {"requestBody": {"content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Page"}, {"properties": {"PageSize": {}}}]}}}}}},
    "/api/things/search-like": {"post": {"requestBody": {"content": {"application/json": {"schema": {"properties": {"filter": {}}}}}}}}
  },
  "components": {"schemas": {
    "Paged": {"properties": {"pageNumber": {}, "pageSize": {}, "filter": {}}},
    "Page": {"properties": {"pageNumber": {}}}
  }}
}`

func TestRepeatableFromWhatTheOperationIs(t *testing.T) {
	ops, err := operations([]byte(miniSpec))
	if err != nil {
		t.Fatal(err)
	}
	want := []operation{
		{"POST", "/api/things/report", true}, // pageNumber and PageSize through allOf
		{"POST", "/api/things/search", true},
		{"POST", "/api/things/search-like", false}, // a word in the path is not a page request
		{"DELETE", "/api/things/{id}", false},
		{"GET", "/api/things/{id}", true},
		{"PUT", "/api/things/{id}", false}, // only POST searches among the writes
		{"POST", "/api/things/{id}/send", false},
	}
	if !slices.Equal(ops, want) {
		t.Errorf("operations =\n%v\nwant\n%v", ops, want)
	}
}

func TestAmbiguousTemplatesAreRefused(t *testing.T) {
	spec := `{"paths": {"/api/a/{x}": {"get": {}}, "/api/a/{y}": {"get": {}}}}`
	if _, err := operations([]byte(spec)); err == nil {
		t.Error("two templates of one shape were accepted")
	}
}
