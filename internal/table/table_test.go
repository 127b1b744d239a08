package table

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
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
