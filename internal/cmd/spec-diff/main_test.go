package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Schema keys shaped like the vendor's: assembly-qualified generics, so that
// a version bump renames them the way it renames the real ones.
const (
	enrollmentKey  = "KeepnetLabs.Domain.Models.Enrollment.EnrollmentDetailView"
	enrollmentResp = "KeepnetLabs.Common.Core.Models.DataResponse`1[[" + enrollmentKey + ", KeepnetLabs.Domain, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null]]"
	createKey      = "KeepnetLabs.DistributedService.Rest.Models.Enrollment.CreateEnrollmentRequest"
	campaignKey    = "KeepnetLabs.Domain.Models.PhishingCampaign.PhishingCampaignView"
	campaignResp   = "KeepnetLabs.Common.Core.Models.DataResponse`1[[" + campaignKey + ", KeepnetLabs.Domain, Version=1.4.0.0, Culture=neutral, PublicKeyToken=null]]"
)

func ref(key string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + key}
}

func jsonResponse(schemaKey string) map[string]any {
	return map[string]any{"200": map[string]any{
		"description": "OK",
		"content":     map[string]any{"application/json": map[string]any{"schema": ref(schemaKey)}},
	}}
}

func pathParam(name string) map[string]any {
	return map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}}
}

func object(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if required != nil {
		o["required"] = required
	}
	return o
}

var str = map[string]any{"type": "string"}

// syntheticSpec is a small Swashbuckle-shaped document: two operations the
// workflows use and one they do not, each with its own schemas.
func syntheticSpec() map[string]any {
	// Every JSON alias the vendor lists beside application/json.
	createBody := map[string]any{"content": map[string]any{}}
	for _, mt := range []string{"application/json-patch+json", "application/json", "text/json", "application/*+json"} {
		createBody["content"].(map[string]any)[mt] = map[string]any{"schema": ref(createKey)}
	}
	return map[string]any{
		"openapi": "3.0.4",
		"info":    map[string]any{"title": "Synthetic Keepnet", "version": "v1"},
		"paths": map[string]any{
			"/api/enrollments/{resourceId}": map[string]any{"get": map[string]any{
				"parameters": []any{pathParam("resourceId")},
				"responses":  jsonResponse(enrollmentResp),
			}},
			"/api/enrollments": map[string]any{"post": map[string]any{
				"requestBody": createBody,
				"responses":   jsonResponse(enrollmentResp),
			}},
			"/api/phishing-campaigns/{resourceId}": map[string]any{"get": map[string]any{
				"parameters": []any{pathParam("resourceId")},
				"responses":  jsonResponse(campaignResp),
			}},
		},
		"components": map[string]any{"schemas": map[string]any{
			enrollmentResp: object(nil, map[string]any{"data": ref(enrollmentKey), "status": str}),
			enrollmentKey:  object([]string{"name"}, map[string]any{"name": str, "status": str, "createdBy": str}),
			createKey:      object(nil, map[string]any{"name": str, "trainingId": str}),
			campaignResp:   object(nil, map[string]any{"data": ref(campaignKey), "status": str}),
			campaignKey:    object([]string{"name"}, map[string]any{"name": str, "status": str}),
		}},
	}
}

