package keepnet

import (
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is net/http's own limit, kept for the API calls' policy,
// which replaces the default one.
const maxRedirects = 10

// redirectError is a redirect the client refused to follow. The request to
// the target was never sent, so no header, body or token reached it.
type redirectError struct {
	target string // the target without query or fragment, which may carry anything
	reason string
}

func (e *redirectError) Error() string {
	return "refused a redirect to " + e.target + ": " + e.reason
}

// redirectTarget names where a redirect points, for an error message:
// scheme, host and path only.
func redirectTarget(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// refuseRedirects is the token request's policy. The form body carries the
// client secret, and net/http re-posts a body on 307 and 308 to any host:
// the token endpoint is never allowed to send it elsewhere, not even to its
// own origin, since nothing there should move.
func refuseRedirects(req *http.Request, _ []*http.Request) error {
	return &redirectError{target: redirectTarget(req.URL), reason: "the token request never follows redirects"}
}

// sameOriginRedirects is the API calls' policy: a redirect is followed only
// within the origin (scheme, host and port) of the first request, so the
// bearer token, company headers and body never leave it. net/http would
// keep the Authorization header for another port of the same host, and
// for a downgrade to http. A policy the caller's http.Client brings is
// consulted after this one.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		origin := via[0].URL
		if !sameOrigin(req.URL, origin) {
			return &redirectError{
				target: redirectTarget(req.URL),
				reason: "API calls follow redirects only within " + redirectTarget(&url.URL{Scheme: origin.Scheme, Host: origin.Host}),
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return &redirectError{target: redirectTarget(req.URL), reason: "stopped after 10 redirects"}
		}
		return nil
	}
}

// sameOrigin compares scheme, host and port as browsers do, with the
// scheme's default port filled in. The base URL is https or loopback http
// (resolveBaseURL), so a same-origin target is never plain http to a
// remote host.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
