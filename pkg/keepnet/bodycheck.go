package keepnet

import (
	"bytes"
	"context"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// A 2xx is not always a success. The service's edge can answer 200 with an
// HTML page, and the application can answer 200 with `data: null` where a
// page of results belongs. Read as "nothing there", such an answer ends a
// paged pull early with exit 0, or makes a duplicate check find no
// duplicate (docs/api-behaviour.md). So every 2xx body passes a check
// before the call succeeds: by default that it is JSON (or empty), and,
// under WithBodyCheck, whatever the caller needs. A failed check wrapping
// ErrHollowResponse is retried like a 5xx for reads; for a create or send
// it makes the outcome unknown.

type bodyCheckKey struct{}

// WithBodyCheck returns a copy of ctx under which a request answered 2xx
// succeeds only when check accepts the response body. The check runs once
// per attempt, inside the client's retry loop, before the call returns, so
// it may decode the body (see [Decode]) and keep the result: the workflows
// decode each body exactly once this way.
//
// When check returns an error wrapping ErrHollowResponse (see
// [HollowError]), the answer is treated like a 5xx: a read is retried under
// the retry policy and fails with that error when it runs out; a create or
// send fails with ErrOutcomeUnknown. Any other error fails the call at once.
func WithBodyCheck(ctx context.Context, check func(body []byte) error) context.Context {
	return context.WithValue(ctx, bodyCheckKey{}, check)
}

// checkBody applies the request's body check to the buffered body of a 2xx
// response.
func checkBody(ctx context.Context, contentType string, body []byte) error {
	if check, ok := ctx.Value(bodyCheckKey{}).(func([]byte) error); ok {
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
		return HollowError("an HTML page (%q) where JSON was expected", truncate(htmlText(trimmed), 80))
	}
	if !jsontext.Value(trimmed).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
		return HollowError("the body is not JSON: %s", bodySnippet(trimmed))
	}
	return nil
}
