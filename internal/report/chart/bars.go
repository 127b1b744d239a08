package chart

// The charts are hand-written SVG rather than a charting library's. The
// chart a rating scale needs is a diverging stacked bar (negative options
// left of zero, the neutral one split across it, positive right), which
// general-purpose Go chart libraries such as go-analyze/charts do not offer
// as such: it would have to be faked from stacked bars with an offset
// series, and the labels, the side totals and the shared axis across
// companies worked around. Three bar layouts are a few hundred lines of
// geometry here, with no dependency, no embedded fonts or scripts in the
// output, and sizes we control. The SVG goes into the page as it is, so
// every text that goes into it is escaped with esc.

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Series is one row of a chart: a company, an enrollment, the overall.
type Series struct {
	Label string
	// Total is what percentages are of: the users who answered (questions)
	// or all users (statuses).
	Total  int
	Counts []int
	Bold   bool
}

// Segment is one coloured part of a chart's legend.
type Segment struct {
	Label string
	Color string
}

// Widths of a chart, in SVG user units (CSS pixels at 100 %). A chart is
// drawn as wide as the page lets it (CSS width 100 %); Narrow is for a
// chart that shares the page's width with its table, Wide for one alone
// across it, so that text keeps about the same size either way.
const (
	Narrow = 760
	Wide   = 1040
)

// Chart geometry, in SVG user units.
const (
	labelWidth = 250
	rowHeight  = 22
	rowGap     = 10
	lineHeight = 15
	axisHeight = 22
	sideText   = 46 // room for a side total ("12%") either side of a diverging plot
	minTextBar = 28 // narrowest segment that gets its percentage written in it
	// labelColumns is how wide a row label's line may be, in columns of
	// 13px text, leaving room for the row's n.
	labelColumns = 27
)

type svgBuilder struct {
	strings.Builder
	width int
}

func (b *svgBuilder) printf(format string, args ...any) { fmt.Fprintf(b, format, args...) }

func (b *svgBuilder) open(width int, height float64, label string) {
	b.width = width
	b.printf(`<svg class="chart" viewBox="0 0 %d %.0f" width="%d" height="%.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		width, height, width, height, esc(label))
}

func (b *svgBuilder) html() string {
	b.WriteString("</svg>")
	return b.String()
}

// rows lays out rows whose labels wrap to lines: each row is as tall as
// its label, its bar centred in it. It returns each row's top, its
// label's lines, and the chart's height.
func rows(labels []string) (tops []float64, lines [][]string, height float64) {
	y := float64(axisHeight)
	for _, l := range labels {
		ls := Wrap(l, labelColumns)
		tops = append(tops, y)
		lines = append(lines, ls)
		y += rowSize(len(ls)) + rowGap
	}
	return tops, lines, y - rowGap/2
}

func rowSize(lines int) float64 {
	return math.Max(rowHeight, float64(lines*lineHeight+6))
}

// barTop is where a row's bar starts, centred in the row.
func barTop(top float64, lines int) float64 { return top + (rowSize(lines)-rowHeight)/2 }

// baseline is the text baseline of a bar's row.
func baseline(top float64, lines int) float64 { return barTop(top, lines) + rowHeight/2 + 4 }

// label writes a row's label, every line of it, and n at the right of its
// column when n >= 0.
func (b *svgBuilder) label(top float64, lines []string, bold bool, n int) {
	weight := ""
	if bold {
		weight = ` font-weight="600"`
	}
	first := top + (rowSize(len(lines))-float64(len(lines)*lineHeight))/2 + 11
	b.printf(`<text x="0" y="%.1f" class="lbl"%s>`, first, weight)
	for i, l := range lines {
		if i == 0 {
			b.printf(`<tspan x="0">%s</tspan>`, esc(l))
			continue
		}
		b.printf(`<tspan x="0" dy="%d">%s</tspan>`, lineHeight, esc(l))
	}
	b.WriteString(`</text>`)
	if n >= 0 {
		b.printf(`<text x="%d" y="%.1f" class="n" text-anchor="end">n=%d</text>`, labelWidth-10, baseline(top, len(lines)), n)
	}
}

// segmentText writes a percentage inside a segment wide enough for it.
func (b *svgBuilder) segmentText(x, w, y float64, pct int, fill string) {
	if w < minTextBar {
		return
	}
	b.printf(`<text x="%.1f" y="%.1f" class="seg" text-anchor="middle" fill="%s">%s</text>`, x+w/2, y+rowHeight/2+4, TextOn(fill), PercentText(pct))
}

func (b *svgBuilder) rect(x, y, w float64, color, tip string) {
	b.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`, x, y, w, rowHeight, color, esc(tip))
}

func (b *svgBuilder) none(x, y float64) {
	b.printf(`<text x="%.1f" y="%.1f" class="none" text-anchor="middle">no answers</text>`, x, y)
}

