package workflows

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestMatchByNameOrID(t *testing.T) {
	items := []named{
		{ID: "c-1", Name: "Acme"},
		{ID: "c-2", Name: "Acme Europe"},
		{ID: "c-3", Name: "Globex Retail"},
		{ID: "c-4", Name: "Initech"},
		{ID: "c-5", Name: "initech"},
	}
	tests := []struct {
		query   string
		wantID  string
		wantErr string
	}{
		{query: "c-3", wantID: "c-3"},
		{query: "acme", wantID: "c-1"},           // exact name beats the partial "Acme Europe"
		{query: "  ACME EUROPE ", wantID: "c-2"}, // case and spaces ignored
		{query: "glob", wantID: "c-3"},           // single partial match
		{query: "e", wantErr: `is ambiguous: 5 match: "Acme Europe" (c-2), "Acme" (c-1), "Globex Retail" (c-3), "Initech" (c-4), "initech" (c-5); pass the ID or the exact name`},
		{query: "initech", wantErr: `is ambiguous: 2 match: "Initech" (c-4), "initech" (c-5)`},
		{query: "Umbrella", wantErr: `"Umbrella": matches no company by name or ID`},
		{query: "  ", wantErr: "company: is empty"},
	}
	for _, tt := range tests {
		got, err := matchByNameOrID("company", tt.query, items, func(n named) named { return n })
		if tt.wantErr != "" {
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err %v, want InputError containing %q", tt.query, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.ID != tt.wantID {
			t.Errorf("%q: got %+v, %v; want %s", tt.query, got, err, tt.wantID)
		}
	}
}

// TestMatchAsPeopleTypeNames: after exact and partial matching, names match
// regardless of accents, case, apostrophe style and runs of spaces or
// punctuation; an unknown name gets the closest names; errors quote the
// query as typed.
func TestMatchAsPeopleTypeNames(t *testing.T) {
	items := []named{
		{ID: "c-1", Name: "Zoë’s Café Group"},
		{ID: "c-2", Name: "Ångström Labs"},
		{ID: "c-3", Name: "Acme Manufacturing"},
		{ID: "c-4", Name: "Acme Manufacturing Europe"},
		{ID: "c-5", Name: "ＫＥＩＫＯ Trading"}, // full-width letters
		{ID: "c-6", Name: "Straße Logistik"},
		{ID: "c-7", Name: "Globex Retail"},
	}
	tests := []struct {
		name    string
		query   string
		wantID  string
		wantErr []string // all in the message
	}{
		{"without accents", "zoe's cafe group", "c-1", nil},
		{"other apostrophe", "ZOË'S CAFÉ GROUP", "c-1", nil},
		{"apostrophe left out", "Zoes Cafe", "c-1", nil},
		{"partial without accents", "angstrom", "c-2", nil},
		{"runs of spaces", "Acme   Manufacturing", "c-3", nil},
		{"punctuation for spaces", "acme-manufacturing", "c-3", nil},
		{"underscores, partial", "manufacturing_europe", "c-4", nil},
		{"compatibility forms", "keiko trading", "c-5", nil},
		{"case folding", "STRASSE logistik", "c-6", nil},
		{"exact still wins", "Acme Manufacturing", "c-3", nil},
		{"loose ambiguity lists both", "acme-manuf", "", []string{`"acme-manuf"`, "ambiguous", "(c-3)", "(c-4)"}},
		{"typo suggests", "Globx Retial", "", []string{`company "Globx Retial": matches no company`, `did you mean "Globex Retail" (c-7)?`}},
		{"quoted as typed", "  Nowhere Inc ", "", []string{`company "  Nowhere Inc ": matches no company by name or ID`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := matchByNameOrID("company", tt.query, items, func(n named) named { return n })
			if tt.wantErr != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("err %v, want an InputError", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("err %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil || got.ID != tt.wantID {
				t.Errorf("got %+v, %v; want %s", got, err, tt.wantID)
			}
		})
	}
}

func TestUnknownNameSuggestsClosestFirst(t *testing.T) {
	items := []named{
		{ID: "g-1", Name: "Finance EMEA"},
		{ID: "g-2", Name: "Finanse"},
		{ID: "g-3", Name: "Finance"},
		{ID: "g-4", Name: "All Staff"},
	}
	_, err := matchByNameOrID("group", "Finanec", items, func(n named) named { return n })
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err %v", err)
	}
	want := []string{`"Finanse" (g-2)`, `"Finance" (g-3)`}
	if !slices.Equal(ie.Suggestions, want) {
		t.Errorf("suggestions %q, want %q", ie.Suggestions, want)
	}
}

func TestMatchListsAtMostEightCandidates(t *testing.T) {
	var items []named
	for _, id := range strings.Split("abcdefghijkl", "") {
		items = append(items, named{ID: id, Name: "Team " + id})
	}
	_, err := matchByNameOrID("group", "team", items, func(n named) named { return n })
	if err == nil || !strings.Contains(err.Error(), "12 match") || !strings.Contains(err.Error(), "and 4 more") || strings.Contains(err.Error(), "Team l") {
		t.Errorf("got %v", err)
	}
}
