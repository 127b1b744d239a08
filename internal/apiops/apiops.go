// Package apiops matches requests to the operations of the vendor's spec:
// which operation a request is, whatever IDs its path holds, and whether
// repeating it is safe. The table is generated from the pinned spec by
// internal/cmd/keepnet-operations (`make generate`); this file is the
// matcher.
//
// The connection layer decides from the operation, never from words in a
// concrete path, whether a request may be retried: POST
// /api/enrollments/search/send is the send of the enrollment whose ID is
// "search", not a search.
package apiops

import "strings"

// Operation is one operation of the spec.
type Operation struct {
	// Method is the HTTP method, upper case.
	Method string
	// Path is the spec's template, such as
	// /api/enrollments/{resourceId}/send.
	Path string
	// Repeatable says that sending the request twice changes nothing more
	// than sending it once: GET, HEAD and OPTIONS, and POST searches (a
	// request body with pageNumber and pageSize).
	Repeatable bool
}

// String names the operation as the spec does: "POST /api/enrollments".
func (o Operation) String() string { return o.Method + " " + o.Path }

// Index finds the operation of a request. It is immutable once built and
// safe for concurrent use.
type Index struct {
	root node
}

type node struct {
	literal map[string]*node // lower-cased segment
	param   *node
	ops     map[string]Operation // by method
}

// NewIndex indexes ops by their path templates.
func NewIndex(ops []Operation) *Index {
	ix := &Index{}
	for _, op := range ops {
		n := &ix.root
		for seg := range strings.SplitSeq(strings.Trim(op.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				if n.param == nil {
					n.param = &node{}
				}
				n = n.param
				continue
			}
			if n.literal == nil {
				n.literal = map[string]*node{}
			}
			key := strings.ToLower(seg)
			if n.literal[key] == nil {
				n.literal[key] = &node{}
			}
			n = n.literal[key]
		}
		if n.ops == nil {
			n.ops = map[string]Operation{}
		}
		n.ops[op.Method] = op
	}
	return ix
}

// Match returns the operation that method and path (the escaped path
// below the API's base, starting with "/") are a request of. A segment
// matches a template's literal segment (in any case, as the service's
// router does) before it matches a parameter, as the service routes; an
// empty segment matches no parameter. A request of no operation reports
// false.
func (ix *Index) Match(method, path string) (Operation, bool) {
	return ix.root.match(strings.TrimPrefix(path, "/"), method)
}

func (n *node) match(rest, method string) (Operation, bool) {
	if rest == "" {
		op, ok := n.ops[method]
		return op, ok
	}
	seg, tail, more := strings.Cut(rest, "/")
	if more && tail == "" {
		return Operation{}, false // a trailing slash: no template has one
	}
	if c := n.literal[lower(seg)]; c != nil {
		if op, ok := c.next(tail, more, method); ok {
			return op, true
		}
	}
	if n.param != nil && seg != "" {
		return n.param.next(tail, more, method)
	}
	return Operation{}, false
}

// next matches what follows a segment: nothing, or more segments.
func (n *node) next(tail string, more bool, method string) (Operation, bool) {
	if !more {
		op, ok := n.ops[method]
		return op, ok
	}
	return n.match(tail, method)
}

// lower is strings.ToLower without allocating for the lower-case ASCII
// segments nearly every path is made of.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
