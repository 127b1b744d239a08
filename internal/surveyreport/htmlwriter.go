package surveyreport

import (
	"bufio"
	"strconv"
)

// htmlWriter writes the page's markup and the texts in it. Its
// bufio.Writer keeps the first write error and writes nothing after it;
// WriteHTML's Flush returns that error, so the many small writes of a page
// need no check each.
type htmlWriter struct {
	*bufio.Writer
}

// raw writes markup as it is: the page's own, or SVG whose texts were
// escaped when it was built.
func (w htmlWriter) raw(parts ...string) {
	for _, s := range parts {
		w.WriteString(s)
	}
}

// text writes s escaped, for the content of an element or a quoted
// attribute value.
func (w htmlWriter) text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		// Byte by byte is safe: the bytes replaced are ASCII, and UTF-8
		// never uses ASCII bytes inside a longer character.
		repl := escapeByte(s[i])
		if repl == "" {
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(repl)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// num writes n in decimal.
func (w htmlWriter) num(n int) {
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10))
}

// escapeByte is what replaces c in text, or "" when c stays. These are the
// replacements html/template makes in text and attribute values, so that
// pages are byte for byte those the template wrote: html.EscapeString's
// five, and also '+' (old browsers sniffed "+ADw-" as UTF-7 markup) and
// NUL (which HTML parsers drop or replace, each in its own way).
func escapeByte(c byte) string {
	switch c {
	case 0:
		return "\uFFFD"
	case '"':
		return "&#34;"
	case '&':
		return "&amp;"
	case '\'':
		return "&#39;"
	case '+':
		return "&#43;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return ""
}
