package keepnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/keepnet-flow/keepnet-flow/internal/pathseg"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
)

// ErrOutcomeUnknown is wrapped by the error of a request that may have
// changed state on the server (creating an enrollment, sending one) and
// failed after it may have reached the server: a 5xx answer, a timeout or a
// connection reset after the request was written. Such requests are never
// retried automatically, because repeating them could, for example, create a
// second enrollment. Check the current state (search for what you created)
// before trying again.
var ErrOutcomeUnknown = errors.New("the request may have reached the Keepnet server and its outcome is unknown; check the current state before retrying")

// ErrMalformedID is wrapped by the error of a request refused before it was
// sent because a value in its path is no ID: empty, "." or "..", or
// holding a control character. IDs come from the service, and such a value
// would make the request another one (the user ID ".." turns
// .../users/{id} into the endpoint above it). The error names the path
// parameter and the value.
var ErrMalformedID = pathseg.ErrMalformed

// ErrCredentialsRejected is wrapped by the error returned when the token
// endpoint refuses the client ID and secret (OAuth error invalid_client).
var ErrCredentialsRejected = errors.New("the Keepnet token endpoint rejected the client ID and secret")

// ConfigError reports a problem with the client's configuration, found by
// [New] before any connection is made: missing credentials or a base URL
// that is not allowed.
type ConfigError struct {
	// Setting names what to fix, preferably the environment variable to set
	// ("KEEPNET_CLIENT_SECRET") or else the option ("WithRetry").
	Setting string
	// Problem says what is wrong, in words meant for the person running the
	// program.
	Problem string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("keepnet: configuration: %s: %s", e.Setting, e.Problem)
}

// APIError is a non-2xx answer from the Keepnet API. Every call made
// through a keepnet client returns one (retrieve it with errors.As) when the
// server answers outside 2xx.
type APIError struct {
	// Method and Path identify the request ("POST", "/api/enrollments/search").
	Method, Path string
	// StatusCode is the HTTP status code.
	StatusCode int
	// Status is the envelope's status, such as INPUT_ERROR or PRIVACY_ERROR;
	// empty when the body carried none.
	Status string
	// Message is the envelope's message, or for a body that is not a JSON
	// envelope (an HTML error page from the edge, plain text) a short text
	// snippet of it.
	Message string
	// ValidationMessages are the envelope's validation messages, flattened to
	// text ("Filter: must not be null").
	ValidationMessages []string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "keepnet: %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Status != "" {
		b.WriteString(" (" + e.Status + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.ValidationMessages) > 0 {
		b.WriteString(" [" + strings.Join(e.ValidationMessages, "; ") + "]")
	}
	if hint := e.Hint(); hint != "" {
		b.WriteString(" (" + hint + ")")
	}
	return b.String()
}

// Hint returns what usually causes this status with the Keepnet API and how
// to fix it, following the vendor's how-to pages; empty when there is no
// specific advice.
func (e *APIError) Hint() string {
	switch {
	case e.StatusCode == http.StatusBadRequest:
		return "the request is invalid: fix it as the validation messages say"
	case e.StatusCode == http.StatusUnauthorized:
		return "the access token is missing or expired, or the client credentials are invalid"
	case e.StatusCode == http.StatusForbidden:
		return "the credential is not a Reseller credential, or the company is not managed by it"
	case e.StatusCode == http.StatusNotFound:
		return "the ID is wrong, or the company header is missing on a company-scoped call"
	case e.StatusCode == http.StatusTooManyRequests:
		return "rate limited: lower the request rate or try again later"
	case e.StatusCode >= 500:
		return "the Keepnet service failed; try again later"
	}
	return ""
}

// outcomeUnknownError marks a failure of a request that may have changed
// state. It wraps both the failure (an *APIError or a transport error) and
// ErrOutcomeUnknown so that errors.As and errors.Is find either.
type outcomeUnknownError struct {
	cause error // names the request: method and path
}

func (e *outcomeUnknownError) Error() string {
	return fmt.Sprintf("%v; %v", e.cause, ErrOutcomeUnknown)
}

func (e *outcomeUnknownError) Unwrap() []error { return []error{e.cause, ErrOutcomeUnknown} }

// gaveUpError is the last failure of a request that was retried as long as
// the policy allowed.
type gaveUpError struct {
	cause    error
	attempts int
	why      string // why no further attempt was made, when not the count
}

func (e *gaveUpError) Error() string {
	noun := "attempts"
	if e.attempts == 1 {
		noun = "attempt"
	}
	msg := fmt.Sprintf("%v (gave up after %d %s", e.cause, e.attempts, noun)
	if e.why != "" {
		msg += ": " + e.why
	}
	return msg + ")"
}

func (e *gaveUpError) Unwrap() error { return e.cause }

// snippetLimit bounds how much of a non-JSON error body an error shows;
// envelopeTextLimit bounds each message of a JSON envelope, which is meant
// to be read but could still be pathological.
const (
	snippetLimit      = 200
	envelopeTextLimit = 1000
)

