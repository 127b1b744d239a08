package keepnettest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// responseShape is what happens to one response's JSON on its way out: type
// drift, then a hollow body. serve attaches one to the response writer only
// when drift or a hollow rule applies, so writeJSON, the one place the fake
// writes JSON, costs nothing more without them.
type responseShape struct {
	srv    *Server
	route  string
	drift  *drift
	hollow bool // a hollow rule covers this request; its budget is spent on a success
}

// shapeFor returns the shape of the response to a request to route, nil
// when nothing changes it.
func (s *Server) shapeFor(route string, body []byte) *responseShape {
	if !s.shaping.Load() || route == RouteToken {
		return nil
	}
	s.mu.Lock()
	d := s.drift
	s.mu.Unlock()
	hollow := s.hollowCandidate(route, body)
	if d == nil && !hollow {
		return nil
	}
	return &responseShape{srv: s, route: route, drift: d, hollow: hollow}
}

// writeJSON writes b, the encoded response, drifted and hollowed as the
// shape says.
func (sh *responseShape) writeJSON(w http.ResponseWriter, status int, b []byte) {
	var kind HollowKind
	if sh.hollow && status >= 200 && status < 300 {
		kind = sh.srv.takeHollow(sh.route)
	}
	switch kind {
	case HollowHTML:
		writeHollowHTML(w, status)
		return
	case HollowEmptyBody:
		sendJSON(w, status, jsonContentType, nil)
		return
	}
	if sh.drift != nil || kind == HollowDataNull || kind == HollowResultsNull {
		tree := decodeTree(b)
		if sh.drift != nil {
			tree = sh.drift.apply(sh.route, status, tree)
		}
		tree = hollowTree(kind, tree)
		b = mustMarshal(tree)
	}
	contentType := jsonContentType
	if kind == HollowTextPlainJSON {
		contentType = "text/plain; charset=utf-8"
	}
	sendJSON(w, status, contentType, b)
}

// decodeTree decodes JSON this package encoded, keeping numbers' literals.
func decodeTree(b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		// The bytes are this package's own encoding.
		panic(fmt.Sprintf("keepnettest: decoding own response: %v", err))
	}
	return v
}
