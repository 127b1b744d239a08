package apiops

import (
	"regexp"
	"testing"
)

var param = regexp.MustCompile(`\{[^}]+\}`)

// Every operation of the table is found from a concrete request of it,
// whatever its IDs are: a GUID, or a word that is a literal segment of
// another operation ("search", "send").
func TestEveryOperationMatchesItself(t *testing.T) {
	ops := Operations()
	ix := NewIndex(ops)
	const guid = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	for _, id := range []string{guid, "search", "send", "users", "1"} {
		for _, op := range ops {
			path := param.ReplaceAllString(op.Path, id)
			got, ok := ix.Match(op.Method, path)
			if !ok {
				t.Errorf("%s %s matched nothing", op.Method, path)
				continue
			}
			// A word ID may make the path another operation's, as it
			// does for the service's router, where literal segments win.
			// A GUID always finds its own operation.
			if id == guid && got != op {
				t.Errorf("%s %s matched %s, want %s", op.Method, path, got, op)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	ix := NewIndex(Operations())
	for _, tc := range []struct {
		method, path string
		want         string // "" for no operation
		repeatable   bool
	}{
		{"POST", "/api/enrollments/search", "POST /api/enrollments/search", true},
		{"POST", "/api/enrollments/search/send", "POST /api/enrollments/{resourceId}/send", false},
		{"POST", "/api/enrollments/3fa85f64/send", "POST /api/enrollments/{resourceId}/send", false},
		{"GET", "/api/enrollments/search", "GET /api/enrollments/{resourceId}", true},
		{"POST", "/api/enrollments", "POST /api/enrollments", false},
		{"DELETE", "/api/enrollments/e-1", "DELETE /api/enrollments/{resourceId}", false},
		{"POST", "/api/companies/search", "POST /api/companies/search", true},
		{"POST", "/API/Companies/Search", "POST /api/companies/search", true},
		{"POST", "/api/training-reports/e-1/users/search", "POST /api/training-reports/{enrollmentId}/users/search", true},
		{"POST", "/api/target-groups/search/current-company", "POST /api/target-groups/search/current-company", true},
		{"GET", "/api/training-reports/e-1/exam-result-sessions/u-1", "GET /api/training-reports/{enrollmentId}/exam-result-sessions/{targetUserResourceId}", true},
		{"GET", "/api/training-reports/e-1/", "", false},
		{"GET", "/api/enrollments//send", "", false},
		{"POST", "/api/no-such-thing", "", false},
	} {
		op, ok := ix.Match(tc.method, tc.path)
		if got := op.String(); !ok && tc.want != "" || ok && got != tc.want {
			t.Errorf("Match(%s %s) = %q, %v; want %q", tc.method, tc.path, got, ok, tc.want)
		}
		if ok && op.Repeatable != tc.repeatable {
			t.Errorf("%s: repeatable %v, want %v", op, op.Repeatable, tc.repeatable)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	ix := NewIndex(Operations())
	for b.Loop() {
		ix.Match("GET", "/api/training-reports/e7AcmeSurv001/exam-result-sessions/uaq6BG000123")
	}
}
