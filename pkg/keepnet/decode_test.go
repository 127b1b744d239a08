package keepnet

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

type decodeRow struct {
	ID     string           `json:"id"`
	Name   *string          `json:"name"`
	Count  int32            `json:"count"`
	Ratio  float64          `json:"ratio"`
	Active bool             `json:"active"`
	Tags   []string         `json:"tags"`
	When   keepnetdate.Time `json:"when"`
	Extra  map[string]int   `json:"extra"`
	Nested *struct {
		Value string `json:"value"`
	} `json:"nested"`
}

type decodePage struct {
	Data *struct {
		Total   *int64      `json:"totalNumberOfRecords"`
		Results []decodeRow `json:"results"`
	} `json:"data"`
}

func TestDecodeCoercesOrReports(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     decodeRow
		problems []string // paths
	}{
		{"as the spec says", `{"id":"a1","name":"N","count":3,"ratio":0.5,"active":true,"tags":["x"]}`,
			decodeRow{ID: "a1", Name: new("N"), Count: 3, Ratio: 0.5, Active: true, Tags: []string{"x"}}, nil},
		{"number for an ID", `{"id":42}`, decodeRow{ID: "42"}, nil},
		{"large number for an ID keeps its digits", `{"id":12345678901234567890}`, decodeRow{ID: "12345678901234567890"}, nil},
		{"number for a pointer string", `{"name":7}`, decodeRow{Name: new("7")}, nil},
		{"numeric string for an integer", `{"count":"12"}`, decodeRow{Count: 12}, nil},
		{"integral float for an integer", `{"count":12.0}`, decodeRow{Count: 12}, nil},
		{"numeric string for a float", `{"ratio":"0.25"}`, decodeRow{Ratio: 0.25}, nil},
		{"string true for a boolean", `{"active":"True"}`, decodeRow{Active: true}, nil},
		{"boolean for a string", `{"id":false}`, decodeRow{ID: "false"}, nil},
		{"case-insensitive names", `{"ID":"a","Count":2}`, decodeRow{ID: "a", Count: 2}, nil},
		{"unknown fields anywhere", `{"id":"a","x":{"y":[1,{"z":null}]},"nested":{"value":"v","w":1}}`,
			decodeRow{ID: "a", Nested: &struct {
				Value string `json:"value"`
			}{Value: "v"}}, nil},
		{"nulls leave zero values", `{"id":null,"name":null,"tags":null,"nested":null}`, decodeRow{}, nil},
		{"object for a string", `{"id":{"v":1},"count":2}`, decodeRow{Count: 2}, []string{"id"}},
		{"array for a pointer string", `{"name":["a"]}`, decodeRow{}, []string{"name"}},
		{"fraction for an integer", `{"count":2.5}`, decodeRow{}, []string{"count"}},
		{"overflow for an int32", `{"count":4294967296}`, decodeRow{}, []string{"count"}},
		{"word for an integer", `{"count":"many"}`, decodeRow{}, []string{"count"}},
		{"NaN string for a float", `{"ratio":"NaN"}`, decodeRow{}, []string{"ratio"}},
		{"number for a boolean", `{"active":1}`, decodeRow{}, []string{"active"}},
		{"object for an array", `{"tags":{"a":"b"},"id":"k"}`, decodeRow{ID: "k"}, []string{"tags"}},
		{"one bad element", `{"tags":["a",{"b":1},"c"]}`, decodeRow{Tags: []string{"a", "", "c"}}, []string{"tags[1]"}},
		{"object for a date", `{"when":{"d":1}}`, decodeRow{}, []string{"when"}},
		{"number for a date keeps its text", `{"when":20260122}`, decodeRow{When: keepnetdate.FromString("20260122")}, nil},
		{"bad map value", `{"extra":{"a":1,"b":"x"}}`, decodeRow{Extra: map[string]int{"a": 1, "b": 0}}, []string{"extra.b"}},
		{"string for an object", `{"nested":"v"}`, decodeRow{}, []string{"nested"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got decodeRow
			report, err := Decode([]byte(tt.body), &got)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode = %+v, want %+v", got, tt.want)
			}
			var paths []string
			for _, p := range report.Problems {
				paths = append(paths, p.Path)
			}
			if !reflect.DeepEqual(paths, tt.problems) {
				t.Errorf("problems at %v, want %v (%v)", paths, tt.problems, report.Problems)
			}
		})
	}
}

