package keepnettest

import (
	"strings"
	"testing"
)

// The fake's own data has few strings near the edge of the lossless rule,
// so the rule is checked here directly.
func TestLosslessDigits(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"42", true},
		{"0", true},
		{"7", true},
		{"123456789012345", true}, // 15 digits: a float64 holds every one
		{"1234567890123456", false},
		{"007", false}, // the zeros would be lost
		{"00", false},
		{"+4412", false},
		{"-1", false},
		{"1.5", false},
		{"1e3", false},
		{" 42", false},
		{"42 ", false},
		{"", false},
		{"４２", false}, // fullwidth digits are not JSON digits
		{"12a", false},
	}
	for _, c := range cases {
		if got := losslessDigits(c.in); got != c.want {
			t.Errorf("losslessDigits(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestMatchPath(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"data.results", "data.results", true},
		{"data.results", "data.results[]", false},
		{"data.results", "data", false},
		{"data[].answers", "data[].answers", true},
		{"data.enumNameValuePairs.*", "data.enumNameValuePairs.EmailPeriodTypeEnum", true},
		{"data.enumNameValuePairs.*", "data.enumNameValuePairs", false},
		{"data.*", "data[]", false}, // * is a member name, never an element
		{"data.results[].**.children", "data.results[].children", true},
		{"data.results[].**.children", "data.results[].children[].children", true},
		{"data.results[].**.children", "data.results[].tags", false},
	}
	for _, c := range cases {
		path := strings.Split(strings.ReplaceAll(c.path, "[]", ".[]"), ".")
		if got := matchPath(splitPath(c.pattern), path); got != c.want {
			t.Errorf("matchPath(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}