// dig returns the map at a path of keys in a decoded document.
func dig(doc map[string]any, keys ...string) map[string]any {
	m := doc
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func schema(doc map[string]any, key string) map[string]any {
	return dig(doc, "components", "schemas", key)
}

func encode(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type result struct {
	code           int
	stdout, stderr string
}

func runSpecDiff(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr, http.DefaultClient)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// sections splits a report into its workflow and other sections.
func sections(t *testing.T, out string) (workflow, other []string) {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\nOperations keepnet-flow uses:\n")
	if !ok {
		t.Fatalf("no workflow section in:\n%s", out)
	}
	wf, oth, ok := strings.Cut(rest, "\nOther operations:\n")
	if !ok {
		t.Fatalf("no other-operations section after the workflow section in:\n%s", out)
	}
	lines := func(s string) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			if l != "(none)" && l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	return lines(wf), lines(oth)
}

func TestBreakingChanges(t *testing.T) {
	tests := []struct {
		name      string
		candidate func(t *testing.T) []byte
		wantCode  int
		// Each want line must be in its section, as a prefix of one line
		// ("LEVEL  METHOD PATH:") plus a fragment of its text.
		wantWorkflow, wantOther []string
	}{
		{
			name:      "identical spec",
			candidate: func(t *testing.T) []byte { return encode(t, syntheticSpec()) },
			wantCode:  0,
		},
		{
			name: "assembly version bump renames every schema",
			candidate: func(t *testing.T) []byte {
				data := encode(t, syntheticSpec())
				data = bytes.ReplaceAll(data, []byte("Version=1.0.0.0"), []byte("Version=1.1.0.0"))
				return bytes.ReplaceAll(data, []byte("Version=1.4.0.0"), []byte("Version=1.5.0.0"))
			},
			wantCode: 0,
		},
		{
			name: "removed required response field on a workflow operation, and an operation removed elsewhere",
			candidate: func(t *testing.T) []byte {
				doc := syntheticSpec()
				s := schema(doc, enrollmentKey)
				delete(s["properties"].(map[string]any), "name")
				delete(s, "required")
				delete(dig(doc, "paths"), "/api/phishing-campaigns/{resourceId}")
				return encode(t, doc)
			},
			wantCode:     1,
			wantWorkflow: []string{"ERR   GET /api/enrollments/{resourceId}: removed the required property `data/name`", "ERR   POST /api/enrollments: removed the required property `data/name`"},
			wantOther:    []string{"ERR   GET /api/phishing-campaigns/{resourceId}: api path removed"},
		},
		{
			name: "removed optional response field counts only on workflow operations",
			candidate: func(t *testing.T) []byte {
				doc := syntheticSpec()
				delete(schema(doc, enrollmentKey)["properties"].(map[string]any), "createdBy")
				delete(schema(doc, campaignKey)["properties"].(map[string]any), "status")
				return encode(t, doc)
			},
			wantCode:     1,
			wantWorkflow: []string{"WARN  GET /api/enrollments/{resourceId}: removed the optional property `data/createdBy`", "WARN  POST /api/enrollments: removed the optional property `data/createdBy`"},
		},
		{
			name: "request change is listed once, not once per JSON alias",
			candidate: func(t *testing.T) []byte {
				doc := syntheticSpec()
				dig(schema(doc, createKey), "properties")["trainingId"] = map[string]any{"type": "integer"}
				return encode(t, doc)
			},
			wantCode:     1,
			wantWorkflow: []string{"ERR   POST /api/enrollments: the `trainingId` request property `type` changed from `string` to `integer`"},
		},
		{
			name: "dropping application/json from a request body is breaking",
			candidate: func(t *testing.T) []byte {
				doc := syntheticSpec()
				delete(dig(doc, "paths", "/api/enrollments", "post", "requestBody", "content"), "application/json")
				return encode(t, doc)
			},
			wantCode:     1,
			wantWorkflow: []string{"ERR   POST /api/enrollments: removed the media type `application/json` from the request body"},
		},
		{
			name: "renamed path parameter keeps the operation a workflow one",
			candidate: func(t *testing.T) []byte {
				doc := syntheticSpec()
				paths := dig(doc, "paths")
				op := dig(paths, "/api/enrollments/{resourceId}", "get")
				op["parameters"] = []any{pathParam("id")}
				op["responses"] = map[string]any{"404": map[string]any{"description": "gone"}}
				delete(paths, "/api/enrollments/{resourceId}")
				paths["/api/enrollments/{id}"] = map[string]any{"get": op}
				return encode(t, doc)
			},
			wantCode:     1,
			wantWorkflow: []string{"ERR   GET /api/enrollments/{"},
		},
	}
	base := writeFile(t, "base.json", encode(t, syntheticSpec()))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cand := writeFile(t, "candidate.json", tt.candidate(t))
			got := runSpecDiff(t, "-base", base, "-candidate", cand)
			if got.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tt.wantCode, got.stdout, got.stderr)
			}
			header, _, _ := strings.Cut(got.stdout, "\n")
			if tt.wantCode == 0 && !strings.Contains(header, "no breaking changes") {
				t.Errorf("header %q does not say there are no breaking changes", header)
			}
			workflow, other := sections(t, got.stdout)
			checkSection(t, "Operations keepnet-flow uses", workflow, tt.wantWorkflow)
			checkSection(t, "Other operations", other, tt.wantOther)
		})
	}
}