func labelsOf(ss []Series) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Label
	}
	return out
}

// Diverging draws a rating-scale question: one bar per series, the
// negative options left of zero, the neutral one (if any) split across it,
// the positive ones right; the totals of each side beside the bar.
// levels[i] < 0, == 0, > 0 says which side colors[i] and the counts' i-th
// option fall on; options run from most negative to most positive.
func Diverging(title string, ss []Series, levels []int, colors []string, width int) string {
	plotLeft := float64(labelWidth + sideText)
	plotWidth := float64(width-labelWidth) - 2*sideText
	// The axis runs from -extent to +extent: the widest side of any row,
	// rounded up to a multiple of 20 %, so that short bars are not lost.
	extent := 0.2
	for _, s := range ss {
		neg, neu, pos := sides(Percents(s.Counts, s.Total), levels)
		extent = math.Max(extent, math.Max(float64(2*neg+neu), float64(2*pos+neu))/200)
	}
	extent = math.Min(1, math.Ceil(extent*5-1e-9)/5)
	scale := plotWidth / 2 / extent
	zero := plotLeft + plotWidth/2
	tops, lines, height := rows(labelsOf(ss))

	var b svgBuilder
	b.open(width, height, title)
	// Grid and axis labels every 20 %; "40%" either side, as shares are not
	// negative, only drawn on the negative side.
	for t := -extent; t <= extent+1e-9; t += 0.2 {
		x := zero + t*scale
		class := "grid"
		if math.Abs(t) < 1e-9 {
			class = "zero"
		}
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%.1f" class="%s"/>`, x, x, axisHeight-4, height, class)
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="middle">%s</text>`, x, Rate(math.Abs(t)))
	}
	for i, s := range ss {
		b.label(tops[i], lines[i], s.Bold, s.Total)
		y := barTop(tops[i], len(lines[i]))
		if s.Total == 0 {
			b.none(zero, y+rowHeight/2+4)
			continue
		}
		pcts := Percents(s.Counts, s.Total)
		neg, neu, pos := sides(pcts, levels)
		x := zero - float64(2*neg+neu)/200*scale
		for j, c := range s.Counts {
			w := float64(c) / float64(s.Total) * scale
			if w > 0 {
				b.rect(x, y, w, colors[j], fmt.Sprintf("%s: %d of %d (%s)", s.Label, c, s.Total, PercentText(pcts[j])))
				b.segmentText(x, w, y, pcts[j], colors[j])
			}
			x += w
		}
		b.printf(`<text x="%.1f" y="%.1f" class="side neg" text-anchor="end">%s</text>`, plotLeft-6, y+rowHeight/2+4, PercentText(neg))
		b.printf(`<text x="%.1f" y="%.1f" class="side pos" text-anchor="start">%s</text>`, plotLeft+plotWidth+6, y+rowHeight/2+4, PercentText(pos))
	}
	return b.html()
}

// sides sums a row's rounded percents below, at and above the neutral
// point, so that the side totals and the neutral share add up as the
// segments do.
func sides(pcts []int, levels []int) (neg, neu, pos int) {
	for j, p := range pcts {
		switch {
		case levels[j] < 0:
			neg += p
		case levels[j] == 0:
			neu += p
		default:
			pos += p
		}
	}
	return neg, neu, pos
}

// Stacked draws one 100 % bar per series, segments in category order:
// statuses, and choices compared across series.
func Stacked(title string, ss []Series, colors []string, width int) string {
	plotLeft := float64(labelWidth)
	plotWidth := float64(width-labelWidth) - 8
	tops, lines, height := rows(labelsOf(ss))
	var b svgBuilder
	b.open(width, height, title)
	for t := 0.0; t <= 1+1e-9; t += 0.25 {
		x := plotLeft + t*plotWidth
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%.1f" class="grid"/>`, x, x, axisHeight-4, height)
		anchor := "middle"
		if t == 1 {
			anchor = "end"
		}
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="%s">%s</text>`, x, anchor, Rate(t))
	}
	for i, s := range ss {
		b.label(tops[i], lines[i], s.Bold, s.Total)
		y := barTop(tops[i], len(lines[i]))
		sum := 0
		for _, c := range s.Counts {
			sum += c
		}
		if sum == 0 {
			b.none(plotLeft+plotWidth/2, y+rowHeight/2+4)
			continue
		}
		// Shares of all choices, so a bar is whole even when users could
		// choose several options; its percents add up to 100.
		pcts := Percents(s.Counts, sum)
		x := plotLeft
		for j, c := range s.Counts {
			w := float64(c) / float64(sum) * plotWidth
			if w > 0 {
				b.rect(x, y, w, colors[j], fmt.Sprintf("%s: %d of %d (%s)", s.Label, c, s.Total, Percent(c, s.Total)))
				b.segmentText(x, w, y, pcts[j], colors[j])
			}
			x += w
		}
	}
	return b.html()
}

// Bars draws one plain bar per category for a single series: the share
// of its total, with count and percentage at its end.
func Bars(title string, categories []string, s Series, color string, width int) string {
	plotLeft := float64(labelWidth)
	plotWidth := float64(width-labelWidth) - 90
	pcts := Percents(s.Counts, s.Total)
	top := 0.0
	for _, p := range pcts {
		top = math.Max(top, float64(p)/100)
	}
	// Axis to the next 20 % above the longest bar.
	top = math.Min(1, math.Max(0.2, math.Ceil(top*5-1e-9)/5))
	tops, lines, height := rows(categories)
	var b svgBuilder
	b.open(width, height, title)
	b.printf(`<text x="%d" y="12" class="n" text-anchor="end">n=%d</text>`, labelWidth-10, s.Total)
	for t := 0.0; t <= top+1e-9; t += 0.2 {
		x := plotLeft + t/top*plotWidth
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%.1f" class="grid"/>`, x, x, axisHeight-4, height)
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="middle">%s</text>`, x, Rate(t))
	}
	for i, cat := range categories {
		b.label(tops[i], lines[i], false, -1)
		y := barTop(tops[i], len(lines[i]))
		share := 0.0
		if s.Total > 0 {
			share = float64(s.Counts[i]) / float64(s.Total)
		}
		w := share / top * plotWidth
		b.rect(plotLeft, y, w, color, fmt.Sprintf("%s: %d of %d (%s)", cat, s.Counts[i], s.Total, PercentText(pcts[i])))
		b.printf(`<text x="%.1f" y="%.1f" class="side">%s <tspan class="n">(%d)</tspan></text>`, plotLeft+w+6, y+rowHeight/2+4, PercentText(pcts[i]), s.Counts[i])
	}
	return b.html()
}

func esc(s string) string { return html.EscapeString(s) }

// Grouped draws, for each series, one thin bar per category: each the
// share of the series' total (rates that are not parts of one whole, such
// as a simulation's opened, clicked and reported rates). A count below 0
// is one the series does not have: no bar, and "–".
func Grouped(title string, ss []Series, categories []string, colors []string, width int) string {
	bar, gap := 9, 3
	if len(categories) == 1 {
		bar = 14 // one bar a row reads better thicker
	}
	plotLeft := float64(labelWidth)
	plotWidth := float64(width-labelWidth) - 60
	var b svgBuilder
	labels := labelsOf(ss)
	tops := make([]float64, len(ss))
	lines := make([][]string, len(ss))
	sizes := make([]float64, len(ss))
	y := float64(axisHeight)
	for i, l := range labels {
		lines[i] = Wrap(l, labelColumns)
		tops[i] = y
		sizes[i] = math.Max(float64(len(categories)*(bar+gap)-gap), float64(len(lines[i])*lineHeight+6))
		y += sizes[i] + rowGap
	}
	height := y - rowGap/2
	b.open(width, height, title)
	for t := 0.0; t <= 1+1e-9; t += 0.25 {
		x := plotLeft + t*plotWidth
		b.printf(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%.1f" class="grid"/>`, x, x, axisHeight-4, height)
		b.printf(`<text x="%.1f" y="12" class="tick" text-anchor="middle">%s</text>`, x, Rate(t))
	}
	for i, s := range ss {
		weight := ""
		if s.Bold {
			weight = ` font-weight="600"`
		}
		first := tops[i] + (sizes[i]-float64(len(lines[i])*lineHeight))/2 + 11
		b.printf(`<text x="0" y="%.1f" class="lbl"%s>`, first, weight)
		for k, l := range lines[i] {
			if k == 0 {
				b.printf(`<tspan x="0">%s</tspan>`, esc(l))
				continue
			}
			b.printf(`<tspan x="0" dy="%d">%s</tspan>`, lineHeight, esc(l))
		}
		b.printf(`</text><text x="%d" y="%.1f" class="n" text-anchor="end">n=%d</text>`, labelWidth-10, first, s.Total)
		top := tops[i] + (sizes[i]-float64(len(categories)*(bar+gap)-gap))/2
		for j, c := range s.Counts {
			by := top + float64(j*(bar+gap))
			if c < 0 || s.Total <= 0 {
				b.printf(`<text x="%.1f" y="%.1f" class="n">–</text>`, plotLeft+4, by+float64(bar)-1)
				continue
			}
			share := float64(c) / float64(s.Total)
			w := share * plotWidth
			b.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
				plotLeft, by, w, bar, colors[j], esc(fmt.Sprintf("%s, %s: %d of %d (%s)", s.Label, categories[j], c, s.Total, Percent(c, s.Total))))
			b.printf(`<text x="%.1f" y="%.1f" class="val">%s</text>`, plotLeft+w+4, by+float64(bar)-2, Percent(c, s.Total))
		}
	}
	return b.html()
}
