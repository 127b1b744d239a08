package specnames

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// MaxOperationNameLength leaves room for the longest suffix oapi-codegen adds
// to an operation's types ("JSONRequestBody") within MaxNameLength.
const MaxOperationNameLength = MaxNameLength - len("JSONRequestBody")

// Operation identifies one operation of the spec.
type Operation struct {
	Method string // lower case, as in the document
	Path   string
}

// OperationNames derives an operationId for every operation, the way
// oapi-codegen would from method and path (GET /api/enrollments/{id} →
// GetEnrollmentsId) but without the "Api" every path shares, and shortened
// when the result would make type names longer than MaxNameLength: first the
// inner path parameters go (they remain method arguments), then words that
// repeat an earlier word, then the last parameter's words become "Id", and at last long words are
// abbreviated (Simulator → Sim). Names are unique; ties are settled in sorted order.
func OperationNames(ops []Operation) (map[Operation]string, error) {
	sorted := slices.Clone(ops)
	slices.SortFunc(sorted, func(a, b Operation) int {
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	})
	out := make(map[Operation]string, len(ops))
	used := map[string]Operation{}
	for _, op := range sorted {
		name := operationName(op)
		if _, dup := used[name]; dup {
			base := name
			for i := 2; ; i++ {
				name = base + strconv.Itoa(i)
				if _, taken := used[name]; !taken {
					break
				}
			}
		}
		if len(name) > MaxOperationNameLength {
			return nil, fmt.Errorf("operation %s %s: name %s is longer than %d characters", strings.ToUpper(op.Method), op.Path, name, MaxOperationNameLength)
		}
		used[name] = op
		out[op] = name
	}
	return out, nil
}

type pathWord struct {
	text  string
	param bool
	last  bool
}

func operationName(op Operation) string {
	var words []pathWord
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	for i, seg := range segs {
		if seg == "" || (i == 0 && strings.EqualFold(seg, "api")) {
			continue
		}
		param := strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
		for _, w := range splitWords(strings.Trim(seg, "{}")) {
			words = append(words, pathWord{text: w, param: param, last: i == len(segs)-1})
		}
	}
	method := goIdent(strings.ToLower(op.Method))
	join := func(ws []pathWord) string {
		var b strings.Builder
		b.WriteString(method)
		for _, w := range ws {
			b.WriteString(w.text)
		}
		return b.String()
	}
	name := join(words)
	if len(name) <= MaxOperationNameLength {
		return name
	}
	words = slices.DeleteFunc(words, func(w pathWord) bool { return w.param && !w.last })
	name = join(words)
	if len(name) <= MaxOperationNameLength {
		return name
	}
	seen := map[string]bool{}
	words = slices.DeleteFunc(words, func(w pathWord) bool {
		k := strings.ToLower(w.text)
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
	name = join(words)
	if len(name) <= MaxOperationNameLength {
		return name
	}
	// A trailing {resourceId} still tells the item from the collection;
	// "Id" is enough for that.
	words = slices.DeleteFunc(words, func(w pathWord) bool { return w.param })
	if strings.HasPrefix(segs[len(segs)-1], "{") {
		words = append(words, pathWord{text: "Id"})
	}
	name = join(words)
	if len(name) <= MaxOperationNameLength {
		return name
	}
	for i, w := range words {
		if short, ok := abbreviations[w.text]; ok {
			words[i].text = short
		}
	}
	return join(words)
}

// abbreviations are the last resort for the few paths that are still too
// long, in the forms Go code commonly uses.
var abbreviations = map[string]string{
	"Simulator":      "Sim",
	"Configuration":  "Config",
	"Configurations": "Configs",
	"Attachment":     "Attach",
	"Notification":   "Notif",
	"Notifications":  "Notifs",
	"Information":    "Info",
	"Statistics":     "Stats",
	"Management":     "Mgmt",
	"Organization":   "Org",
	"Department":     "Dept",
	"Template":       "Tmpl",
	"Templates":      "Tmpls",
}

// splitWords cuts "landing-page_templateResourceId" into Landing, Page,
// Template, Resource, Id.
func splitWords(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		start := 0
		runes := []rune(part)
		for i := 1; i < len(runes); i++ {
			if unicode.IsUpper(runes[i]) && !unicode.IsUpper(runes[i-1]) {
				out = append(out, goIdent(string(runes[start:i])))
				start = i
			}
		}
		out = append(out, goIdent(string(runes[start:])))
	}
	return out
}
