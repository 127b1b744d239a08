package workflows

import (
	"errors"
	"strings"
	"testing"
)

func TestMatchByNameOrID(t *testing.T) {
	items := []Named{
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
		got, err := matchByNameOrID("company", tt.query, items, func(n Named) Named { return n })
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

func TestMatchListsAtMostEightCandidates(t *testing.T) {
	var items []Named
	for _, id := range strings.Split("abcdefghijkl", "") {
		items = append(items, Named{ID: id, Name: "Team " + id})
	}
	_, err := matchByNameOrID("group", "team", items, func(n Named) Named { return n })
	if err == nil || !strings.Contains(err.Error(), "12 match") || !strings.Contains(err.Error(), "and 4 more") || strings.Contains(err.Error(), "Team l") {
		t.Errorf("got %v", err)
	}
}
