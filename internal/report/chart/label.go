package chart

import (
	"strings"

	"github.com/rivo/uniseg"
)

// Wrap breaks a label into lines of at most width columns (as a terminal
// counts them: a wide character is two), at spaces where it can and inside
// a word longer than a line where it must. Nothing is cut: two long names
// that share their first words still read as two names.
func Wrap(label string, width int) []string {
	var lines []string
	line, lineW := "", 0
	for _, word := range strings.Fields(label) {
		w := uniseg.StringWidth(word)
		switch {
		case lineW > 0 && lineW+1+w <= width:
			line, lineW = line+" "+word, lineW+1+w
			continue
		case lineW > 0:
			lines = append(lines, line)
		}
		line, lineW = "", 0
		for w > width {
			head, rest := splitWidth(word, width)
			lines = append(lines, head)
			word, w = rest, uniseg.StringWidth(rest)
		}
		line, lineW = word, w
	}
	if lineW > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// splitWidth cuts s after as many whole grapheme clusters as fit in width
// columns (at least one).
func splitWidth(s string, width int) (head, rest string) {
	g := uniseg.NewGraphemes(s)
	used, end := 0, 0
	for g.Next() {
		w := g.Width()
		if used > 0 && used+w > width {
			break
		}
		used += w
		_, end = g.Positions()
	}
	return s[:end], s[end:]
}
