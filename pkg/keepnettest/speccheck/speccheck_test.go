package speccheck_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest/speccheck"
)

func TestLoadReportsAMissingFile(t *testing.T) {
	if _, err := speccheck.Load(t.TempDir() + "/nope.json"); err == nil {
		t.Error("Load of a missing file: no error")
	}
}

func TestValidateRequest(t *testing.T) {
	spec := testspec.Load(t)
	tests := []struct {
		name, method, target, body, wantErr string
	}{
		{name: "search body as the spec has it", method: http.MethodPost, target: "/api/companies/search",
			body: `{"pageNumber":1,"pageSize":10,"orderBy":"Name","ascending":true,"filter":{"condition":"AND","searchInputTextValue":""}}`},
		{name: "path with parameters", method: http.MethodGet, target: "/api/training-reports/e7AcmeSrv001/exam-result-sessions/u1"},
		{name: "no such operation", method: http.MethodGet, target: "/api/no-such-thing", wantErr: "the spec has no operation GET /api/no-such-thing"},
		{name: "body of the wrong type", method: http.MethodPost, target: "/api/companies/search",
			body: `{"pageNumber":"one"}`, wantErr: "pageNumber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			err := spec.ValidateRequest(r, []byte(tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidateRequest: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ValidateRequest: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestEveryOperationLoads: each path's operations load on first use from
// the components they refer to; a reference the lazy loading misses would
// fail here for every path of the vendor's document, not only those the
// fake serves.
func TestEveryOperationLoads(t *testing.T) {
	path, err := testspec.Path()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := speccheck.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := spec.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n < 700 {
		t.Errorf("%d operations loaded; the vendor's document has over 900", n)
	}
}
