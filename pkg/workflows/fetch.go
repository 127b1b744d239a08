package workflows

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"net/http"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Every response the flows read goes through fetchJSON, which decodes it
// with keepnet.Decode into a type holding only the fields the flow uses.
// Fields the flow does not use are therefore never decoded and can come
// with any JSON type; fields it uses are coerced when that loses nothing,
// and otherwise reported by path, so the flow can fail exactly the record
// (a user, a company, a listing row) they belong to. See
// docs/api-behaviour.md for the drift this guards against.

// fetchJSON sends one request and decodes its 2xx body into a new T inside
// the client's retry loop (keepnet.WithBodyCheck), so that a body that is
// not JSON, or that check finds hollow (keepnet.HollowError), is retried
// like a 5xx instead of being read as empty. check may be nil.
func fetchJSON[T any](ctx context.Context, send func(context.Context) (*http.Response, error), check func(*T, *keepnet.DecodeReport) error) (*T, *keepnet.DecodeReport, error) {
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

// searchPage is the envelope of every search the flows read, reduced to
// what they use.
type searchPage[T any] struct {
	Data *struct {
		TotalNumberOfRecords *int64 `json:"totalNumberOfRecords"`
		Results              *[]T   `json:"results"`
	} `json:"data"`
}

// checkSearchPage refuses a page without its results: data or data.results
// null or missing is a hollow answer (retried), and either of them with
// another JSON type is drift in what the flow cannot do without.
func checkSearchPage[T any](p *searchPage[T], r *keepnet.DecodeReport) error {
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

// rows returns the page's rows, each with what could not be read of it
// ("" when all of it could).
func (p *searchPage[T]) rows(r *keepnet.DecodeReport) ([]T, []string) {
	rows := *p.Data.Results
	problems := make([]string, len(rows))
	if !r.OK() {
		for i := range rows {
			problems[i] = problemText(r.Within(fmt.Sprintf("data.results[%d]", i)))
		}
	}
	return rows, problems
}

// fetchRows fetches one search page and converts each of its rows, with
// what could not be read of the row ("" when all of it could).
func fetchRows[R, T any](ctx context.Context, send func(context.Context) (*http.Response, error), convert func(row R, problem string) T) ([]T, error) {
	answer, report, err := fetchJSON(ctx, send, checkSearchPage[R])
	if err != nil {
		return nil, err
	}
	found, problems := answer.rows(report)
	out := make([]T, 0, len(found))
	for i, row := range found {
		out = append(out, convert(row, problems[i]))
	}
	return out, nil
}

// total is the page's totalNumberOfRecords, or -1 when it is missing,
// unusable or not sane.
func (p *searchPage[T]) total() int64 {
	if p.Data.TotalNumberOfRecords == nil || *p.Data.TotalNumberOfRecords < 0 || *p.Data.TotalNumberOfRecords > maxSaneTotal {
		return -1
	}
	return *p.Data.TotalNumberOfRecords
}

// maxSaneTotal is the largest record count taken at its word: the service's
// biggest listings are a company's users.
const maxSaneTotal = 10_000_000

// problemText joins decode problems into one line for a record's error.
func problemText(problems []keepnet.FieldProblem) string {
	if len(problems) == 0 {
		return ""
	}
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.String()
	}
	return "unusable fields in the server's answer: " + strings.Join(parts, "; ")
}

// fetchData fetches an envelope and returns its data exactly as the server
// sent it, for outputs that carry server objects through: re-encoding them
// through generated types would drop whatever did not fit. A data that is
// null, missing or not an object is a hollow answer.
func fetchData(ctx context.Context, send func(context.Context) (*http.Response, error)) (json.RawMessage, error) {
	type envelope struct {
		Data json.RawMessage `json:"data"`
	}
	body, _, err := fetchJSON(ctx, send, func(e *envelope, _ *keepnet.DecodeReport) error {
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
