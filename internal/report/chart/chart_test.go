package chart_test

import (
	"bufio"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/report/chart"
)

// The survey report showed Globex's bar as 12% 12% 62% 12% (98%): shares
// of one whole must add up to 100.
func TestPercentsOfOneWholeAddUpTo100(t *testing.T) {
	if got := chart.Percents([]int{1, 1, 5, 1}, 8); sum(got) != 100 {
		t.Errorf("1,1,5,1 of 8 = %v, sum %d", got, sum(got))
	}
	if got := chart.Percents([]int{1, 1, 1}, 3); sum(got) != 100 || got[0] != 34 {
		t.Errorf("thirds = %v: want 34,33,33", got)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		counts := make([]int, 1+rng.IntN(9))
		total := 0
		for i := range counts {
			counts[i] = rng.IntN(40)
			total += counts[i]
		}
		got := chart.Percents(counts, total)
		if total > 0 && sum(got) != 100 {
			t.Fatalf("%v of %d = %v, sum %d", counts, total, got, sum(got))
		}
		for i, p := range got {
			exact := 100 * float64(counts[i]) / float64(max(total, 1))
			if float64(p) < exact-1 || float64(p) > exact+1 {
				t.Fatalf("%v: %d%% for an exact %.2f%%", counts, p, exact)
			}
		}
	}
	// Several options per user: each share of the users, on its own.
	if got := chart.Percents([]int{3, 3}, 4); got[0] != 75 || got[1] != 75 {
		t.Errorf("multiple choice = %v, want 75,75", got)
	}
}

func sum(ps []int) int {
	n := 0
	for _, p := range ps {
		n += p
	}
	return n
}

// A stacked bar's segment labels and a table's column of one series add up
// to 100 % too.
func TestChartsAndTablesAddUpTo100(t *testing.T) {
	ss := []chart.Series{{Label: "Globex Retail", Total: 8, Counts: []int{1, 1, 5, 1}}}
	svg := chart.Stacked("t", ss, []string{"#111111", "#222222", "#333333", "#444444"}, chart.Narrow)
	total := 0
	for _, m := range regexp.MustCompile(`class="seg"[^>]*>(\d+)%<`).FindAllStringSubmatch(svg, -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	if total != 100 {
		t.Errorf("segment labels add up to %d%%", total)
	}
	tab, _ := chart.MakeTable(ss, []string{"a", "b", "c", "d"}, "Users", "Company")
	total = 0
	for _, r := range tab.Rows[1:] {
		n, _ := strconv.Atoi(strings.TrimSuffix(r.Cells[0].Pct, "%"))
		total += n
	}
	if total != 100 {
		t.Errorf("the table's percentages add up to %d%%", total)
	}
}

// Labels are wrapped, never cut: two names that start alike stay apart.
func TestLabelsWrapAndAreNeverCut(t *testing.T) {
	a, b := "Brightwater Dental Group Holdings North", "Brightwater Dental Group Holdings South"
	for _, name := range []string{a, b, "Ünïcödé 株式会社サンプル 長い名前の会社", strings.Repeat("x", 80)} {
		lines := chart.Wrap(name, 27)
		if got := strings.Join(lines, ""); strings.ReplaceAll(name, " ", "") != strings.ReplaceAll(got, " ", "") {
			t.Errorf("%q wraps to %q: text lost", name, lines)
		}
	}
	svg := chart.Stacked("t", []chart.Series{{Label: a, Total: 1, Counts: []int{1}}, {Label: b, Total: 1, Counts: []int{1}}}, []string{"#111111"}, chart.Wide)
	for _, word := range []string{"North", "South"} {
		if !strings.Contains(svg, word) {
			t.Errorf("the chart lost %q of a long name", word)
		}
	}
	if strings.Contains(svg, "…") {
		t.Error("a label was cut")
	}
}

// The text writer escapes what would end an element or an attribute.
func TestHTMLEscapes(t *testing.T) {
	var sb strings.Builder
	bw := bufio.NewWriter(&sb)
	chart.HTML{Writer: bw}.Text(`<a href="x">'&'+` + "\x00")
	bw.Flush()
	if got, want := sb.String(), "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&#43;\uFFFD"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

// Charts take the page's width whatever the number of rows: drawn 100 %
// wide, in a wider frame when their table goes below them, so that text
// keeps its size.
func TestChartsTakeThePagesWidth(t *testing.T) {
	if !strings.Contains(chart.Style, "svg.chart { display: block; width: 100%; height: auto;") || strings.Contains(chart.Style, "max-width: 760px") {
		t.Error("charts are not drawn as wide as the page")
	}
	for n, want := range map[int]int{1: chart.Narrow, 3: chart.Narrow, 4: chart.Wide, 60: chart.Wide} {
		ss := make([]chart.Series, n)
		for i := range ss {
			ss[i] = chart.Series{Label: "Example Customer " + strconv.Itoa(i), Total: 2, Counts: []int{1, 1}}
		}
		svg := chart.Stacked("t", ss, []string{"#111111", "#222222"}, chart.Width(n))
		if !strings.Contains(svg, `viewBox="0 0 `+strconv.Itoa(want)+` `) {
			t.Errorf("%d rows: not %d wide: %.120s", n, want, svg)
		}
	}
}
