// Package chart is what the HTML reports draw with: bar charts as inline
// SVG, the tables of their numbers, the colours, the rounding of shares
// to whole percents, and the writer every text of a page goes through,
// escaped.
//
// The pages are written by plain functions rather than html/template: a
// template package in a binary makes the linker keep every exported method
// of every reachable type (templates call methods by name), which would
// keep all of gen/'s client in the CLI and double its size.
package chart

import (
	"bufio"
	"strconv"
)

// HTML writes a page's markup and the texts in it. Its bufio.Writer keeps
// the first write error and writes nothing after it; the caller's Flush
// returns that error, so the many small writes of a page need no check
// each.
type HTML struct {
	*bufio.Writer
}

// Raw writes markup as it is: the page's own, or SVG whose texts were
// escaped when it was built.
func (w HTML) Raw(parts ...string) {
	for _, s := range parts {
		w.WriteString(s)
	}
}

// Text writes s escaped, for the content of an element or a quoted
// attribute value.
func (w HTML) Text(s string) {
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

// Num writes n in decimal.
func (w HTML) Num(n int) {
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10))
}

// escapeByte is what replaces c in text, or "" when c stays. These are the
// replacements html/template makes in text and attribute values:
// html.EscapeString's five, and also '+' (old browsers sniffed "+ADw-" as
// UTF-7 markup) and NUL (which HTML parsers drop or replace, each in its
// own way).
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

// Card is one headline figure of a page: a label, the figure, and a note
// saying what it counts.
type Card struct{ Label, Value, Note string }

// Cards writes a row of headline figures; none writes nothing.
func (w HTML) Cards(cards []Card) {
	if len(cards) == 0 {
		return
	}
	w.Raw(`<div class="cards">`)
	for _, c := range cards {
		w.Raw("\n  <div class=\"card\"><div class=\"label\">")
		w.Text(c.Label)
		w.Raw(`</div><div class="value">`)
		w.Text(c.Value)
		w.Raw(`</div><div class="note">`)
		w.Text(c.Note)
		w.Raw("</div></div>")
	}
	w.Raw("\n</div>\n\n")
}