// decodeAPIError builds the APIError for a non-2xx answer. It never fails:
// whatever the body holds (the JSON envelope in either key casing, ASP.NET
// problem details, an HTML page from the edge, plain text, nothing) the
// result carries as much as could be understood. scrub removes secrets from
// anything the server echoed.
func decodeAPIError(method, path string, statusCode int, contentType string, body []byte, scrub func(string) string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: statusCode}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return e
	}
	if body[0] == '{' {
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) == nil {
			decodeEnvelope(e, fields)
			e.Status = serverText(scrub, e.Status, snippetLimit)
			e.Message = serverText(scrub, e.Message, envelopeTextLimit)
			for i, m := range e.ValidationMessages {
				e.ValidationMessages[i] = serverText(scrub, m, envelopeTextLimit)
			}
			return e
		}
	}
	if strings.Contains(strings.ToLower(contentType), "html") || body[0] == '<' {
		e.Message = serverText(scrub, htmlText(body), snippetLimit)
		return e
	}
	e.Message = serverText(scrub, collapseSpace(string(body)), snippetLimit)
	return e
}

// serverText makes text the server sent fit for an error message: secrets
// it echoed removed, cut to limit, and control characters made visible, so
// that printing the error cannot drive the user's terminal.
func serverText(scrub func(string) string, s string, limit int) string {
	return termsafe.String(scrub(truncate(s, limit)))
}

// decodeEnvelope fills e from a JSON object. Keys are matched without regard
// to case because the service answers both "message" and "Message". Besides
// the vendor's envelope it understands ASP.NET problem details ("title",
// "errors") and OAuth errors ("error", "error_description"), which the
// service's framework produces for some failures.
func decodeEnvelope(e *APIError, fields map[string]json.RawMessage) {
	folded := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		folded[strings.ToLower(k)] = v
	}
	e.Status = firstString(folded, "status", "error")
	e.Message = firstString(folded, "message", "error_description", "title", "detail")
	for _, key := range []string{"validationmessages", "errors"} {
		if raw, ok := folded[key]; ok {
			e.ValidationMessages = append(e.ValidationMessages, flattenMessages(raw, "", 0)...)
		}
	}
	if len(e.ValidationMessages) > maxValidationMessages {
		more := len(e.ValidationMessages) - maxValidationMessages
		e.ValidationMessages = append(e.ValidationMessages[:maxValidationMessages], fmt.Sprintf("... and %d more", more))
	}
}

// maxValidationMessages keeps a pathological error body from producing a
// screenful of text in one error line.
const maxValidationMessages = 20

// firstString returns the first of keys whose value is a non-empty JSON
// string; values of other types (ProblemDetails' numeric "status") are
// skipped.
func firstString(fields map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		var s string
		if raw, ok := fields[k]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// flattenMessages turns validation messages of any shape seen from .NET
// services into lines of text: a string, a list, objects with a message
// ({"propertyName": "...", "errorMessage": "..."}) or a map from field name
// to messages ({"Filter": ["must not be null"]}).
func flattenMessages(raw json.RawMessage, prefix string, depth int) []string {
	if depth > 4 {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return []string{prefix + s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, item := range list {
			out = append(out, flattenMessages(item, prefix, depth+1)...)
		}
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil // numbers, booleans, null: nothing to say
	}
	folded := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		folded[strings.ToLower(k)] = v
	}
	if msg := firstString(folded, "message", "errormessage", "error", "description"); msg != "" {
		if field := firstString(folded, "propertyname", "field", "membername", "key", "name"); field != "" {
			return []string{prefix + field + ": " + msg}
		}
		return []string{prefix + msg}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, flattenMessages(obj[k], prefix+k+": ", depth+1)...)
	}
	return out
}

var (
	htmlTitle    = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlNonText  = regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	htmlTag      = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRunning = regexp.MustCompile(`\s+`)
)

// htmlText reduces an HTML error page (a 502 from the edge, say) to a short
// readable text: its title if it has one, else its visible text. The
// standard library has no HTML-to-text conversion and a parser dependency is
// not worth it for one error snippet.
func htmlText(body []byte) string {
	if m := htmlTitle.FindSubmatch(body); m != nil {
		if title := collapseSpace(html.UnescapeString(htmlTag.ReplaceAllString(string(m[1]), " "))); title != "" {
			return title
		}
	}
	text := htmlNonText.ReplaceAll(body, []byte(" "))
	text = htmlTag.ReplaceAll(text, []byte(" "))
	return collapseSpace(html.UnescapeString(string(text)))
}

func collapseSpace(s string) string {
	return strings.TrimSpace(spaceRunning.ReplaceAllString(s, " "))
}

// truncate shortens s to at most limit runes, marking the cut.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return string(runes[:limit]) + "…"
}
