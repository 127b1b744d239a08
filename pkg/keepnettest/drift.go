package keepnettest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Type drift makes the fake send the JSON types the live service may send
// instead of the spec's. The fake's responses have exactly the spec's types,
// so drift is a mechanical rewrite of each encoded response, decided by the
// JSON alone and not by a list of field names:
//
//   - every integer becomes a string: 7 -> "7";
//   - every string of canonical decimal digits becomes a number when that is
//     lossless: "42" -> 42, but "007", "+4412", "-1" and digit runs longer
//     than 15 stay strings;
//   - every array becomes null or an object keyed "0", "1", … (the seed
//     decides), except the arrays the flows read (neededArrays), which stay
//     arrays; in error bodies validationMessages is kept or becomes null;
//   - every object gains an unknown field "x-drift-<n>" whose value is a
//     string, number, boolean, object, array or null.
//
// Elements of arrays and members of objects drift too, whatever becomes of
// their container. Choices derive from the seed, the route and the value's
// path in the response, so the same request gets the same drift every time,
// whatever else is served meanwhile. The token endpoint never drifts: the
// oauth2 library parses it, and the service's identity server is not the
// API that drifts.

// neededArrays lists, per route, the arrays pkg/workflows and the CLI read,
// which stay arrays under drift: without them there is nothing left to
// read, and that is the hollow-200 fault's job (see Hollow), not drift's.
// This is the one place to change when a flow starts reading another
// array. Each pattern is a path from the response's top level: member
// names joined by ".", "[]" for every element of an array, "*" for any one
// member name, "**" for any run of segments, none included.
var neededArrays = map[string][]string{
	RouteCompaniesSearch:    {"data.results", "data.results[].**.children"},
	RouteEnrollmentsSearch:  {"data.results"},
	RouteEnrollmentGet:      {"data.targetGroupResourceIds"},
	RouteEnrollmentForm:     {"data.enumNameValuePairs.*"},
	RouteReportUsersSearch:  {"data.results"},
	RouteReportInteractions: {"data"},
	RouteReportExamSessions: {"data", "data[].interactionsHumanReadable", "data[].interactionsHumanReadable[].answers"},
	RouteTrainingsSearch:    {"data.results", "data.results[].languages"},
	RouteTargetGroupsSearch: {"data.results"},
	RouteTimeZones:          {"data.timeZoneList"},

	RouteTrainingActivityUsers: {"data.results"},
	RoutePhishingActivityUsers: {"data.results"},

	RoutePhishingCampaignsSearch:        {"data.results"},
	RoutePhishingJobsSearch:             {"data.results"},
	RoutePhishingJobUsers:               {"data.results"},
	RoutePhishingEventsOpened:           {"data.results"},
	RoutePhishingEventsClicked:          {"data.results"},
	RoutePhishingEventsSubmitted:        {"data.results"},
	RoutePhishingEventsReported:         {"data.results"},
	RoutePhishingEventsReplied:          {"data.results"},
	RoutePhishingEventsAttachmentOpened: {"data.results"},
	RoutePhishingEventsMFASubmitted:     {"data.results"},

	RouteSmishingCampaignsSearch:    {"data.results"},
	RouteSmishingJobsSearch:         {"data.results"},
	RouteSmishingJobUsers:           {"data.results"},
	RouteSmishingEventsAll:          {"data.results"},
	RouteSmishingEventsClicked:      {"data.results"},
	RouteSmishingEventsSubmitted:    {"data.results"},
	RouteSmishingEventsMFASubmitted: {"data.results"},

	RouteQuishingCampaignsSearch:    {"data.results"},
	RouteQuishingJobsSearch:         {"data.results"},
	RouteQuishingJobUsers:           {"data.results"},
	RouteQuishingEventsAll:          {"data.results"},
	RouteQuishingEventsOpened:       {"data.results"},
	RouteQuishingEventsClicked:      {"data.results"},
	RouteQuishingEventsSubmitted:    {"data.results"},
	RouteQuishingEventsReported:     {"data.results"},
	RouteQuishingEventsMFASubmitted: {"data.results"},
}

// compiledNeeded is neededArrays split into segments once.
var compiledNeeded = compilePatterns(neededArrays)

func compilePatterns(in map[string][]string) map[string][][]string {
	out := make(map[string][][]string, len(in))
	for route, patterns := range in {
		for _, p := range patterns {
			out[route] = append(out[route], splitPath(p))
		}
	}
	return out
}

