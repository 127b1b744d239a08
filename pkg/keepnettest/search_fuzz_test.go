package keepnettest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzReadSearch: whatever a client sends, a search body is answered as the
// service would (accepted, 400 or 500), never with a panic, and an accepted
// body always gives a usable page window.
func FuzzReadSearch(f *testing.F) {
	for _, seed := range []string{
		`{"pageNumber":1,"pageSize":10,"orderBy":"CreateTime","ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""}}`,
		`{"pageNumber":1,"pageSize":10,"orderBy":"x","ascending":false,"filter":null}`,
		`{"pageNumber":2147483647,"pageSize":2147483647,"orderBy":"x","filter":{}}`,
		`{"PAGENUMBER":1,"pagesize":1,"ORDERBY":"","filter":{"searchinputtextvalue":"ü"}}`,
		`{"pageNumber":1.5,"pageSize":-1,"orderBy":1,"ascending":"yes","filter":[]}`,
		`{"pageNumber":9000000000000000000,"pageSize":100,"orderBy":"x","ascending":true,"filter":{}}`,
		`[]`, `null`, ``, `{`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/companies/search", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		q, ok := readSearch(rec, req)
		if !ok {
			if rec.Code != http.StatusBadRequest && rec.Code != http.StatusInternalServerError {
				t.Fatalf("rejected with status %d", rec.Code)
			}
			return
		}
		for _, total := range []int{0, 1, 99, 100, 101, 50000} {
			w := q.window(total, 100)
			if w.start < 0 || w.end < w.start || w.end > total || w.end-w.start > 100 || w.size < 1 || w.size > 100 {
				t.Fatalf("window %+v for %d records", w, total)
			}
		}
	})
}
