package keepnettest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
)

// searchRequest is a parsed search body.
type searchRequest struct {
	pageNumber int
	pageSize   int
	orderBy    string
	ascending  bool
	// text is filter.SearchInputTextValue, matched case-insensitively as a
	// substring of names, as the service's search box does.
	text string
	// fields holds every top-level key, lower-cased (the .NET binder ignores
	// key case), for endpoint-specific extras such as enrollmentType.
	fields map[string]json.RawMessage
	// route and pager are where the page is cut (see window); a nil
	// pager pages as the stable default. listing tells apart the listings
	// of one route: its path and company scope.
	route, listing string
	pager          *pager
}

// readJSONBody enforces what the service accepts of a JSON body: only
// application/json (the spec's other content types, json-patch+json first
// among them, get 400) and a JSON object. Keys are lower-cased.
func readJSONBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "Unsupported content type "+quoteOrNone(mediaType)+".", nil)
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "The request body could not be read.", nil)
		return nil, false
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "The request body is not a valid JSON object.", nil)
		return nil, false
	}
	return lowerKeys(raw), true
}

func lowerKeys(raw map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		out[strings.ToLower(k)] = v
	}
	return out
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return `"` + s + `"`
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// readSearch parses a search body with the live service's quirks:
// filter: null is an unhandled exception (500, HTML); a missing filter, a
// null inside it, a missing or null orderBy, or bad paging is 400
// INPUT_ERROR.
func readSearch(w http.ResponseWriter, r *http.Request) (searchRequest, bool) {
	fields, ok := readJSONBody(w, r)
	if !ok {
		return searchRequest{}, false
	}
	q := searchRequest{fields: fields, route: r.Pattern, listing: r.URL.Path + "\x00" + r.Header.Get(headerCompanyID) + "\x00" + r.Header.Get(headerIRCompanyID)}
	if rec, ok := w.(*statusRecorder); ok {
		q.pager = rec.pager
	}
	var problems []string

	filterRaw, hasFilter := fields["filter"]
	switch {
	case hasFilter && isNull(filterRaw):
		writeHTML(w, http.StatusInternalServerError)
		return q, false
	case !hasFilter:
		problems = append(problems, "The Filter field is required.")
	default:
		var filter map[string]json.RawMessage
		if err := json.Unmarshal(filterRaw, &filter); err != nil {
			problems = append(problems, "The Filter field must be an object.")
		}
		for k, v := range filter {
			if isNull(v) {
				problems = append(problems, "The "+k+" field is required.")
			}
		}
		if v, ok := lowerKeys(filter)["searchinputtextvalue"]; ok && !isNull(v) {
			if err := json.Unmarshal(v, &q.text); err != nil {
				problems = append(problems, "The SearchInputTextValue field must be a string.")
			}
		}
	}

	if v, ok := fields["orderby"]; !ok || isNull(v) {
		problems = append(problems, "The OrderBy field is required.")
	} else if err := json.Unmarshal(v, &q.orderBy); err != nil {
		problems = append(problems, "The OrderBy field must be a string.")
	}
	if v, ok := fields["ascending"]; ok {
		if err := json.Unmarshal(v, &q.ascending); err != nil || isNull(v) {
			problems = append(problems, "The Ascending field must be true or false.")
		}
	}
	q.pageNumber, problems = positiveInt(fields, "pagenumber", "PageNumber", problems)
	q.pageSize, problems = positiveInt(fields, "pagesize", "PageSize", problems)

	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "One or more validation errors occurred.", problems)
		return q, false
	}
	return q, true
}

func positiveInt(fields map[string]json.RawMessage, key, name string, problems []string) (int, []string) {
	v, ok := fields[key]
	if !ok || isNull(v) {
		return 0, append(problems, "The "+name+" field is required.")
	}
	var n int
	if err := json.Unmarshal(v, &n); err != nil || n < 1 {
		return 0, append(problems, "The "+name+" field must be a positive integer.")
	}
	return n, problems
}

// matches reports whether name passes the search text.
func (q searchRequest) matches(name string) bool {
	return q.text == "" || strings.Contains(strings.ToLower(name), strings.ToLower(q.text))
}
