// Package pathseg refuses path segments that would let a value from the
// service steer a request somewhere else.
//
// The generated client puts IDs the service sent (an enrollment's, a
// user's) into request paths. It escapes them (url.PathEscape), but
// escaping leaves "." and "..", and the client then resolves the path
// against the base URL, which removes dot segments: the user ID ".." turns
// GET /api/training-reports/E/users/.. into GET /api/training-reports/E/,
// and "." in the middle of a path makes it another operation's. An empty
// ID leaves an empty segment, and a control character reaches the server
// escaped but is no ID either. So each path parameter is checked where it
// is still one value, in the generated request builders (the client
// template that `make generate` derives, internal/cmd/keepnet-template),
// and the connection layer checks every path once more before sending.
package pathseg

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrMalformed is wrapped by every refusal of this package.
var ErrMalformed = errors.New("malformed ID")

// Error is a path parameter or segment refused before the request was
// sent. It wraps ErrMalformed.
type Error struct {
	// Param names the path parameter ("targetUserResourceId"); empty when
	// a whole path was checked.
	Param string
	// Value is the offending value as it was given.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

func (e *Error) Error() string {
	what := "path segment"
	if e.Param != "" {
		what = "path parameter " + e.Param
	}
	// %+q: the value may hold anything; quoted, it is one visible line.
	return fmt.Sprintf("keepnet: %s: %s %+q %s; the request was not sent", ErrMalformed, what, e.Value, e.Reason)
}

func (e *Error) Unwrap() error { return ErrMalformed }

// Param checks one path parameter as the generated client formatted it
// (escaped). It is called by the generated request builders.
func Param(name, escaped string) error {
	value, err := url.PathUnescape(escaped)
	if err != nil {
		return &Error{Param: name, Value: escaped, Reason: "is not validly escaped"}
	}
	if reason := problem(value); reason != "" {
		return &Error{Param: name, Value: value, Reason: reason}
	}
	return nil
}

// Path checks every segment of an escaped URL path: no empty segment (a
// trailing slash included, which is what a resolved "." or ".." leaves),
// no "." or "..", written plainly or escaped, and no control character.
func Path(escaped string) error {
	rest, ok := strings.CutPrefix(escaped, "/")
	if !ok {
		return &Error{Value: escaped, Reason: "is not an absolute path"}
	}
	for seg := range strings.SplitSeq(rest, "/") {
		value, err := url.PathUnescape(seg)
		if err != nil {
			return &Error{Value: seg, Reason: "is not validly escaped"}
		}
		if reason := problem(value); reason != "" {
			if value == "" {
				reason = "is empty (an empty, \".\" or \"..\" ID leaves an empty segment); the path was " + fmt.Sprintf("%+q", escaped)
			}
			return &Error{Value: value, Reason: reason}
		}
	}
	return nil
}

// problem says what is wrong with an unescaped segment, or "".
func problem(v string) string {
	switch {
	case v == "":
		return "is empty"
	case v == "." || v == "..":
		return "is a dot segment, which would change the path"
	case !utf8.ValidString(v):
		return "is not valid UTF-8"
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		return "holds a control character"
	}
	return ""
}
