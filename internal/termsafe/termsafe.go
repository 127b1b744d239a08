// Package termsafe makes text from elsewhere (company, training and group
// names, API error messages) safe to print on a terminal.
//
// A name such as "Acme\x1b]0;pwned\x07" or one with a right-to-left
// override would otherwise retitle the user's terminal, hide text or
// reorder what the user reads. gh strips such sequences with go-gh's
// asciisanitizer; that package works on byte streams of JSON and pulls in
// go-gh's whole module, while what is needed here is one function over
// strings, so it is written here. Data files never pass through it: they
// keep the text as the server sent it.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// String returns s with every character that a terminal would act on
// rather than show replaced by a visible escape: C0 and C1 control
// characters (ESC, BEL, CR, newline, tab, ...) as \xNN, DEL as \x7f,
// Unicode bidirectional controls as \uNNNN and invalid UTF-8 as \xNN.
// Printable text, accents and CJK included, is kept.
func String(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case bidiControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no change, without allocating.
func clean(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidiControl(r) {
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
