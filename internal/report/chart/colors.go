package chart

import (
	"fmt"
	"strconv"
)

// Diverging scale colours: a warm brick for the negative side and a blue
// for the positive, darkest at the ends, with a neutral grey between. The
// two hues stay apart for the common colour-vision deficiencies (unlike red
// against green) and keep their order in greyscale print.
const (
	negDark  = "#a1391f"
	negLight = "#f2b59b"
	posLight = "#9fc6e4"
	posDark  = "#1d5a96"
	neutral  = "#cfd3d8"
)

// categorical colours are for choice options (Tableau 10's, muted):
// distinct for up to ten options, then repeated.
var categorical = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// Categorical is the i-th colour for choices that have no order: distinct
// for ten, then repeated.
func Categorical(i int) string { return categorical[i%len(categorical)] }

// StatusColor is the fixed colour of one of the usual statuses of an
// enrollment's users, and whether status is one.
func StatusColor(status string) (string, bool) {
	c, ok := statusColors[status]
	return c, ok
}

var statusColors = map[string]string{
	"Completed":     "#2f7d4f",
	"In Progress":   "#e3a32b",
	"Opened Email":  "#8fb4d9",
	"Not Responded": "#c5c9ce",
}

// BarColor is the colour of a single series' plain bars.
const BarColor = "#4e79a7"

// ScaleColors colours a rating scale's points, given their levels from
// most negative to most positive.
func ScaleColors(levels []int) []string {
	var neg, pos int
	for _, l := range levels {
		switch {
		case l < 0:
			neg++
		case l > 0:
			pos++
		}
	}
	out := make([]string, 0, len(levels))
	for i := range neg {
		out = append(out, ramp(negDark, negLight, i, neg))
	}
	if len(levels) > neg+pos {
		out = append(out, neutral)
	}
	for i := range pos {
		out = append(out, ramp(posLight, posDark, i, pos))
	}
	return out
}

// ramp is the i-th of n colours from a to b; one colour is their middle.
func ramp(a, b string, i, n int) string {
	t := 0.5
	if n > 1 {
		t = float64(i) / float64(n-1)
	}
	ar, ag, ab := rgb(a)
	br, bg, bb := rgb(b)
	mix := func(x, y int) int { return x + int(float64(y-x)*t+0.5) }
	return fmt.Sprintf("#%02x%02x%02x", mix(ar, br), mix(ag, bg), mix(ab, bb))
}

func rgb(hex string) (r, g, b int) {
	v, _ := strconv.ParseUint(hex[1:], 16, 32) // our constants, or a colour checked by the caller
	return int(v >> 16), int(v >> 8 & 0xff), int(v & 0xff)
}

// TextOn is a text colour readable on fill, a "#rrggbb" colour.
func TextOn(fill string) string {
	r, g, b := rgb(fill)
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 150 {
		return "#ffffff"
	}
	return "#1f2328"
}
