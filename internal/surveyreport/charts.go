package surveyreport

// The charts are hand-written SVG rather than a charting library's. The
// chart a rating scale needs is a diverging stacked bar (negative options
// left of zero, the neutral one split across it, positive right), which
// general-purpose Go chart libraries such as go-analyze/charts do not offer
// as such: it would have to be faked from stacked bars with an offset
// series, and the labels, the side totals and the shared axis across
// companies worked around. Three bar layouts are about two hundred lines of
// geometry here, with no dependency, no embedded fonts or scripts in the
// output, and sizes we control (a 60-company report stays well under
// 3 MB). The SVG goes into the page as it is, so every text that goes
// into it is escaped with esc.

import (
	"fmt"
	"html"
	"math"
	"strings"
	"unicode/utf8"
)

// series is one row of a chart: a company, or the overall.
type series struct {
	Label string
	// Total is what percentages are of: the users who answered (questions)
	// or all users (statuses).
	Total  int
	Counts []int
	Bold   bool
}

// segment is one coloured part of a chart's legend.
type segment struct {
	Label string
	Color string
}

// Chart geometry, in SVG user units (CSS pixels at 100 %).
const (
	chartWidth  = 760
	labelWidth  = 210
	rowHeight   = 22
	rowGap      = 10
	axisHeight  = 22
	sideText    = 46 // room for a side total ("12%") either side of a diverging plot
	minTextBar  = 28 // narrowest segment that gets its percentage written in it
	charsInName = 21 // a row label longer than this is cut, the full one in a tooltip
)

type svgBuilder struct {
	strings.Builder
}

func (b *svgBuilder) printf(format string, args ...any) { fmt.Fprintf(b, format, args...) }

