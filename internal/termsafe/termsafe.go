// Package termsafe makes text from elsewhere (company, training and group
// names, API error messages, whole outputs) safe to print on a terminal.
//
// A name such as "Acme\x1b]0;pwned\x07" or one with a right-to-left
// override would otherwise retitle the user's terminal, write to its
// clipboard (OSC 52), hide text or reorder what the user reads. gh strips
// such sequences with go-gh's asciisanitizer; that package maps them to
// caret notation, keeps CR and DEL, and pulls in go-gh's whole module,
// while what is needed here is a string function and a stream writer with
// the project's own notation, so they are written here. Data files and
// pipes never pass through it: they keep the text as the server sent it.
package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// String returns s with every character that a terminal would act on
// rather than show replaced by a visible escape: C0 and C1 control
// characters (ESC, BEL, CR, newline, tab, ...) as \xNN, DEL as \x7f,
// Unicode bidirectional controls as \uNNNN and invalid UTF-8 as \xNN.
// Printable text, accents and CJK included, is kept.
func String(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	escape(&b, s, false)
	return b.String()
}

// Text is String for text of several lines (a response body in a trace):
// newlines and tabs are kept, everything else String escapes is escaped.
func Text(s string) string {
	if clean(s, true) {
		return s
	}
	var b strings.Builder
	escape(&b, s, true)
	return b.String()
}

// layout reports the characters Text keeps: they move the cursor to the
// next line or tab stop and cannot hide or rewrite anything.
func layout(r rune) bool { return r == '\n' || r == '\t' }

// unsafe reports a character a terminal would act on.
func unsafe(r rune, size int, keepLayout bool) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return true
	case keepLayout && layout(r):
		return false
	}
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidiControl(r)
}

// escape writes s to b with every unsafe character escaped.
func escape(b *strings.Builder, s string, keepLayout bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !unsafe(r, size, keepLayout):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case bidiControl(r):
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			fmt.Fprintf(b, `\x%02x`, r)
		}
		i += size
	}
}

// clean reports whether s needs no change, without allocating.
func clean(s string, keepLayout bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafe(r, size, keepLayout) {
			return false
		}
		i += size
	}
	return true
}

// bidiControl reports the characters that reorder the text around them
// (the "Trojan Source" characters) and the directional marks.
func bidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// Writer passes a byte stream (CSV, JSON, a table) to a terminal with the
// characters Text escapes escaped, newlines and tabs kept. A character
// split across two writes is held until the second arrives, so Flush must
// be called when the stream ends to write a trailing incomplete one
// (escaped, as the invalid UTF-8 it then is). Not safe for concurrent use.
type Writer struct {
	w    io.Writer
	held []byte // the start of a character the next write completes
	buf  strings.Builder
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it. It reports len(p) written on success:
// all of p was taken, whatever the escapes added.
func (t *Writer) Write(p []byte) (int, error) {
	s := string(p)
	if len(t.held) > 0 {
		s = string(t.held) + s
		t.held = t.held[:0]
	}
	// Hold back a character cut off at the end of this write.
	if cut := incompleteTail(s); cut > 0 {
		t.held = append(t.held, s[len(s)-cut:]...)
		s = s[:len(s)-cut]
	}
	if clean(s, true) {
		if _, err := io.WriteString(t.w, s); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	t.buf.Reset()
	escape(&t.buf, s, true)
	if _, err := io.WriteString(t.w, t.buf.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held incomplete character, escaped.
func (t *Writer) Flush() error {
	if len(t.held) == 0 {
		return nil
	}
	s := string(t.held)
	t.held = t.held[:0]
	_, err := io.WriteString(t.w, Text(s))
	return err
}

// incompleteTail returns how many bytes at the end of s start a UTF-8
// character that is not complete yet (0 to 3).
func incompleteTail(s string) int {
	for n := 1; n <= utf8.UTFMax-1 && n <= len(s); n++ {
		c := s[len(s)-n]
		if c < 0x80 {
			return 0 // ASCII: nothing pending
		}
		if c >= 0xc0 { // a leading byte
			if !utf8.FullRuneInString(s[len(s)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}
