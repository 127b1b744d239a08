package workflows

import (
	"errors"
	"strings"
	"testing"
)

var testZones = []TimeZone{
	{ID: "Pacific Standard Time", DisplayName: "(UTC-08:00) Pacific Time (US & Canada)"},
	{ID: "Eastern Standard Time", DisplayName: "(UTC-05:00) Eastern Time (US & Canada)"},
	{ID: "UTC", DisplayName: "(UTC) Coordinated Universal Time"},
	{ID: "GMT Standard Time", DisplayName: "(UTC+00:00) Dublin, Edinburgh, Lisbon, London"},
	{ID: "W. Europe Standard Time", DisplayName: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"},
	{ID: "Turkey Standard Time", DisplayName: "(UTC+03:00) Istanbul"},
}

func TestMatchTimeZoneAccepts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GMT Standard Time", "GMT Standard Time"},
		{"  Turkey Standard Time ", "Turkey Standard Time"},
		{"gmt standard time", "GMT Standard Time"}, // the service's spelling is what gets sent
		{"UTC", "UTC"},
	} {
		got, err := matchTimeZone(tc.in, testZones)
		if err != nil || got.ID != tc.want {
			t.Errorf("matchTimeZone(%q) = %q, %v; want %q", tc.in, got.ID, err, tc.want)
		}
	}
}

func TestMatchTimeZoneSuggests(t *testing.T) {
	for _, tc := range []struct {
		in       string
		suggests []string
		notSugg  []string
	}{
		{in: "GMT Standard Tme", suggests: []string{`"GMT Standard Time"`}},
		{in: "Europe/Istanbul", suggests: []string{`"Turkey Standard Time"`}},
		{in: "Europe/London", suggests: []string{`"GMT Standard Time"`}},
		{in: "Eastern", suggests: []string{`"Eastern Standard Time"`}, notSugg: []string{"Pacific"}},
		{in: "Mars Olympus Mons", notSugg: []string{"close matches"}},
	} {
		_, err := matchTimeZone(tc.in, testZones)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Fatalf("matchTimeZone(%q) error = %v, want *InputError", tc.in, err)
		}
		if ie.Field != "timezone" || ie.Value != tc.in {
			t.Errorf("matchTimeZone(%q): field %q value %q, want the time zone named", tc.in, ie.Field, ie.Value)
		}
		for _, s := range tc.suggests {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("matchTimeZone(%q) = %q, want it to suggest %s", tc.in, err, s)
			}
		}
		for _, s := range tc.notSugg {
			if strings.Contains(err.Error(), s) {
				t.Errorf("matchTimeZone(%q) = %q, must not mention %s", tc.in, err, s)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("matchTimeZone(%q): reason spans lines: %q", tc.in, err)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"gmt standard tme", "gmt standard time", 1},
		{"Ångström", "Angström", 1}, // by rune, not by byte
	} {
		if got := levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