func (b *svgBuilder) open(height int, label string) {
	b.printf(`<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, height, chartWidth, height, esc(label))
}

func (b *svgBuilder) html() string {
	b.WriteString("</svg>")
	return b.String()
}

// rowLabel writes a series' name and n at the left of row y.
func (b *svgBuilder) rowLabel(y float64, s series) {
	weight := ""
	if s.Bold {
		weight = ` font-weight="600"`
	}
	name := s.Label
	short := truncate(name, charsInName)
	b.printf(`<text x="0" y="%.1f" class="lbl"%s>`, y+rowHeight/2+4, weight)
	if short != name {
		b.printf(`<title>%s</title>`, esc(name))
	}
	b.printf(`%s</text><text x="%d" y="%.1f" class="n" text-anchor="end">n=%d</text>`, esc(short), labelWidth-10, y+rowHeight/2+4, s.Total)
}

// segmentText writes a percentage inside a segment wide enough for it.
func (b *svgBuilder) segmentText(x, w, y float64, share float64, fill string) {
	if w < minTextBar {
		return
	}
	b.printf(`<text x="%.1f" y="%.1f" class="seg" text-anchor="middle" fill="%s">%s</text>`, x+w/2, y+rowHeight/2+4, textOn(fill), pct(share))
}

// divergingChart draws a rating-scale question: one bar per series, the
// negative options left of zero, the neutral one (if any) split across it,
// the positive ones right; the totals of each side beside the bar.
// levels[i] < 0, == 0, > 0 says which side colours[i] and the counts' i-th
// option fall on; options run from most negative to most positive.
func divergingChart(title string, rows []series, levels []int, colors []string) string {
	plotLeft := float64(labelWidth + sideText)
	plotWidth := float64(chartWidth-labelWidth) - 2*sideText
	// The axis runs from -extent to +extent: the widest side of any row,
	// rounded up to a multiple of 20 %, so that short bars are not lost.
	extent := 0.2
	for _, s := range rows {
		neg, neu, pos := sides(s, levels)
		extent = math.Max(extent, math.Max(neg+neu/2, pos+neu/2))
	}
	extent = math.Min(1, math.Ceil(extent*5-1e-9)/5)
	scale := plotWidth / 2 / extent
	zero := plotLeft + plotWidth/2
	height := axisHeight + len(rows)*(rowHeight+rowGap)

	var b svgBuilder
	b.open(height, title)
	// Grid and axis labels every 20 %; "40%" either side, as shares are not
	// negative, only drawn on the negative side.
	for t := -extent; t <= extent+1e-9; t += 0.2 {
		x := zero + t*scale
		class := "grid"
		if math.Abs(t) < 1e-9 {
			class = "zero"
		}
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" class="%s"/>`, x, x, axisHeight-4, height-rowGap/2, class)
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="middle">%s</text>`, x, pct(math.Abs(t)))
	}
	for i, s := range rows {
		y := float64(axisHeight + i*(rowHeight+rowGap))
		b.rowLabel(y, s)
		if s.Total == 0 {
			b.printf(`<text x="%.1f" y="%.1f" class="none" text-anchor="middle">no answers</text>`, zero, y+rowHeight/2+4)
			continue
		}
		neg, neu, pos := sides(s, levels)
		x := zero - (neg+neu/2)*scale
		for j, c := range s.Counts {
			share := float64(c) / float64(s.Total)
			w := share * scale
			if w > 0 {
				b.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
					x, y, w, rowHeight, colors[j], esc(fmt.Sprintf("%s: %d of %d (%s)", s.Label, c, s.Total, pct(share))))
				b.segmentText(x, w, y, share, colors[j])
			}
			x += w
		}
		b.printf(`<text x="%.1f" y="%.1f" class="side neg" text-anchor="end">%s</text>`, plotLeft-6, y+rowHeight/2+4, pct(neg))
		b.printf(`<text x="%.1f" y="%.1f" class="side pos" text-anchor="start">%s</text>`, plotLeft+plotWidth+6, y+rowHeight/2+4, pct(pos))
	}
	return b.html()
}

// sides sums a row's shares below, at and above the neutral point.
func sides(s series, levels []int) (neg, neu, pos float64) {
	if s.Total == 0 {
		return 0, 0, 0
	}
	for j, c := range s.Counts {
		share := float64(c) / float64(s.Total)
		switch {
		case levels[j] < 0:
			neg += share
		case levels[j] == 0:
			neu += share
		default:
			pos += share
		}
	}
	return neg, neu, pos
}

// stackedChart draws one 100 % bar per series, segments in option order:
// statuses, and choice questions when several companies are compared.
func stackedChart(title string, rows []series, colors []string) string {
	plotLeft := float64(labelWidth)
	plotWidth := float64(chartWidth-labelWidth) - 8
	height := axisHeight + len(rows)*(rowHeight+rowGap)
	var b svgBuilder
	b.open(height, title)
	for t := 0.0; t <= 1+1e-9; t += 0.25 {
		x := plotLeft + t*plotWidth
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" class="grid"/>`, x, x, axisHeight-4, height-rowGap/2)
		anchor := "middle"
		if t == 1 {
			anchor = "end"
		}
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="%s">%s</text>`, x, anchor, pct(t))
	}
	for i, s := range rows {
		y := float64(axisHeight + i*(rowHeight+rowGap))
		b.rowLabel(y, s)
		sum := 0
		for _, c := range s.Counts {
			sum += c
		}
		if sum == 0 {
			b.printf(`<text x="%.1f" y="%.1f" class="none" text-anchor="middle">no answers</text>`, plotLeft+plotWidth/2, y+rowHeight/2+4)
			continue
		}
		x := plotLeft
		for j, c := range s.Counts {
			// Shares of all choices, so a bar is whole even when users
			// could choose several options.
			w := float64(c) / float64(sum) * plotWidth
			if w > 0 {
				share := float64(c) / float64(max(s.Total, 1))
				b.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
					x, y, w, rowHeight, colors[j], esc(fmt.Sprintf("%s: %d of %d (%s)", s.Label, c, s.Total, pct(share))))
				b.segmentText(x, w, y, float64(c)/float64(sum), colors[j])
			}
			x += w
		}
	}
	return b.html()
}

// barChart draws one plain bar per option for a single series: the share
// of respondents who chose it, with count and percentage at its end.
func barChart(title string, options []string, s series, color string) string {
	plotLeft := float64(labelWidth)
	plotWidth := float64(chartWidth-labelWidth) - 90
	top := 0.0
	for _, c := range s.Counts {
		top = math.Max(top, float64(c)/float64(max(s.Total, 1)))
	}
	// Axis to the next 20 % above the longest bar.
	top = math.Min(1, math.Max(0.2, math.Ceil(top*5-1e-9)/5))
	height := axisHeight + len(options)*(rowHeight+rowGap)
	var b svgBuilder
	b.open(height, title)
	for t := 0.0; t <= top+1e-9; t += 0.2 {
		x := plotLeft + t/top*plotWidth
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" class="grid"/>`, x, x, axisHeight-4, height-rowGap/2)
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="middle">%s</text>`, x, pct(t))
	}
	for i, opt := range options {
		y := float64(axisHeight + i*(rowHeight+rowGap))
		short := truncate(opt, charsInName+6)
		b.printf(`<text x="0" y="%.1f" class="lbl">`, y+rowHeight/2+4)
		if short != opt {
			b.printf(`<title>%s</title>`, esc(opt))
		}
		b.printf(`%s</text>`, esc(short))
		share := 0.0
		if s.Total > 0 {
			share = float64(s.Counts[i]) / float64(s.Total)
		}
		w := share / top * plotWidth
		b.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
			plotLeft, y, w, rowHeight, color, esc(fmt.Sprintf("%s: %d of %d (%s)", opt, s.Counts[i], s.Total, pct(share))))
		b.printf(`<text x="%.1f" y="%.1f" class="side">%s <tspan class="n">(%d)</tspan></text>`, plotLeft+w+6, y+rowHeight/2+4, pct(share), s.Counts[i])
	}
	return b.html()
}

func pct(share float64) string {
	return fmt.Sprintf("%.0f%%", share*100)
}

func esc(s string) string { return html.EscapeString(s) }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
