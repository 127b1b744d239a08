package jsonspool

import (
	"os"
	"testing"
)

type rec struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// Values come back in order, as added, from a file that has no name in
// the spool's directory.
func TestSpoolGivesBackWhatWasAdded(t *testing.T) {
	dir := t.TempDir()
	s, err := New[rec](dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := []rec{{"Ada\n=1+1", 1}, {"", 0}, {"Zoë", 3}}
	for _, r := range want {
		if err := s.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the spool has a name: %v", entries)
	}
	var got []rec
	for r, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("value %d: %v, want %v", i, got[i], want[i])
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}
