package keepnet

import (
	"bytes"
	"reflect"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The field-by-field walk of Decode, for bodies the fast path refuses
// (decode.go says when, and why it is written here).

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
