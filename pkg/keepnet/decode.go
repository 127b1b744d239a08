package keepnet

import (
	"bytes"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"

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

// maxProblemRaw bounds the JSON a problem quotes.
const maxProblemRaw = 120

// lenientDecoder walks a JSON value and a Go value side by side.
type lenientDecoder struct {
	report *DecodeReport
}

var (
	jsonUnmarshaler = reflect.TypeFor[jsonv1.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)

// value decodes raw into rv, which is settable.
func (d *lenientDecoder) value(raw jsontext.Value, rv reflect.Value, path string) {
	kind := raw.Kind()
	if rv.Kind() == reflect.Pointer {
		if kind == 'n' {
			rv.SetZero()
			return
		}
		elem := reflect.New(rv.Type().Elem())
		if d.value(raw, elem.Elem(), path); d.failedAt(path) {
			rv.SetZero() // nil, whatever a failed fast attempt left: the report says why
			return
		}
		rv.Set(elem)
		return
	}
	if rv.CanAddr() && rv.Addr().Type().Implements(jsonUnmarshaler) {
		if err := rv.Addr().Interface().(jsonv1.Unmarshaler).UnmarshalJSON(raw); err != nil {
			d.fail(rv, path, raw, err)
		}
		return
	}
	if kind == '"' && rv.CanAddr() && rv.Addr().Type().Implements(textUnmarshaler) {
		var s string
		if err := jsonv2.Unmarshal(raw, &s, serverJSONOptions); err != nil || rv.Addr().Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(s)) != nil {
			d.fail(rv, path, raw, err)
		}
		return
	}
	if (kind == '{' || kind == '[') && path != "" && rv.CanAddr() {
		// Most of a drifted body fits: decode each container the fast
		// way first, and walk only the ones that do not, so that a body
		// with one drifted field per element costs a few fast decodes
		// rather than a walk of everything. (The root has just failed the
		// fast way.) The fast way merges into rv as encoding/json does;
		// what a failed attempt wrote, the walk writes again.
		if jsonv2.Unmarshal(raw, rv.Addr().Interface(), serverJSONOptions) == nil {
			return
		}
	}
	if kind == 'n' {
		// As in encoding/json: null empties an interface, map or slice and
		// leaves anything else as it is.
		switch rv.Kind() {
		case reflect.Interface, reflect.Map, reflect.Slice:
			rv.SetZero()
		}
		return
	}
	switch rv.Kind() {
	case reflect.Interface:
		if rv.NumMethod() != 0 {
			d.fail(rv, path, raw, nil)
			return
		}
		var x any
		if err := jsonv2.Unmarshal(raw, &x, serverJSONOptions); err != nil {
			d.fail(rv, path, raw, err)
			return
		}
		if x != nil {
			rv.Set(reflect.ValueOf(x))
		}
	case reflect.String:
		switch kind {
		case '"':
			var s string
			if err := jsonv2.Unmarshal(raw, &s, serverJSONOptions); err != nil {
				d.fail(rv, path, raw, err)
				return
			}
			rv.SetString(s)
		case '0', 't', 'f':
			// A number or boolean where text is expected: its JSON text
			// is the value, with nothing lost.
			rv.SetString(string(raw))
		default:
			d.fail(rv, path, raw, nil)
		}
	case reflect.Bool:
		switch s := scalarText(raw, kind); {
		case kind == 't' || kind == 'f':
			rv.SetBool(kind == 't')
		case kind == '"' && strings.EqualFold(s, "true"):
			rv.SetBool(true)
		case kind == '"' && strings.EqualFold(s, "false"):
			rv.SetBool(false)
		default:
			d.fail(rv, path, raw, nil)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := parseInt(scalarText(raw, kind), kind, rv.Type().Bits())
		if !ok {
			d.fail(rv, path, raw, nil)
			return
		}
		rv.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := parseInt(scalarText(raw, kind), kind, 64)
		if !ok || n < 0 || rv.OverflowUint(uint64(n)) {
			d.fail(rv, path, raw, nil)
			return
		}
		rv.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		f, ok := parseFloat(scalarText(raw, kind), kind, rv.Type().Bits())
		if !ok {
			d.fail(rv, path, raw, nil)
			return
		}
		rv.SetFloat(f)
	case reflect.Struct:
		if kind != '{' {
			d.fail(rv, path, raw, nil)
			return
		}
		d.object(raw, path, func(name string) (reflect.Value, bool) { return structField(rv, name) })
	case reflect.Map:
		if kind != '{' || rv.Type().Key().Kind() != reflect.String {
			d.fail(rv, path, raw, nil)
			return
		}
		m := reflect.MakeMap(rv.Type())
		elemType := rv.Type().Elem()
		d.objectMembers(raw, path, func(name string, member jsontext.Value, memberPath string) {
			elem := reflect.New(elemType).Elem()
			d.value(member, elem, memberPath)
			m.SetMapIndex(reflect.ValueOf(name).Convert(rv.Type().Key()), elem)
		})
		rv.Set(m)
	case reflect.Slice:
		if kind != '[' {
			d.fail(rv, path, raw, nil)
			return
		}
		s := reflect.MakeSlice(rv.Type(), 0, 0)
		d.arrayElems(raw, path, func(i int, elem jsontext.Value) {
			s = reflect.Append(s, reflect.Zero(rv.Type().Elem()))
			d.value(elem, s.Index(i), indexPath(path, i))
		})
		rv.Set(s)
	case reflect.Array:
		if kind != '[' {
			d.fail(rv, path, raw, nil)
			return
		}
		d.arrayElems(raw, path, func(i int, elem jsontext.Value) {
			if i < rv.Len() {
				d.value(elem, rv.Index(i), indexPath(path, i))
			}
		})
	default:
		d.fail(rv, path, raw, nil)
	}
}

// object decodes the members of a JSON object into the fields field finds;
// members without a field are skipped.
func (d *lenientDecoder) object(raw jsontext.Value, path string, field func(name string) (reflect.Value, bool)) {
	d.objectMembers(raw, path, func(name string, member jsontext.Value, memberPath string) {
		if fv, ok := field(name); ok {
			d.value(member, fv, memberPath)
		}
	})
}

// objectMembers calls f for each member of the object raw, in order. raw is
// valid JSON (Decode checked), so reading it cannot fail.
func (d *lenientDecoder) objectMembers(raw jsontext.Value, path string, f func(name string, member jsontext.Value, memberPath string)) {
	dec := jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	if _, err := dec.ReadToken(); err != nil {
		return
	}
	for dec.PeekKind() != '}' {
		nameTok, err := dec.ReadToken()
		if err != nil {
			return
		}
		name := nameTok.String() // before the next read, which invalidates the token
		member, err := dec.ReadValue()
		if err != nil {
			return
		}
		f(name, member, memberPath(path, name))
	}
}

// arrayElems calls f for each element of the array raw, in order.
func (d *lenientDecoder) arrayElems(raw jsontext.Value, _ string, f func(i int, elem jsontext.Value)) {
	dec := jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	if _, err := dec.ReadToken(); err != nil {
		return
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		elem, err := dec.ReadValue()
		if err != nil {
			return
		}
		f(i, elem)
	}
}

// fail leaves rv at its zero value, whatever a failed fast attempt wrote
// into it, and records why.
func (d *lenientDecoder) fail(rv reflect.Value, path string, raw jsontext.Value, err error) {
	rv.SetZero()
	d.problem(path, rv.Type(), raw, err)
}

func (d *lenientDecoder) problem(path string, want reflect.Type, raw jsontext.Value, err error) {
	if path == "" {
		path = "(body)"
	}
	d.report.Problems = append(d.report.Problems, FieldProblem{
		Path: path,
		Want: want.String(),
		Got:  jsonKindName(raw.Kind()),
		Raw:  truncateBytes(raw, maxProblemRaw),
		Err:  err,
	})
}

// failedAt reports whether the last problem recorded is at exactly path.
func (d *lenientDecoder) failedAt(path string) bool {
	if path == "" {
		path = "(body)"
	}
	n := len(d.report.Problems)
	return n > 0 && d.report.Problems[n-1].Path == path
}

// structField finds the field a JSON member name decodes into, with
// encoding/json's rules: the field's JSON name (its tag, else the Go name),
// an exact match before a case-insensitive one, fields of embedded structs
// promoted, "-" and unexported fields never.
func structField(rv reflect.Value, name string) (reflect.Value, bool) {
	fields := jsonFields(rv.Type())
	match := -1
	for i, f := range fields {
		if f.name == name {
			match = i
			break
		}
		if match < 0 && strings.EqualFold(f.name, name) {
			match = i
		}
	}
	if match < 0 {
		return reflect.Value{}, false
	}
	v := rv
	for _, i := range fields[match].index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, true
}

type jsonField struct {
	name  string
	index []int
}

// jsonFields lists a struct type's JSON fields, outer fields before promoted
// ones so that they win a name clash, as in encoding/json.
func jsonFields(t reflect.Type) []jsonField {
	var out, promoted []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			for _, inner := range jsonFields(ft) {
				promoted = append(promoted, jsonField{name: inner.name, index: append([]int{i}, inner.index...)})
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, index: []int{i}})
	}
	return append(out, promoted...)
}

