package specnames

import (
	"encoding/json"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func qualified(name, asm, version string) string {
	return name + ", " + asm + ", Version=" + version + ", Culture=neutral, PublicKeyToken=null"
}

func TestGoNames(t *testing.T) {
	users := qualified("KeepnetLabs.Domain.Models.TrainingReport.TrainingReportUsersSearchView", "KeepnetLabs.Domain", "1.0.0.0")
	page := "KeepnetLabs.Common.Core.Models.PagedResults`1[[" + users + "]]"
	tests := []struct {
		name string
		keys []string
		want map[string]string
	}{{
		name: "plain type keeps its short name",
		keys: []string{"KeepnetLabs.ApplicationService.Company.Dto.SearchCompanyDto"},
		want: map[string]string{"KeepnetLabs.ApplicationService.Company.Dto.SearchCompanyDto": "SearchCompanyDto"},
	}, {
		name: "generic wrappers read as a person would write them",
		keys: []string{
			"KeepnetLabs.Common.Core.Models.DataResponse`1[[" + qualified(page, "KeepnetLabs.Common.Core", "1.4.0.0") + "]]",
			page,
		},
		want: map[string]string{
			"KeepnetLabs.Common.Core.Models.DataResponse`1[[" + qualified(page, "KeepnetLabs.Common.Core", "1.4.0.0") + "]]": "TrainingReportUsersSearchViewPageResponse",
			page: "TrainingReportUsersSearchViewPage",
		},
	}, {
		name: "short-name collisions take the nearest telling namespace segment",
		keys: []string{
			"KeepnetLabs.DAL.Models.Filter",
			"KeepnetLabs.Common.Core.Models.Filter",
			"KeepnetLabs.DistributedService.Rest.Models.Filter.Filter",
			"KeepnetLabs.ApplicationService.SearchBuilder.Filter",
		},
		want: map[string]string{
			"KeepnetLabs.DAL.Models.Filter":                            "DALFilter",
			"KeepnetLabs.Common.Core.Models.Filter":                    "CoreModelsFilter",
			"KeepnetLabs.DistributedService.Rest.Models.Filter.Filter": "RestModelsFilter",
			"KeepnetLabs.ApplicationService.SearchBuilder.Filter":      "SearchBuilderFilter",
		},
	}, {
		name: "nested classes: inner names that repeat the outer stand alone",
		keys: []string{
			"KeepnetLabs.DistributedService.Rest.Models.DomainRecord.DomainRecordRequest+CreateDomainRecordRequest",
			"KeepnetLabs.Domain.Enums.AllowListEnum+Status",
		},
		want: map[string]string{
			"KeepnetLabs.DistributedService.Rest.Models.DomainRecord.DomainRecordRequest+CreateDomainRecordRequest": "CreateDomainRecordRequest",
			"KeepnetLabs.Domain.Enums.AllowListEnum+Status":                                                         "AllowListEnumStatus",
		},
	}, {
		name: "the same wrapper in two namespaces is qualified before its suffix",
		keys: []string{
			"KeepnetLabs.Core.ServiceResult`1[[" + qualified("System.String", "System.Private.CoreLib", "8.0.0.0") + "]]",
			"KeepnetLabs.Common.Core.Models.ServiceResult`1[[" + qualified("System.String", "System.Private.CoreLib", "8.0.0.0") + "]]",
		},
		want: map[string]string{
			"KeepnetLabs.Core.ServiceResult`1[[" + qualified("System.String", "System.Private.CoreLib", "8.0.0.0") + "]]":               "StringCoreResult",
			"KeepnetLabs.Common.Core.Models.ServiceResult`1[[" + qualified("System.String", "System.Private.CoreLib", "8.0.0.0") + "]]": "StringModelsResult",
		},
	}, {
		name: "nested generic inside a list inside a result",
		keys: []string{
			"KeepnetLabs.Core.ServiceResult`1[[System.Collections.Generic.List`1[[" + qualified("KeepnetLabs.EmailParser.EmlParser+Uri", "KeepnetLabs.EmailParser", "1.0.0.0") + "]], System.Private.CoreLib, Version=8.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e]]",
		},
		want: map[string]string{
			"KeepnetLabs.Core.ServiceResult`1[[System.Collections.Generic.List`1[[" + qualified("KeepnetLabs.EmailParser.EmlParser+Uri", "KeepnetLabs.EmailParser", "1.0.0.0") + "]], System.Private.CoreLib, Version=8.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e]]": "EmlParserUriListResult",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GoNames(tt.keys)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("GoNames:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestGoNamesRejectsMalformedKeys(t *testing.T) {
	for _, key := range []string{"", "A.B`1[[C", "A.B`1[C]]", "A..B+"} {
		if _, err := GoNames([]string{key}); err == nil {
			t.Errorf("GoNames(%q): want error", key)
		}
	}
}

var versionRE = regexp.MustCompile(`Version=\d+\.\d+\.\d+\.\d+`)

// bumpVersions does what a vendor release does to every schema key.
func bumpVersions(s string) string {
	return versionRE.ReplaceAllStringFunc(s, func(v string) string {
		return strings.Replace(v, "Version=", "Version=9", 1)
	})
}

func vendorSpec(t *testing.T) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "api", "keepnet-api-spec.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("vendor spec not installed (%v): run `make spec`", err)
	}
	return data
}

func schemaKeys(t *testing.T, spec []byte) []string {
	t.Helper()
	var doc specDoc
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	return slices.Collect(maps.Keys(doc.Components.Schemas))
}

// TestVendorSpecNames checks the properties gen/ relies on over the real
// document: unique, short, free of assembly qualifiers, and unchanged by an
// assembly version bump or by key order.
func TestVendorSpecNames(t *testing.T) {
	spec := vendorSpec(t)
	keys := schemaKeys(t, spec)
	names, err := GoNames(keys)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	ident := regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)
	for k, n := range names {
		if len(n) > MaxNameLength {
			t.Errorf("%s: %d characters", n, len(n))
		}
		if !ident.MatchString(n) || strings.Contains(n, "PublicKeyToken") || strings.Contains(n, "Culture") || regexp.MustCompile(`\d+_\d+_\d+`).MatchString(n) {
			t.Errorf("%s (for %s) is not a clean Go identifier", n, k)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("%s names both %s and %s", n, other, k)
		}
		seen[n] = k
	}

	bumped := make([]string, len(keys))
	for i, k := range keys {
		bumped[i] = bumpVersions(k)
	}
	slices.Reverse(bumped)
	bumpedNames, err := GoNames(bumped)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if got, want := bumpedNames[bumpVersions(k)], names[k]; got != want {
			t.Errorf("version bump renamed %s: %s → %s", k, want, got)
		}
	}
}

func TestOverlayStableAcrossVersionBump(t *testing.T) {
	spec := vendorSpec(t)
	a, err := BuildOverlay(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := BuildOverlay([]byte(bumpVersions(string(spec))))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Actions) != len(b.Actions) {
		t.Fatalf("action count changed: %d → %d", len(a.Actions), len(b.Actions))
	}
	for i := range a.Actions {
		ja, _ := json.Marshal(a.Actions[i].Update)
		jb, _ := json.Marshal(b.Actions[i].Update)
		if string(ja) != string(jb) || a.Actions[i].Remove != b.Actions[i].Remove {
			t.Errorf("action %d changed with the version bump: %s → %s", i, ja, jb)
		}
		if strings.Contains(string(ja), "Version=") {
			t.Errorf("action %d leaks an assembly version: %s", i, ja)
		}
	}
}

// TestOverlayAsOapiCodegenAppliesIt loads a small Swashbuckle-shaped
// document the way `make generate` does, overlay included, and checks what
// the generator then sees.
func TestOverlayAsOapiCodegenAppliesIt(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.json")
	overlayPath := filepath.Join(dir, "overlay.json")
	pageKey := "KeepnetLabs.Common.Core.Models.PagedResults`1[[" + qualified("KeepnetLabs.Things.Thing", "KeepnetLabs.Things", "1.0.0.0") + "]]"
	spec := `{"openapi":"3.0.4","info":{"title":"t","version":"1"},"paths":{
	  "/api/things/search":{"post":{"requestBody":{"content":{
	    "application/json-patch+json":{"schema":{"type":"object"}},"application/json":{"schema":{"type":"object"}},
	    "text/json":{"schema":{"type":"object"}},"application/*+json":{"schema":{"type":"object"}}}},
	    "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/` + pageKey + `"}}}}}}},
	  "/api/legacy":{"put":{"requestBody":{"content":{"text/json":{"schema":{"type":"object"}}}},"responses":{"200":{"description":"ok"}}}},
	  "/api/things/{resourceId}":{"get":{"parameters":[{"name":"kind","in":"query","schema":{"$ref":"#/components/schemas/KeepnetLabs.Things.Kind"}}],
	    "responses":{"200":{"description":"ok"}}}},
	  "/connect/token":{"post":{"operationId":"requestAccessToken","requestBody":{"content":{"application/x-www-form-urlencoded":{"schema":{"type":"object"}}}},"responses":{"200":{"description":"ok"}}}}},
	  "components":{"schemas":{
	    "KeepnetLabs.Things.Kind":{"type":"string"},
	    "KeepnetLabs.Things.Thing":{"type":"object","properties":{"kind":{"$ref":"#/components/schemas/KeepnetLabs.Things.Kind"}}},
	    "` + pageKey + `":{"type":"object","properties":{"results":{"type":"array","items":{"$ref":"#/components/schemas/KeepnetLabs.Things.Thing"}}}}}}}`
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	ov, err := BuildOverlay([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(ov)
	if err := os.WriteFile(overlayPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := util.LoadSwaggerWithOverlay(specPath, util.LoadSwaggerWithOverlayOpts{Path: overlayPath, Strict: true})
	if err != nil {
		t.Fatalf("oapi-codegen cannot apply the overlay: %v", err)
	}

	search := doc.Paths.Find("/api/things/search").Post
	if got := slices.Sorted(maps.Keys(search.RequestBody.Value.Content)); !slices.Equal(got, []string{"application/json"}) {
		t.Errorf("search body media types: %v, want only application/json", got)
	}
	if got := slices.Sorted(maps.Keys(doc.Paths.Find("/api/legacy").Put.RequestBody.Value.Content)); !slices.Equal(got, []string{"text/json"}) {
		t.Errorf("a body offered only as text/json lost it: %v", got)
	}
	ids := map[string]string{
		"/api/things/search":       search.OperationID,
		"/api/legacy":              doc.Paths.Find("/api/legacy").Put.OperationID,
		"/api/things/{resourceId}": doc.Paths.Find("/api/things/{resourceId}").Get.OperationID,
		"/connect/token":           doc.Paths.Find("/connect/token").Post.OperationID,
	}
	want := map[string]string{
		"/api/things/search": "PostThingsSearch", "/api/legacy": "PutLegacy",
		"/api/things/{resourceId}": "GetThingsResourceId", "/connect/token": "PostConnectToken",
	}
	if !maps.Equal(ids, want) {
		t.Errorf("operation IDs: %v, want %v", ids, want)
	}
	schemas := doc.Components.Schemas
	if got := schemas[pageKey].Value.Extensions["x-go-name"]; got != "ThingPage" {
		t.Errorf("page x-go-name %v, want ThingPage", got)
	}
	if got := schemas[pageKey].Value.Description; got != "is the vendor's KeepnetLabs.Common.Core.Models.PagedResults<Thing>." {
		t.Errorf("page description %q", got)
	}
	if got := schemas["KeepnetLabs.Things.Thing"].Value.Properties["kind"].Extensions["x-go-name"]; got != "Kind" {
		t.Errorf("$ref property x-go-name %v, want Kind", got)
	}
	param := doc.Paths.Find("/api/things/{resourceId}").Get.Parameters[0].Value
	if got := param.Schema.Extensions["x-go-name"]; got != "Kind" {
		t.Errorf("$ref parameter schema x-go-name %v, want Kind", got)
	}
}

func TestOperationNames(t *testing.T) {
	ops := []Operation{
		{"get", "/api/enrollments/{resourceId}"},
		{"post", "/api/enrollments"},
		{"get", "/api/training-reports/{enrollmentId}/exam-result-sessions/{targetUserResourceId}"},
		{"get", "/api/phishing-simulator/phishing-campaign-job-report/summary/{resourceId}/{instanceGroup}/landing-page-template/{templateResourceId}"},
	}
	got, err := OperationNames(ops)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Operation]string{
		ops[0]: "GetEnrollmentsResourceId",
		ops[1]: "PostEnrollments",
		ops[2]: "GetTrainingReportsExamResultSessionsTargetUserResourceId",
		ops[3]: "GetPhishingSimulatorCampaignJobReportSummaryLandingPageTemplateId",
	}
	for op, w := range want {
		if got[op] != w {
			t.Errorf("%s %s: got %s, want %s", op.Method, op.Path, got[op], w)
		}
		if len(got[op]) > MaxOperationNameLength {
			t.Errorf("%s longer than %d", got[op], MaxOperationNameLength)
		}
	}
}

func TestOperationNamesUnique(t *testing.T) {
	ops := []Operation{{"get", "/api/a-b"}, {"get", "/api/a/b"}}
	got, err := OperationNames(ops)
	if err != nil {
		t.Fatal(err)
	}
	if got[ops[0]] == got[ops[1]] {
		t.Fatalf("both operations named %s", got[ops[0]])
	}
}
