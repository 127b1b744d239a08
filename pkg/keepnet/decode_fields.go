package keepnet

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Helpers of the walk: Go fields by JSON name, JSON scalars as Go numbers,
// and the paths and snippets a DecodeReport quotes.

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