// scalarText is the text of a JSON string, or the literal of any other
// scalar.
func scalarText(raw jsontext.Value, kind jsontext.Kind) string {
	if kind != '"' {
		return string(raw)
	}
	var s string
	if jsonv2.Unmarshal(raw, &s, serverJSONOptions) != nil {
		return ""
	}
	return s
}

// parseInt reads a JSON number, or a string holding one, as an integer when
// that loses nothing: "3", 3 and 3.0 are 3; 3.5 is not an integer.
func parseInt(text string, kind jsontext.Kind, bits int) (int64, bool) {
	if kind != '0' && kind != '"' {
		return 0, false
	}
	if n, err := strconv.ParseInt(text, 10, bits); err == nil {
		return n, true
	}
	f, ok := parseFloat(text, kind, 64)
	limit := math.Ldexp(1, bits-1)
	if !ok || f != math.Trunc(f) || f < -limit || f >= limit {
		return 0, false
	}
	return int64(f), true
}

// parseFloat reads a JSON number, or a string holding one in JSON's number
// syntax (so not "NaN" or "Inf"), as a float.
func parseFloat(text string, kind jsontext.Kind, bits int) (float64, bool) {
	if kind != '0' && kind != '"' {
		return 0, false
	}
	if kind == '"' && jsontext.Value(text).Kind() != '0' || !jsontext.Value(text).IsValid() {
		return 0, false
	}
	f, err := strconv.ParseFloat(text, bits)
	return f, err == nil
}

func memberPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func jsonKindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "invalid JSON"
}

func truncateBytes(b []byte, limit int) string {
	if len(b) <= limit {
		return string(b)
	}
	return string(b[:limit]) + "…"
}

// bodySnippet describes a body that is not JSON without quoting much of it:
// an HTML page's title, else its first bytes.
func bodySnippet(body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	switch {
	case trimmed == "":
		return "empty body"
	case strings.HasPrefix(trimmed, "<"):
		return fmt.Sprintf("an HTML page (%q)", truncate(htmlText([]byte(trimmed)), 80))
	}
	return fmt.Sprintf("%q", truncate(collapseSpace(trimmed), 80))
}
