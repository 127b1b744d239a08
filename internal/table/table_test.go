package table

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

var sample = Table{
	Headers: []string{"ID", "NAME"},
	Rows:    [][]string{{"g9AcmeFin001", "Finance"}, {"g9X", "Zoë Ångström-Ñúñez, \"Team\""}, {"g9Y", "tab\there\x1b[31m"}},
}

func TestWriteTableAligns(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, sample, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want header and 3 rows:\n%s", len(lines), b.String())
	}
	col := strings.Index(lines[0], "NAME")
	for _, l := range lines[1:] {
		if strings.IndexFunc(l[col-2:], func(r rune) bool { return r != ' ' }) != 2 {
			t.Errorf("second column not aligned at %d in %q", col, l)
		}
	}
	if strings.ContainsAny(b.String(), "\t\x1b") {
		t.Errorf("control characters reached the table: %q", b.String())
	}
}

func TestWriteCSVQuotes(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, CSV, sample, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `g9X,"Zoë Ångström-Ñúñez, ""Team"""`) || !strings.HasPrefix(b.String(), "ID,NAME\n") {
		t.Errorf("CSV = %q", b.String())
	}
}

// Listing CSVs neutralise formula cells as the survey CSVs do, unless raw.
func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	hostile := Table{Headers: []string{"ID", "NAME"}, Rows: [][]string{{"c1", "=cmd|' /C calc'!A0"}, {"c2", "@SUM(1,2)"}, {"c3", "Plain"}}}
	var b bytes.Buffer
	if err := Write(&b, CSV, hostile, nil); err != nil {
		t.Fatal(err)
	}
	if want := "ID,NAME\nc1,'=cmd|' /C calc'!A0\nc2,\"'@SUM(1,2)\"\nc3,Plain\n"; b.String() != want {
		t.Errorf("CSV = %q, want %q", b.String(), want)
	}
	b.Reset()
	hostile.CSVRaw = true
	if err := Write(&b, CSV, hostile, nil); err != nil {
		t.Fatal(err)
	}
	if want := "ID,NAME\nc1,=cmd|' /C calc'!A0\nc2,\"@SUM(1,2)\"\nc3,Plain\n"; b.String() != want {
		t.Errorf("raw CSV = %q, want %q", b.String(), want)
	}
}

func TestWriteJSONUsesValue(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, JSON, sample, []struct{ ID string }{{"a"}}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || len(got) != 1 || got[0]["ID"] != "a" {
		t.Errorf("JSON = %s (%v)", b.String(), err)
	}
}

// cjk has names whose display width differs from their rune count: CJK
// characters take two columns, a combining accent none.
var cjk = Table{
	Headers: []string{"ID", "NAME", "USERS"},
	Rows: [][]string{
		{"g-1", "財務部", "12"},
		{"g-2", "Finance", "7"},
		{"g-3", "Zoe\u0301 テスト Team", "140"},
		{"g-4", "ｆｕｌｌ width", "3"},
	},
}

func TestWriteTablePadsByDisplayWidth(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, cjk, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	col := uniseg.StringWidth(lines[0][:strings.Index(lines[0], "USERS")])
	for _, l := range lines[1:] {
		last := strings.LastIndex(l, " ") + 1
		if got := uniseg.StringWidth(l[:last]); got != col {
			t.Errorf("USERS starts at display column %d, want %d: %q", got, col, l)
		}
	}
}

func TestWriteTableCutsTheWidestTextColumnToFit(t *testing.T) {
	long := Table{
		Headers: []string{"ID", "NAME", "TYPE", "USERS"},
		Rows: [][]string{
			{"t5PhishFun01", "Phishing Fundamentals for Every Department, Including the Ones Nobody Remembers", "SCORM", "123456"},
			{"t5Pass00002", "パスワード衛生トレーニング上級コース完全版", "Video", "7"},
		},
	}
	for _, width := range []int{60, 45} {
		long.MaxWidth = width
		var b bytes.Buffer
		if err := Write(&b, Text, long, nil); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if w := uniseg.StringWidth(l); w > width {
				t.Errorf("width %d: line is %d wide: %q", width, w, l)
			}
		}
		for _, whole := range []string{"t5PhishFun01", "t5Pass00002", "123456", "SCORM", "Phishing Fund"} {
			if !strings.Contains(out, whole) {
				t.Errorf("width %d: %q was cut:\n%s", width, whole, out)
			}
		}
		if strings.Count(out, "…") != 2 {
			t.Errorf("width %d: want both long names cut with …:\n%s", width, out)
		}
	}
}

func TestWriteTableLeavesAFittingTableWhole(t *testing.T) {
	for _, width := range []int{0, 200} {
		c := cjk
		c.MaxWidth = width
		var b bytes.Buffer
		if err := Write(&b, Text, c, nil); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "…") || !strings.Contains(b.String(), "Zoe\u0301 テスト Team") {
			t.Errorf("width %d: cut a table that fits:\n%s", width, b.String())
		}
	}
}

func TestCutNeverSplitsACharacter(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"Zoe\u0301 Ångström", 5, "Zoe\u0301…"},
		{"財務部門", 6, "財務…"},
		{"財務部門", 5, "財務…"},
		{"short", 10, "short"},
	} {
		if got := cut(tc.in, tc.width); got != tc.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
