package keepnet

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// This file is the one place where response bodies become Go values.
//
// The vendor's spec is generated from .NET types and the service does not
// always send what it says: a company's numberOfUsers, a string in the spec,
// comes as a JSON number; dates come in display formats (see
// docs/api-behaviour.md). The generated Parse…Response functions decode
// strictly, so one field of the wrong JSON type, in a field nobody reads,
// throws the whole response away. Decode never does that:
//
//   - A body that is not JSON at all is an error (wrapping
//     ErrHollowResponse): an HTML page or a truncated body is never read as
//     an empty value.
//   - A field whose JSON type does not fit is coerced when that loses
//     nothing: a number where a string is expected keeps its JSON text
//     ("42"), a numeric string where a number is expected is parsed,
//     "true"/"false" (in any case) where a boolean is expected is read as one.
//   - Anything else that does not fit is left at its zero value (nil for a
//     pointer, slice or map) and listed in the DecodeReport with its JSON
//     path, the Go type wanted and the JSON that came; decoding goes on with
//     the next field. Callers decide which fields they cannot do without.
//   - Unknown fields are ignored, and names match case-insensitively, as
//     encoding/json does: the service's key casing varies.
//
// Drift-free bodies take a fast path, encoding/json's semantics through the
// encoding/json/v2 implementation, three times faster than encoding/json
// for the survey's session bodies; only a body that fails it is walked field
// by field. The walk gives the same values as the fast path wherever the
// fast path succeeds (see the differential tests).
//
// openai-go's internal/apijson does the same for its generated types: no
// library offers lenient decoding into arbitrary existing Go types, so the
// walk is written here.

// ErrHollowResponse is wrapped by the error of a call answered 2xx whose
// body is not what the operation returns: an HTML page, a body that is not
// JSON, or an envelope without the data the caller needs. Reads answered
// this way are retried like a 5xx; a create or send answered this way has
// an unknown outcome (ErrOutcomeUnknown).
var ErrHollowResponse = reqctx.ErrHollow

// DecodeReport lists what a lenient decode could not use. The zero value, and
// a nil *DecodeReport, report nothing.
type DecodeReport struct {
	// Problems are the fields left at their zero value, in body order.
	Problems []FieldProblem
}

// FieldProblem is one field whose JSON could not be used as its Go type.
type FieldProblem struct {
	// Path is the field's JSON path, e.g. "data.results[3].companyName",
	// with object keys as the server sent them.
	Path string
	// Want is the Go type the field has, e.g. "string" or "[]gen.SearchCompanyDto".
	Want string
	// Got is the kind of JSON that came: "string", "number", "boolean",
	// "object", "array" or "null".
	Got string
	// Raw is the JSON that came, cut to at most 120 bytes.
	Raw string
	// Err is the decoder's reason, when a type's own UnmarshalJSON refused
	// the value.
	Err error
}

func (p FieldProblem) String() string {
	s := fmt.Sprintf("%s: want %s, got %s %s", p.Path, p.Want, p.Got, p.Raw)
	if p.Err != nil {
		s += " (" + p.Err.Error() + ")"
	}
	return s
}

// OK reports whether every field decoded.
func (r *DecodeReport) OK() bool { return r == nil || len(r.Problems) == 0 }

// Problem returns the problem at exactly path (matched case-insensitively),
// if any.
func (r *DecodeReport) Problem(path string) (FieldProblem, bool) {
	if r == nil {
		return FieldProblem{}, false
	}
	for _, p := range r.Problems {
		if strings.EqualFold(p.Path, path) {
			return p, true
		}
	}
	return FieldProblem{}, false
}

// Within returns the problems at path or anywhere below it ("data.results[3]"
// covers "data.results[3].email"), matched case-insensitively.
func (r *DecodeReport) Within(path string) []FieldProblem {
	if r == nil {
		return nil
	}
	var out []FieldProblem
	for _, p := range r.Problems {
		if len(p.Path) >= len(path) && strings.EqualFold(p.Path[:len(path)], path) &&
			(len(p.Path) == len(path) || p.Path[len(path)] == '.' || p.Path[len(path)] == '[') {
			out = append(out, p)
		}
	}
	return out
}

// Decode reads data, a JSON response body, into v, which must be a non-nil
// pointer, leniently as the file comment describes. The error is non-nil
// only when data is not JSON (wrapping ErrHollowResponse) or v is not a
// pointer; fields that did not fit are in the report.
func Decode(data []byte, v any) (*DecodeReport, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("keepnet.Decode: want a non-nil pointer, got %T", v)
	}
	strictErr := jsonv2.Unmarshal(data, v, serverJSONOptions)
	if strictErr == nil {
		return &DecodeReport{}, nil
	}
	return decodeWalking(data, rv)
}

// decodeWalking is Decode's slow path: the field-by-field walk, for a body
// the fast path refused.
func decodeWalking(data []byte, rv reflect.Value) (*DecodeReport, error) {
	if !jsontext.Value(data).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
		return nil, reqctx.Hollow("the body is not JSON: %s", bodySnippet(data))
	}
	rv.Elem().SetZero()
	d := &lenientDecoder{report: &DecodeReport{}}
	d.value(jsontext.Value(data), rv.Elem(), "")
	return d.report, nil
}

// DecodeResponse reads the body of resp, a response from one of the
// generated client's raw methods, leniently into a new T. It takes the
// method's two results as they are, so a call reads as
//
//	page, report, err := keepnet.DecodeResponse[gen.SearchCompanyDtoCustomCompanyPageResult](
//		client.API().PostCompaniesSearch(ctx, body))
//
// The body is closed. An error from the call is returned as it is.
func DecodeResponse[T any](resp *http.Response, err error) (*T, *DecodeReport, error) {
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("keepnet: read response body: %w", err)
	}
	v := new(T)
	report, err := Decode(body.Bytes(), v)
	if err != nil {
		return nil, nil, fmt.Errorf("keepnet: %s %s: %w", requestMethod(resp), requestPath(resp), err)
	}
	return v, report, nil
}

func requestMethod(resp *http.Response) string {
	if resp.Request == nil {
		return ""
	}
	return resp.Request.Method
}

func requestPath(resp *http.Response) string {
	if resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return resp.Request.URL.Path
}

// serverJSONOptions is encoding/json's semantics (case-insensitive names,
// duplicate names and invalid UTF-8 tolerated) through the v2
// implementation, reporting errors v2's way: legacy error reporting alone
// took a session body from 23 to 29 µs. Options values are immutable.
var serverJSONOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))
