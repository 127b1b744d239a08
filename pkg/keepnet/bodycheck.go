package keepnet

import (
	"bytes"
	"context"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// A 2xx is not always a success. The service's edge can answer 200 with an
// HTML page, and the application can answer 200 with `data: null` where a
// page of results belongs. Read as "nothing there", such an answer ends a
// paged pull early with exit 0, or makes a duplicate check find no
// duplicate (docs/api-behaviour.md). So every 2xx body passes a check
// before the call succeeds: by default that it is JSON (or empty), and,
// under internal/reqctx.WithBodyCheck, whatever the flow needs. A failed
// check wrapping ErrHollowResponse is retried like a 5xx for reads; for a
// create or send it makes the outcome unknown.

// checkBody applies the request's body check to the buffered body of a 2xx
// response.
func checkBody(ctx context.Context, contentType string, body []byte) error {
	if check, ok := reqctx.BodyCheck(ctx); ok {
		return check(body)
	}
	return defaultBodyCheck(contentType, body)
}

// defaultBodyCheck accepts an empty body and any JSON one, whatever its
// label (the service sends JSON labelled text/plain at times), and refuses
// anything else: an HTML page, text, a truncated body.
func defaultBodyCheck(contentType string, body []byte) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	if strings.Contains(strings.ToLower(contentType), "html") && trimmed[0] == '<' {
		return reqctx.Hollow("an HTML page (%q) where JSON was expected", truncate(htmlText(trimmed), 80))
	}
	if !jsontext.Value(trimmed).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
		return reqctx.Hollow("the body is not JSON: %s", bodySnippet(trimmed))
	}
	return nil
}
