// Package wire is where the flows read the service's answers: every
// response they use goes through Fetch, which decodes it with keepnet.Decode
// into a type holding only the fields the flow uses, inside the client's
// retry loop (internal/reqctx). Fields a flow does not use are never decoded
// and can come with any JSON type; fields it uses are coerced when that
// loses nothing, and otherwise reported by path, so the flow can fail
// exactly the record (a user, a company, a listing row) they belong to.
// docs/api-behaviour.md records the drift this guards against.
package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/paging"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Send makes one request of the generated client.
type Send func(context.Context) (*http.Response, error)

// Fetch sends one request and decodes its 2xx body into a new T inside the
// client's retry loop, so that a body that is not JSON, or that check finds
// hollow (reqctx.Hollow), is retried like a 5xx instead of being read as
// empty. check may be nil.
func Fetch[T any](ctx context.Context, send Send, check func(*T, *keepnet.DecodeReport) error) (*T, *keepnet.DecodeReport, error) {
	var (
		got    *T
		report *keepnet.DecodeReport
	)
	ctx = reqctx.WithBodyCheck(ctx, func(body []byte) error {
		v := new(T)
		r, err := keepnet.Decode(body, v)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(v, r); err != nil {
				return err
			}
		}
		got, report = v, r
		return nil
	})
	resp, err := send(ctx)
	if err != nil {
		return nil, nil, err
	}
	_ = resp.Body.Close() // buffered by the connection layer and already decoded
	return got, report, nil
}

// SearchPage is the envelope of every search the flows read, reduced to
// what they use.
type SearchPage[T any] struct {
	Data *struct {
		TotalNumberOfRecords *int64 `json:"totalNumberOfRecords"`
		Results              *[]T   `json:"results"`
	} `json:"data"`
}

// CheckSearchPage refuses a page without its results: data or data.results
// null or missing is a hollow answer (retried), and either of them with
// another JSON type is drift in what the flow cannot do without.
func CheckSearchPage[T any](p *SearchPage[T], r *keepnet.DecodeReport) error {
	for _, path := range []string{"data", "data.results"} {
		if prob, bad := r.Problem(path); bad {
			return fmt.Errorf("unusable search page: %s", prob)
		}
	}
	switch {
	case p.Data == nil:
		return reqctx.Hollow("the search answer has no data")
	case p.Data.Results == nil:
		return reqctx.Hollow("the search answer has no data.results")
	}
	return nil
}

// Rows returns the page's rows, each with what could not be read of it
// ("" when all of it could).
func (p *SearchPage[T]) Rows(r *keepnet.DecodeReport) ([]T, []string) {
	rows := *p.Data.Results
	problems := make([]string, len(rows))
	if !r.OK() {
		for i := range rows {
			problems[i] = ProblemText(r.Within(fmt.Sprintf("data.results[%d]", i)))
		}
	}
	return rows, problems
}

// Total is the page's totalNumberOfRecords, or -1 when it is missing,
// unusable or not sane.
func (p *SearchPage[T]) Total() int64 {
	if p.Data.TotalNumberOfRecords == nil || *p.Data.TotalNumberOfRecords < 0 || *p.Data.TotalNumberOfRecords > maxSaneTotal {
		return -1
	}
	return *p.Data.TotalNumberOfRecords
}

// maxSaneTotal is the largest record count taken at its word: the service's
// biggest listings are a company's users.
const maxSaneTotal = 10_000_000

// FetchPage fetches one search page and converts each of its rows, with
// what could not be read of the row ("" when all of it could).
func FetchPage[R, T any](ctx context.Context, send Send, convert func(row R, problem string) T) (paging.Page[T], error) {
	answer, report, err := Fetch(ctx, send, CheckSearchPage[R])
	if err != nil {
		return paging.Page[T]{}, err
	}
	found, problems := answer.Rows(report)
	out := make([]T, 0, len(found))
	for i, row := range found {
		out = append(out, convert(row, problems[i]))
	}
	return paging.Page[T]{Rows: out, Total: answer.Total()}, nil
}

// ProblemText joins decode problems into one line for a record's error.
func ProblemText(problems []keepnet.FieldProblem) string {
	if len(problems) == 0 {
		return ""
	}
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.String()
	}
	return "unusable fields in the server's answer: " + strings.Join(parts, "; ")
}

// FetchData fetches an envelope and returns its data exactly as the server
// sent it, for outputs that carry server objects through: re-encoding them
// through generated types would drop whatever did not fit. A data that is
// null, missing or not an object is a hollow answer.
func FetchData(ctx context.Context, send Send) (json.RawMessage, error) {
	type envelope struct {
		Data json.RawMessage `json:"data"`
	}
	body, _, err := Fetch(ctx, send, func(e *envelope, _ *keepnet.DecodeReport) error {
		if d := bytes.TrimSpace(e.Data); len(d) == 0 || d[0] != '{' {
			return reqctx.Hollow("the answer's data is not an object")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return body.Data, nil
}
