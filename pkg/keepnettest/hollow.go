package keepnettest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// HollowKind is what a hollow 200 holds instead of the operation's JSON.
type HollowKind int

const (
	// HollowHTML is an HTML page, as a portal or maintenance page in front
	// of the service sends.
	HollowHTML HollowKind = iota + 1
	// HollowDataNull is the envelope with "data": null.
	HollowDataNull
	// HollowResultsNull is a search page with "data.results": null and its
	// counts intact. On a route whose data has no results it is
	// HollowDataNull.
	HollowResultsNull
	// HollowEmptyBody is no body at all, labelled JSON.
	HollowEmptyBody
	// HollowTextPlainJSON is the right JSON labelled text/plain: not hollow
	// at all, and a client may decode it.
	HollowTextPlainJSON
)

func (k HollowKind) String() string {
	switch k {
	case HollowHTML:
		return "HollowHTML"
	case HollowDataNull:
		return "HollowDataNull"
	case HollowResultsNull:
		return "HollowResultsNull"
	case HollowEmptyBody:
		return "HollowEmptyBody"
	case HollowTextPlainJSON:
		return "HollowTextPlainJSON"
	}
	return fmt.Sprintf("HollowKind(%d)", int(k))
}

// Hollow makes a route answer its successes (2xx) with a body that holds
// nothing usable, with the success status kept: the endpoint has done its
// work (a create has created) before the body is replaced. Errors the
// endpoint answers are sent as they are, and do not count.
type Hollow struct {
	// Route is a Route* constant. The token endpoint never goes hollow.
	Route string
	Kind  HollowKind
	// Times is how many responses go hollow; 0 or less: every one.
	Times int
	// Page, when above 0, limits the fault to search requests for that
	// pageNumber.
	Page int
}

// WithHollow makes h.Route answer hollow 200s (see Hollow). One rule per
// route: a later one for the same route replaces it.
func WithHollow(h Hollow) Option {
	return func(c *config) {
		if c.hollows == nil {
			c.hollows = map[string]Hollow{}
		}
		c.hollows[h.Route] = normalHollow(h)
	}
}

// SetHollow sets or replaces h.Route's hollow rule at run time, with a
// fresh budget.
func (s *Server) SetHollow(h Hollow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hollows[h.Route] = normalHollow(h)
	s.shaping.Store(true)
}

// ClearHollow turns route's hollow rule off.
func (s *Server) ClearHollow(route string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.hollows, route)
}

// HollowServed is how many hollow responses route has sent.
func (s *Server) HollowServed(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hollowServed[route]
}

func normalHollow(h Hollow) Hollow {
	if h.Times <= 0 {
		h.Times = -1
	}
	return h
}

// hollowCandidate reports whether a request to route, with this body, is
// one h.Route's rule covers; the budget is spent only when a success is
// written (takeHollow).
func (s *Server) hollowCandidate(route string, body []byte) bool {
	s.mu.Lock()
	h, ok := s.hollows[route]
	s.mu.Unlock()
	if !ok {
		return false
	}
	return h.Page <= 0 || searchPage(body) == h.Page
}

// takeHollow spends one hollow response of route's budget, if any is
// left, and returns its kind (0 for none).
func (s *Server) takeHollow(route string) HollowKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.hollows[route]
	if !ok || h.Times == 0 {
		return 0
	}
	if h.Times > 0 {
		h.Times--
		s.hollows[route] = h
	}
	s.hollowServed[route]++
	return h.Kind
}

// searchPage is a search body's pageNumber, 0 if it has none.
func searchPage(body []byte) int {
	var q struct {
		PageNumber int `json:"pageNumber"`
	}
	if json.Unmarshal(body, &q) != nil {
		return 0
	}
	return q.PageNumber
}

// hollowTree empties a decoded envelope for kind, in place where it can.
func hollowTree(kind HollowKind, v any) any {
	env, ok := v.(map[string]any)
	if !ok {
		return v
	}
	switch kind {
	case HollowDataNull:
		env["data"] = nil
	case HollowResultsNull:
		if data, ok := env["data"].(map[string]any); ok {
			if _, ok := data["results"]; ok {
				data["results"] = nil
				break
			}
		}
		env["data"] = nil
	}
	return env
}

// writeHollowHTML answers with a page a portal or a maintenance front end
// would send, with the success status the endpoint chose.
func writeHollowHTML(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Keepnet Labs</title></head>\n<body><h1>We'll be back soon</h1><p>The platform is being updated. Please try again in a few minutes.</p></body></html>\n")
}
