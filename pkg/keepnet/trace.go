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
	"unicode/utf8"

	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
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
	// Any separator style counts (clientSecret, access-token), so a JSON
	// body the trace can only show a prefix of is redacted too.
	secretFieldPattern = regexp.MustCompile(`(?i)((?:client[_-]?secret|access[_-]?token|refresh[_-]?token|id[_-]?token|password|client[_-]?assertion)["']?\s*[=:]\s*["']?)[^&\s"',;}]+`)
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

// traceBodyLimit bounds how much of each body a trace shows; traceCapture
// how much of a response body it keeps to show it: enough for the JSON of
// any page the flows read to be redacted field by field. Past it, a body
// is shown as a prefix redacted by the scrubber's patterns, with its size.
const (
	traceBodyLimit = 8 << 10
	traceCapture   = 64 << 10
)

// traceTransport writes each exchange to w, redacted and safe for a
// terminal. It wraps the transport (not the API doer) so that token
// requests are traced too. It never reads a response body itself: it keeps
// the first traceCapture bytes of what the client reads, counts the rest,
// and writes the response when the client is done with the body. So the
// client's body limit bounds a traced body as any other, and a cancelled
// request is not held up by its trace.
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
	fmt.Fprintf(&b, "--> #%d %s %s\n", n, req.Method, termsafe.String(scrub(req.URL.Redacted())))
	writeHeadersAndBody(&b, req.Header, reqBody, 0, scrub)
	t.write(b.String())

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.write(fmt.Sprintf("<-- #%d error after %s: %s\n\n", n, elapsed, termsafe.String(scrub(err.Error()))))
		return nil, err
	}
	resp.Body = &tracedBody{ReadCloser: resp.Body, t: t, n: n, status: resp.Status, header: resp.Header, elapsed: elapsed, scrub: scrub}
	return resp, nil
}

func (t *traceTransport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// A trace is a debugging aid; failing to write it must not fail the
	// request it describes.
	_, _ = io.WriteString(t.w, s)
}

// tracedBody passes a response body through to the client, keeping its
// first traceCapture bytes and counting the rest; the response is traced
// when the body ends or is closed, whichever comes first.
type tracedBody struct {
	io.ReadCloser
	t       *traceTransport
	n       uint64
	status  string
	header  http.Header
	elapsed time.Duration
	scrub   func(string) string

	mu      sync.Mutex
	kept    []byte
	size    int64
	readErr error
	ended   bool // EOF or a read error
	traced  bool
}

func (b *tracedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.mu.Lock()
	if room := traceCapture - len(b.kept); room > 0 {
		b.kept = append(b.kept, p[:min(n, room)]...)
	}
	b.size += int64(n)
	if err != nil {
		b.ended = true
		if err != io.EOF {
			b.readErr = err
		}
	}
	b.mu.Unlock()
	if err != nil {
		b.trace()
	}
	return n, err
}

func (b *tracedBody) Close() error {
	err := b.ReadCloser.Close()
	b.trace()
	return err
}

// trace writes the response once.
func (b *tracedBody) trace() {
	b.mu.Lock()
	if b.traced {
		b.mu.Unlock()
		return
	}
	b.traced = true
	kept, size, readErr, ended := b.kept, b.size, b.readErr, b.ended
	b.mu.Unlock()

	var s strings.Builder
	fmt.Fprintf(&s, "<-- #%d %s (%s)\n", b.n, termsafe.String(b.status), b.elapsed)
	writeHeadersAndBody(&s, b.header, kept, size, b.scrub)
	switch {
	case readErr != nil:
		fmt.Fprintf(&s, "(body read failed after %d bytes: %s)\n\n", size, termsafe.String(b.scrub(readErr.Error())))
	case !ended:
		fmt.Fprintf(&s, "(body not read to its end: the client stopped after %d bytes)\n\n", size)
	}
	b.t.write(s.String())
}

// writeHeadersAndBody writes headers and a body, redacted and escaped for a
// terminal. body is the whole body, or its first bytes when size (the
// whole body's length) is larger.
func writeHeadersAndBody(b *strings.Builder, h http.Header, body []byte, size int64, scrub func(string) string) {
	for _, line := range redactHeaders(h) {
		b.WriteString(termsafe.String(scrub(line)) + "\n")
	}
	size = max(size, int64(len(body)))
	if len(body) > 0 {
		shown := redactBody(h.Get("Content-Type"), body, scrub)
		if len(shown) > traceBodyLimit || size > int64(len(body)) {
			shown = fmt.Sprintf("%s… (%d bytes in all; the first %d shown)", cutUTF8(shown, traceBodyLimit), size, min(len(shown), traceBodyLimit))
		}
		b.WriteString("\n" + termsafe.Text(shown) + "\n")
	}
	b.WriteString("\n")
}

// cutUTF8 returns at most n bytes of s, not splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