// splitPath turns "data[].answers" into ["data", "[]", "answers"].
func splitPath(p string) []string {
	return strings.Split(strings.ReplaceAll(p, "[]", ".[]"), ".")
}

// matchPath reports whether path matches pattern (both split by splitPath).
func matchPath(pattern, path []string) bool {
	if len(pattern) == 0 {
		return len(path) == 0
	}
	if pattern[0] == "**" {
		for skip := 0; skip <= len(path); skip++ {
			if matchPath(pattern[1:], path[skip:]) {
				return true
			}
		}
		return false
	}
	if len(path) == 0 {
		return false
	}
	if pattern[0] != path[0] && !(pattern[0] == "*" && path[0] != "[]") {
		return false
	}
	return matchPath(pattern[1:], path[1:])
}

// drift is the drift of one server: its seed.
type drift struct{ seed uint64 }

// apply drifts v, a response decoded with UseNumber, in place where it can,
// and returns the result. status tells error bodies apart.
func (d *drift) apply(route string, status int, v any) any {
	w := driftWalk{needed: compiledNeeded[route], errorBody: status >= 400, path: make([]string, 0, 8)}
	return w.value(v, mix(d.seed, "drift", route))
}

// driftWalk carries the path of the value being drifted.
type driftWalk struct {
	needed    [][]string
	errorBody bool
	path      []string
}

// value drifts v, whose choices derive from h, the hash of its path.
func (w *driftWalk) value(v any, h uint64) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			w.path = append(w.path, k)
			x[k] = w.value(e, mix(h, k))
			w.path = w.path[:len(w.path)-1]
		}
		x[unknownName(h)] = unknownValue(h)
		return x
	case []any:
		w.path = append(w.path, "[]")
		for i, e := range x {
			x[i] = w.value(e, mix(h, "[]", strconv.Itoa(i)))
		}
		w.path = w.path[:len(w.path)-1]
		return w.array(x, h)
	case json.Number:
		if isInteger(string(x)) {
			return string(x)
		}
		return x
	case string:
		if losslessDigits(x) {
			return json.Number(x)
		}
		return x
	}
	return v
}

// array decides what becomes of an array whose elements have drifted.
func (w *driftWalk) array(x []any, h uint64) any {
	for _, p := range w.needed {
		if matchPath(p, w.path) {
			return x
		}
	}
	coin := mix(h, "array")&1 == 0
	if w.errorBody && len(w.path) == 1 && strings.EqualFold(w.path[0], "validationMessages") {
		// Error text is shown to users, so it is never reshaped; a .NET
		// null list is what the service may send instead.
		if coin {
			return nil
		}
		return x
	}
	if coin {
		return nil
	}
	obj := make(map[string]any, len(x)+1)
	for i, e := range x {
		obj[strconv.Itoa(i)] = e
	}
	obj[unknownName(h)] = unknownValue(h)
	return obj
}

// unknownName is the name of the member drift adds to an object: one the
// spec does not know, and that no real member shares.
func unknownName(h uint64) string {
	return fmt.Sprintf("x-drift-%d", mix(h, "unknown-name")%1000)
}

// unknownValue is the added member's value, of any JSON type.
func unknownValue(h uint64) any {
	switch mix(h, "unknown-value") % 6 {
	case 0:
		return "drift"
	case 1:
		return json.Number("7.5")
	case 2:
		return true
	case 3:
		return map[string]any{"drift": json.Number("1")}
	case 4:
		return []any{json.Number("1"), "two"}
	default:
		return nil
	}
}

// isInteger reports whether a JSON number literal is an integer.
func isInteger(n string) bool { return !strings.ContainsAny(n, ".eE") }

// losslessDigits reports whether s reads back unchanged after becoming a
// JSON number: canonical decimal digits (no sign, no leading zero but "0"
// itself), at most 15 of them, so a float64 holds it exactly.
func losslessDigits(s string) bool {
	if len(s) == 0 || len(s) > 15 || len(s) > 1 && s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// WithTypeDrift makes every JSON response but the token endpoint's drift
// from the spec's types, deterministically for seed (see the rules above
// neededArrays).
func WithTypeDrift(seed uint64) Option {
	return func(c *config) { c.drift = &drift{seed: seed} }
}

// SetTypeDrift turns type drift on with seed, or changes its seed, at run
// time; StopTypeDrift turns it off.
func (s *Server) SetTypeDrift(seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drift = &drift{seed: seed}
	s.shaping.Store(true)
}

// StopTypeDrift turns type drift off from now on.
func (s *Server) StopTypeDrift() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drift = nil
}
