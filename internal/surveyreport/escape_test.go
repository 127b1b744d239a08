package surveyreport_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// hostile is survey text that would break out of an element, an attribute
// or the style sheet if it went into the page as it is.
const hostile = `<script>alert("x")</script> & 'q' </style>+`

// hostileHTML is hostile as the page's HTML writes it: as html/template
// did, '+' included.
const hostileHTML = `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39; &lt;/style&gt;&#43;`

// hostileSVG is hostile as the charts write it (html.EscapeString).
const hostileSVG = `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39; &lt;/style&gt;+`

// hostileReport is a survey of n companies in which every text is hostile,
// each prefixed by a letter saying where it belongs: C company, E
// enrollment, S status, I question ID, Q question, O option.
func hostileReport(n int) surveyreport.Report {
	b := surveyreport.NewBuilder()
	for c := range n {
		key := surveyreport.Key{CompanyID: fmt.Sprintf("k%d", c), CompanyName: fmt.Sprintf("C%d%s", c, hostile), EnrollmentID: "e1", EnrollmentName: "E" + hostile}
		for u := range 4 {
			status := "Completed"
			if u == 0 {
				status = "S" + hostile
			}
			b.Add(key, workflows.UserResult{Status: status, Answers: []workflows.Answer{{
				QuestionID: "I" + hostile, Question: "Q" + hostile,
				Answer: []string{"O1" + hostile, "O2" + hostile}[u%2], Options: []string{"O1" + hostile, "O2" + hostile},
			}}})
		}
	}
	return b.Report()
}

func TestHTMLEscapesHostileTextEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     surveyreport.Report
		title string
		want  []string
	}{
		{
			name: "one company, title given", r: hostileReport(1), title: "T" + hostile,
			want: []string{
				"<title>T" + hostileHTML + " · C0" + hostileHTML + "</title>",
				"<h1>T" + hostileHTML + "</h1>",
				`<div class="sub">C0` + hostileHTML + "</div>",
				// The company heads the tables' columns.
				`<th scope="col">C0` + hostileHTML + "</th>",
				`<section class="block" id="q-I` + hostileHTML + `">`,
				`<span class="num">Q1</span>Q` + hostileHTML + "</h2>",
				// Options and statuses head the tables' rows; statuses are
				// in the legend too (one company's options are bars, with
				// no legend).
				`<th scope="row">O1` + hostileHTML + "</th>",
				`<th scope="row">S` + hostileHTML + "</th>",
				`"></i>S` + hostileHTML + "</li>",
				`aria-label="Question 1: Q` + hostileSVG + `"`,
				">O2" + hostileSVG + ": 2 of 4 (50%)</title>",
			},
		},
		{
			name: "four companies, title from the enrollment", r: hostileReport(4),
			want: []string{
				"<title>E" + hostileHTML + " · 4 companies</title>",
				"<h1>E" + hostileHTML + "</h1>",
				// Many companies head the tables' rows, options their
				// columns.
				`<th scope="row">C3` + hostileHTML + "</th>",
				`<th scope="col">O2` + hostileHTML + "</th>",
				`"></i>O1` + hostileHTML + "</li>",
				`<th scope="col">S` + hostileHTML + "</th>",
				// Row labels too long for a line wrap; none is cut.
				`<tspan x="0">C2&lt;script&gt;alert(&#34;x&#34;)&lt;/scrip</tspan><tspan x="0" dy="15">t&gt; &amp; &#39;q&#39; &lt;/style&gt;+</tspan>`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := surveyreport.WriteHTML(&buf, tc.r, surveyreport.HTMLOptions{Title: tc.title}); err != nil {
				t.Fatal(err)
			}
			page := buf.String()
			for _, want := range tc.want {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			for _, bad := range []string{hostile, "<script", `"x"`, "'q'"} {
				if strings.Contains(page, bad) {
					t.Errorf("page contains %q unescaped", bad)
				}
			}
			if n := strings.Count(page, "</style>"); n != 1 {
				t.Errorf("page has %d </style>, want only its own", n)
			}
		})
	}
}
