package table

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
)

// gap is the space between columns.
const gap = 2

// minCut is the narrowest a column is cut to: narrower, a name is no longer
// recognisable, and the table may as well stay wide.
const minCut = 10

// writeText renders t aligned for a terminal. Cells are padded by display
// width (a CJK character takes two columns, a combining accent none), which
// text/tabwriter, counting runes, gets wrong. When t.MaxWidth is set and the
// table is wider, the widest text column is cut with "…", then the next,
// rather than letting the terminal wrap every row.
func writeText(w io.Writer, t Table) error {
	rows := make([][]string, 0, len(t.Rows)+1)
	rows = append(rows, clean(t.Headers))
	for _, r := range t.Rows {
		rows = append(rows, clean(r))
	}
	widths := columnWidths(rows)
	if t.MaxWidth > 0 {
		fit(widths, shrinkable(t, rows), t.MaxWidth)
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, cell := range r {
			cell = cut(cell, widths[i])
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-uniseg.StringWidth(cell)+gap))
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	return nil
}

func clean(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = printable(c)
	}
	return out
}

func columnWidths(rows [][]string) []int {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], uniseg.StringWidth(cell))
		}
	}
	return widths
}

// shrinkable marks the columns fit may cut: text, not the leading ID
// column (an ID cut short cannot be pasted) and not numbers.
func shrinkable(t Table, rows [][]string) []bool {
	ok := make([]bool, len(t.Headers))
	for c := 1; c < len(ok); c++ {
		ok[c] = slices.ContainsFunc(rows[1:], func(r []string) bool {
			if c >= len(r) {
				return false
			}
			_, err := strconv.ParseFloat(r[c], 64)
			return r[c] != "" && err != nil
		})
	}
	return ok
}

// fit narrows the widest shrinkable column, down to the next widest so
// that two long columns share the loss, until the table is at most maxWidth
// wide or every shrinkable column is down to minCut.
func fit(widths []int, ok []bool, maxWidth int) {
	for {
		total := gap * (len(widths) - 1)
		for _, w := range widths {
			total += w
		}
		excess := total - maxWidth
		widest, next := -1, minCut
		for i, w := range widths {
			if i >= len(ok) || !ok[i] || w <= minCut {
				continue
			}
			if widest < 0 || w > widths[widest] {
				if widest >= 0 {
					next = max(next, widths[widest])
				}
				widest = i
			} else {
				next = max(next, w)
			}
		}
		if excess <= 0 || widest < 0 {
			return
		}
		// A tie with the next widest still loses a column, so the loop
		// always narrows the table or ends.
		widths[widest] -= max(1, min(excess, widths[widest]-next))
	}
}

// cut shortens s to at most width display columns, ending it with "…" when
// anything was dropped; it never splits a character or an accent from its
// letter.
func cut(s string, width int) string {
	if uniseg.StringWidth(s) <= width {
		return s
	}
	var b strings.Builder
	used, state := 0, -1
	for rest := s; rest != ""; {
		var cluster string
		var w int
		cluster, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+w > width-1 { // room for the ellipsis, one column wide
			break
		}
		b.WriteString(cluster)
		used += w
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace) + "…"
}
