package keepnet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// redacted replaces every secret in traces and error texts.
const redacted = "[REDACTED]"

// sensitiveKey reports form fields and JSON keys whose values are secrets,
// whatever their casing or separator style (access_token, accessToken).
func sensitiveKey(key string) bool {
	k := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(key))
	switch k {
	case "clientsecret", "accesstoken", "refreshtoken", "idtoken", "password", "assertion", "clientassertion":
		return true
	}
	return false
}

// sensitiveHeader reports headers that carry credentials.
func sensitiveHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	}
	return false
}

var (
	// jwtPattern matches a JSON Web Token anywhere in text: Keepnet's access
	// tokens are JWTs, so this catches one echoed in an unexpected place.
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	// bearerPattern matches a bearer credential written out in text.
	bearerPattern = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+`)
	// secretFieldPattern matches a secret field written out in free text,
	// as a form (client_secret=...) or JSON-ish (access_token: "...").
	secretFieldPattern = regexp.MustCompile(`(?i)((?:client_secret|access_token|refresh_token|id_token|password)["']?\s*[=:]\s*["']?)[^&\s"',;}]+`)
)

// minSecretLength is the shortest client secret replaced literally in
// output; replacing a one- or two-letter "secret" would mangle the text and
// such a secret is no secret anyway.
const minSecretLength = 6

// newScrubber returns the last line of defence applied to all text the
// client emits from server data (error snippets, traces): it removes the
// client secret verbatim, JWTs and bearer credentials.
func newScrubber(clientSecret string) func(string) string {
	var literals []string
	if len(clientSecret) >= minSecretLength {
		// The secret travels form-encoded, so an echo may be escaped.
		literals = append(literals, clientSecret, url.QueryEscape(clientSecret), url.PathEscape(clientSecret))
	}
	return func(s string) string {
		for _, lit := range literals {
			s = strings.ReplaceAll(s, lit, redacted)
		}
		s = jwtPattern.ReplaceAllString(s, redacted)
		s = secretFieldPattern.ReplaceAllString(s, "${1}"+redacted)
		return bearerPattern.ReplaceAllString(s, "${1}"+redacted)
	}
}

// redactHeaders returns the headers as sorted "Name: value" lines with
// credentials replaced.
func redactHeaders(h http.Header) []string {
	lines := make([]string, 0, len(h))
	for name, values := range h {
		for _, v := range values {
			if sensitiveHeader(name) {
				scheme, _, found := strings.Cut(v, " ")
				if found {
					v = scheme + " " + redacted
				} else {
					v = redacted
				}
			}
			lines = append(lines, name+": "+v)
		}
	}
	sort.Strings(lines)
	return lines
}

// redactBody returns the body for display with secrets removed: form fields
// and JSON keys by name, and anything else by the scrubber.
func redactBody(contentType string, body []byte, scrub func(string) string) string {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		if form, err := url.ParseQuery(string(body)); err == nil {
			for key := range form {
				if sensitiveKey(key) {
					form[key] = []string{redacted}
				}
			}
			// Encode escapes the marker's brackets; show it as written.
			return scrub(strings.ReplaceAll(form.Encode(), url.QueryEscape(redacted), redacted))
		}
	case strings.HasSuffix(mediaType, "json") || json.Valid(body):
		var doc any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&doc) == nil {
			var out bytes.Buffer
			enc := json.NewEncoder(&out)
			enc.SetEscapeHTML(false) // a trace is read by people, not put in a page
			if enc.Encode(redactJSON(doc)) == nil {
				return scrub(strings.TrimSuffix(out.String(), "\n"))
			}
		}
	}
	return scrub(string(body))
}

// redactJSON replaces the values of sensitive keys at any depth.
func redactJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if sensitiveKey(k) {
				v[k] = redacted
			} else {
				v[k] = redactJSON(child)
			}
		}
	case []any:
		for i, child := range v {
			v[i] = redactJSON(child)
		}
	}
	return v
}

// traceBodyLimit bounds how much of each body a trace shows.
const traceBodyLimit = 8 << 10

// traceTransport writes each exchange to w, redacted. It wraps the
// transport (not the API doer) so that token requests are traced too.
type traceTransport struct {
	next  http.RoundTripper
	w     io.Writer
	mu    *sync.Mutex // serialises writes from concurrent requests
	seq   *atomic.Uint64
	scrub func(string) string
}

func (t *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := t.seq.Add(1)
	scrub := t.scrub
	if _, token, ok := strings.Cut(req.Header.Get("Authorization"), " "); ok && len(token) >= minSecretLength {
		// Whatever the server sends back, the request's own token is
		// removed from this exchange's trace.
		scrub = func(s string) string { return t.scrub(strings.ReplaceAll(s, token, redacted)) }
	}
	reqBody, err := peekRequestBody(req)
	if err != nil {
		return nil, fmt.Errorf("trace: read request body: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--> #%d %s %s\n", n, req.Method, scrub(req.URL.Redacted()))
	writeHeadersAndBody(&b, req.Header, reqBody, scrub)
	t.write(b.String())

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	b.Reset()
	if err != nil {
		fmt.Fprintf(&b, "<-- #%d error after %s: %s\n\n", n, elapsed, scrub(err.Error()))
		t.write(b.String())
		return nil, err
	}
	respBody, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // the body has been read in full or failed; nothing left to release
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(respBody), errReader{readErr}))
	fmt.Fprintf(&b, "<-- #%d %s (%s)\n", n, resp.Status, elapsed)
	writeHeadersAndBody(&b, resp.Header, respBody, scrub)
	if readErr != nil {
		fmt.Fprintf(&b, "(body read failed: %s)\n", scrub(readErr.Error()))
	}
	t.write(b.String())
	return resp, nil
}

func (t *traceTransport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// A trace is a debugging aid; failing to write it must not fail the
	// request it describes.
	_, _ = io.WriteString(t.w, s)
}

func writeHeadersAndBody(b *strings.Builder, h http.Header, body []byte, scrub func(string) string) {
	for _, line := range redactHeaders(h) {
		b.WriteString(scrub(line) + "\n")
	}
	if len(body) > 0 {
		shown := redactBody(h.Get("Content-Type"), body, scrub)
		if len(shown) > traceBodyLimit {
			shown = fmt.Sprintf("%s… (%d more bytes)", shown[:traceBodyLimit], len(shown)-traceBodyLimit)
		}
		b.WriteString("\n" + shown + "\n")
	}
	b.WriteString("\n")
}

// peekRequestBody returns the request body without consuming it, using
// GetBody when the request has one and buffering otherwise.
func peekRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close() // replaced below by the buffered copy
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// errReader replays a body read error after the buffered part, so the
// caller sees the same failure it would have seen without the trace.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return 0, io.EOF
}