func TestDecodeReportsPathsWithinPages(t *testing.T) {
	body := `{"data":{"totalNumberOfRecords":"3","results":[{"id":"a"},{"id":"b","count":{"n":1}},{"id":["c"]}]}}`
	var page decodePage
	report, err := Decode([]byte(body), &page)
	if err != nil {
		t.Fatal(err)
	}
	if *page.Data.Total != 3 || len(page.Data.Results) != 3 || page.Data.Results[1].ID != "b" {
		t.Fatalf("page = %+v", page.Data)
	}
	if got := report.Within("data.results[1]"); len(got) != 1 || got[0].Path != "data.results[1].count" || got[0].Got != "object" {
		t.Errorf("Within(results[1]) = %v", got)
	}
	if got := report.Within("data.results[0]"); len(got) != 0 {
		t.Errorf("Within(results[0]) = %v, want none", got)
	}
	if p, ok := report.Problem("DATA.results[2].id"); !ok || p.Want != "string" || p.Raw != `["c"]` {
		t.Errorf("Problem(results[2].id) = %+v, %v", p, ok)
	}
	if !strings.Contains(report.Problems[1].String(), `data.results[2].id: want string, got array ["c"]`) {
		t.Errorf("String() = %q", report.Problems[1].String())
	}
}

func TestDecodeRefusesWhatIsNotJSON(t *testing.T) {
	for _, body := range []string{"", "   ", "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", `{"data":`, "OK", `{"a":1} trailing`} {
		var v decodePage
		_, err := Decode([]byte(body), &v)
		if !errors.Is(err, ErrHollowResponse) {
			t.Errorf("Decode(%q): err = %v, want ErrHollowResponse", body, err)
		}
	}
	if _, err := Decode([]byte(`{}`), decodePage{}); err == nil {
		t.Error("Decode into a non-pointer succeeded")
	}
}

// TestDecodeWalkMatchesEncodingJSON: for bodies encoding/json accepts, the
// slow path gives what encoding/json gives, so a response decodes the same
// whichever path it takes.
func TestDecodeWalkMatchesEncodingJSON(t *testing.T) {
	bodies := []string{
		`{"data":{"totalNumberOfRecords":2,"results":[{"ID":"a","name":"x","count":1,"ratio":1e2,"active":false,"tags":[],"when":"22/01/2026 13:40","extra":{},"nested":{}}]}}`,
		`{"data":{"results":[{"id":"a","id":"b"}],"results":null}}`,
		`{"data":null}`,
		`{"data":{"results":[{"tags":null,"extra":null,"nested":null,"name":null}]}}`,
		"{\"data\":{\"results\":[{\"id\":\"caf\xc3\"}]}}",
	}
	for _, body := range bodies {
		walkAgreesWithEncodingJSON[decodePage](t, body)
		walkAgreesWithEncodingJSON[gen.SearchCompanyDtoCustomCompanyPageResult](t, body)
	}
}

func walkAgreesWithEncodingJSON[T any](t *testing.T, body string) {
	t.Helper()
	var want T
	if json.Unmarshal([]byte(body), &want) != nil {
		return
	}
	var got T
	report, err := decodeWalking([]byte(body), reflect.ValueOf(&got))
	if err != nil || !report.OK() {
		t.Fatalf("encoding/json decodes %q into %T; the walk: %v %v", body, want, err, report)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("walk(%q) =\n %+v\nencoding/json gives\n %+v", body, got, want)
	}
}

// FuzzDecodeWalk: the slow path never panics, agrees with encoding/json
// where that succeeds, and otherwise either decodes or reports.
func FuzzDecodeWalk(f *testing.F) {
	f.Add(`{"data":{"totalNumberOfRecords":"2","results":[{"companyResourceId":7,"companyName":"A","numberOfUsers":12,"children":[{"companyName":{}}]}]}}`)
	f.Add(`{"data":{"results":[{"id":[1],"count":"3","tags":{"a":1},"extra":{"k":"v"},"nested":[]}]}}`)
	f.Add(`{"Data":{"Results":null},"status":1}`)
	f.Fuzz(func(t *testing.T, body string) {
		walkAgreesWithEncodingJSON[decodePage](t, body)
		walkAgreesWithEncodingJSON[gen.SearchCompanyDtoCustomCompanyPageResult](t, body)
		var page gen.SearchCompanyDtoCustomCompanyPageResult
		report, err := Decode([]byte(body), &page)
		if err != nil {
			if !errors.Is(err, ErrHollowResponse) {
				t.Fatalf("Decode(%q): %v, which is not ErrHollowResponse", body, err)
			}
			return
		}
		for _, p := range report.Problems {
			if p.Path == "" || p.Want == "" || p.Got == "" {
				t.Fatalf("problem without its facts: %+v", p)
			}
		}
	})
}

func TestDecodeResponse(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":{"totalNumberOfRecords":1,"results":[{"companyResourceId":"c1","companyName":"Acme","numberOfUsers":250}]}}`)
	})
	c, _ := newTestClient(t, srv)
	page, report, err := DecodeResponse[gen.SearchCompanyDtoCustomCompanyPageResult](c.API().PostCompaniesSearch(t.Context(), gen.PostCompaniesSearchJSONRequestBody{}))
	if err != nil {
		t.Fatal(err)
	}
	// numberOfUsers is a string in the spec; the number is kept as its text.
	rows := *page.Data.Results
	if len(rows) != 1 || *rows[0].CompanyResourceId != "c1" || *rows[0].NumberOfUsers != "250" || !report.OK() {
		t.Errorf("page = %+v, report %v", rows, report)
	}
}
