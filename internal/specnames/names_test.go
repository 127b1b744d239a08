package specnames

import (
	"encoding/json"
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

func TestOverlayKeepsOnlyJSONBodies(t *testing.T) {
	spec := []byte(`{"openapi":"3.0.4","paths":{
	  "/api/things/search":{"post":{"requestBody":{"required":null,"content":{
	    "application/json-patch+json":{},"application/json":{},"text/json":{},"application/*+json":{}}}}},
	  "/api/upload":{"post":{"requestBody":{"content":{"multipart/form-data":{}}}}},
	  "/connect/token":{"post":{"requestBody":{"content":{"application/x-www-form-urlencoded":{}}}}}},
	  "components":{"schemas":{}}}`)
	ov, err := BuildOverlay(spec)
	if err != nil {
		t.Fatal(err)
	}
	var removed, opIDs []string
	for _, a := range ov.Actions {
		if a.Remove {
			removed = append(removed, a.Target)
		}
		if id, ok := a.Update["operationId"]; ok {
			opIDs = append(opIDs, id.(string))
		}
	}
	want := []string{
		"$.paths['/api/things/search'].post.requestBody.content['application/*+json']",
		"$.paths['/api/things/search'].post.requestBody.content['application/json-patch+json']",
		"$.paths['/api/things/search'].post.requestBody.content['text/json']",
	}
	if !slices.Equal(removed, want) {
		t.Errorf("removed:\n got %q\nwant %q", removed, want)
	}
	slices.Sort(opIDs)
	if wantIDs := []string{"PostConnectToken", "PostThingsSearch", "PostUpload"}; !slices.Equal(opIDs, wantIDs) {
		t.Errorf("operation IDs: got %q, want %q", opIDs, wantIDs)
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