// checkSection wants each line of want (a prefix and a fragment, split at
// the first ": ") to match exactly one line of got, and nothing else in got.
func checkSection(t *testing.T, name string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d lines, want %d:\n%s", name, len(got), len(want), strings.Join(got, "\n"))
		return
	}
	for _, w := range want {
		prefix, fragment, _ := strings.Cut(w, ": ")
		n := 0
		for _, g := range got {
			if strings.HasPrefix(g, prefix) && strings.Contains(g, fragment) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d lines match %q, want 1:\n%s", name, n, w, strings.Join(got, "\n"))
		}
	}
}

func TestHeaderCounts(t *testing.T) {
	doc := syntheticSpec()
	delete(schema(doc, enrollmentKey)["properties"].(map[string]any), "createdBy")
	delete(dig(doc, "paths"), "/api/phishing-campaigns/{resourceId}")
	base := writeFile(t, "base.json", encode(t, syntheticSpec()))
	cand := writeFile(t, "candidate.json", encode(t, doc))

	got := runSpecDiff(t, "-base", base, "-candidate", cand)
	header, _, _ := strings.Cut(got.stdout, "\n")
	want := "spec-diff: 3 breaking changes (1 ERR, 2 WARN) from " + base + " to " + cand + "; 2 in operations keepnet-flow uses"
	if header != want {
		t.Errorf("header\n got %q\nwant %q", header, want)
	}
}

func TestCandidateURL(t *testing.T) {
	doc := syntheticSpec()
	delete(dig(doc, "paths"), "/api/enrollments")
	spec := encode(t, doc)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/keepnet-api-spec.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(spec)
	}))
	defer srv.Close()
	base := writeFile(t, "base.json", encode(t, syntheticSpec()))

	got := runSpecDiff(t, "-base", base, "-candidate", srv.URL+"/keepnet-api-spec.json")
	if got.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
	}
	workflow, _ := sections(t, got.stdout)
	checkSection(t, "Operations keepnet-flow uses", workflow, []string{"ERR   POST /api/enrollments: api path removed"})
}

func TestBadInput(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!DOCTYPE html><html><body>Gateway timeout</body></html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	dir := t.TempDir()
	good := writeFile(t, "good.json", encode(t, syntheticSpec()))
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	swagger2 := file("swagger2.json", `{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}`)
	noPaths := file("nopaths.json", `{"openapi":"3.0.4","info":{"title":"x","version":"1"},"paths":{}}`)
	yaml := file("spec.yaml", "openapi: 3.0.4\ninfo: {title: x, version: '1'}\npaths: {}\n")
	truncated := file("truncated.json", string(encode(t, syntheticSpec())[:200]))
	notJSON := file("page.json", "<html>maintenance</html>")

	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"missing candidate file", []string{"-base", good, "-candidate", filepath.Join(dir, "absent.json")}, "absent.json: no such file"},
		{"missing base file", []string{"-base", filepath.Join(dir, "absent.json"), "-candidate", good}, "make spec"},
		{"candidate is HTML", []string{"-base", good, "-candidate", notJSON}, "not a JSON document"},
		{"candidate is YAML", []string{"-base", good, "-candidate", yaml}, "not a JSON document"},
		{"candidate is truncated", []string{"-base", good, "-candidate", truncated}, "not a JSON document"},
		{"candidate is Swagger 2", []string{"-base", good, "-candidate", swagger2}, "not an OpenAPI 3 document"},
		{"candidate has no paths", []string{"-base", good, "-candidate", noPaths}, "has no paths"},
		{"candidate URL answers 404", []string{"-base", good, "-candidate", srv.URL + "/missing.json"}, "404"},
		{"candidate URL answers HTML", []string{"-base", good, "-candidate", srv.URL + "/html"}, "not a JSON document"},
		{"candidate URL unreachable", []string{"-base", good, "-candidate", closedURL + "/spec.json"}, "download"},
		{"no candidate", []string{"-base", good}, "usage: spec-diff"},
		{"stray argument", []string{"-base", good, "-candidate", good, "extra"}, "usage: spec-diff"},
		{"unknown flag", []string{"-base", good, "-candidate", good, "-format", "json"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runSpecDiff(t, tt.args...)
			if got.code != 2 {
				t.Errorf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
			}
			if got.stdout != "" {
				t.Errorf("stdout %q, want nothing: a failed comparison must not look like a report", got.stdout)
			}
			if !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("stderr %q does not mention %q", got.stderr, tt.wantStderr)
			}
		})
	}
}
